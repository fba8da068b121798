import Actions
import Foundation

/// The two Query protocols on the listener: EC2's (`protocol: ec2`) and the AWS Query
/// protocol RDS uses (`protocol: query`). Both send `POST /` with a form body
/// (`Action=StartInstances&Version=2016-11-15&InstanceId.1=i-…`) and are answered in XML;
/// they differ in the answer's wrapping and the error document:
///
/// ```
/// EC2   <StartInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>…</requestId>…</StartInstancesResponse>
///       <Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>…</RequestID></Response>
/// RDS   <StopDBInstanceResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><StopDBInstanceResult>…</StopDBInstanceResult>
///         <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></StopDBInstanceResponse>
///       <ErrorResponse xmlns="…"><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error><RequestId>…</RequestId></ErrorResponse>
/// ```
enum QueryProtocol {
    static let contentType = "text/xml;charset=UTF-8"

    /// The API version each service's Query protocol names.
    static let versions: [ServiceKind: String] = [.ec2: "2016-11-15", .rds: "2014-10-31"]

    static let namespaces: [ServiceKind: String] = [
        .ec2: "http://ec2.amazonaws.com/doc/2016-11-15/", .rds: "http://rds.amazonaws.com/doc/2014-10-31/",
    ]

    /// The service of an API version (`auth: none` only: a signed request's service is its
    /// credential scope's).
    static func service(ofVersion version: String?) -> ServiceKind? {
        versions.first { $0.value == version }?.key
    }

    /// The service a request's `Authorization` header names in its credential scope, read
    /// without checking the signature: only to choose the error document's shape for a
    /// request that fails before its signature is checked.
    static func claimedService(authorization: String?) -> ServiceKind? {
        guard let authorization, let range = authorization.range(of: "Credential=") else { return nil }
        let credential = authorization[range.upperBound...].prefix { $0 != "," && $0 != " " }
        let parts = credential.split(separator: "/")
        guard parts.count >= 4, let service = ServiceKind(rawValue: String(parts[3])), versions[service] != nil else { return nil }
        return service
    }

    // MARK: Form

    /// `name=value&…` from a URL query or an `application/x-www-form-urlencoded` body:
    /// `+` is a space, `%XX` a byte.
    static func formParameters(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    // MARK: XML

    /// A successful answer to `action`.
    static func success(_ service: ServiceKind, action: String, requestId: String, value: ModelValue) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<\(action)Response xmlns=\"\(namespaces[service] ?? "")\">"
        if service == .ec2 {
            xml += "<requestId>\(requestId)</requestId>"
            appendContent(value, to: &xml)
        } else {
            if case .structure(let members) = value, !members.isEmpty {
                xml += "<\(action)Result>"
                appendContent(value, to: &xml)
                xml += "</\(action)Result>"
            }
            xml += "<ResponseMetadata><RequestId>\(requestId)</RequestId></ResponseMetadata>"
        }
        return xml + "</\(action)Response>"
    }

    /// The error document of `service`.
    static func error(_ service: ServiceKind, _ error: APIError, requestId: String) -> String {
        let code = escape(error.code), message = escape(error.message)
        if service == .ec2 {
            return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>\(code)</Code><Message>\(message)"
                + "</Message></Error></Errors><RequestID>\(requestId)</RequestID></Response>"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"\(namespaces[service] ?? "")\"><Error>"
            + "<Type>\(error.status >= 500 ? "Receiver" : "Sender")</Type><Code>\(code)</Code><Message>\(message)</Message>"
            + "</Error><RequestId>\(requestId)</RequestId></ErrorResponse>"
    }

    /// A value's content (what goes between its element's tags).
    static func appendContent(_ value: ModelValue, to xml: inout String) {
        switch value {
        case .string(let text): xml += escape(text)
        case .integer(let number): xml += String(number)
        case .boolean(let flag): xml += flag ? "true" : "false"
        case .timestamp(let date): xml += ModelTime.format(date)
        case .list(let items, let item):
            for element in items {
                xml += "<\(item)>"
                appendContent(element, to: &xml)
                xml += "</\(item)>"
            }
        case .structure(let members):
            for member in members {
                xml += "<\(member.xmlName)>"
                appendContent(member.value, to: &xml)
                xml += "</\(member.xmlName)>"
            }
        }
    }

    static func escape(_ text: String) -> String {
        guard text.contains(where: { "&<>\"'".contains($0) }) else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.count + 16)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    // MARK: Errors

    /// The authentication and authorization errors in the Query services' own codes (the JSON
    /// services' `...Exception` names are not theirs): EC2 says `AuthFailure` and
    /// `UnauthorizedOperation`, RDS `InvalidClientTokenId` and `AccessDenied`; both say
    /// `SignatureDoesNotMatch`, `IncompleteSignature` and `MissingAuthenticationToken`.
    static func translate(_ error: APIError, for service: ServiceKind) -> APIError {
        switch error.code {
        case "MissingAuthenticationTokenException":
            return service == .ec2
                ? APIError("AuthFailure", "AWS was not able to validate the provided access credentials", status: 401)
                : APIError("MissingAuthenticationToken", error.message, status: 403)
        case "UnrecognizedClientException":
            return service == .ec2
                ? APIError("AuthFailure", "AWS was not able to validate the provided access credentials", status: 401)
                : APIError("InvalidClientTokenId", error.message, status: 403)
        case "InvalidSignatureException":
            return APIError("SignatureDoesNotMatch", error.message, status: 403)
        case "IncompleteSignatureException":
            return APIError("IncompleteSignature", error.message, status: 400)
        case "AccessDeniedException":
            return service == .ec2
                ? APIError("UnauthorizedOperation", "You are not authorized to perform this operation. " + error.message, status: 403)
                : APIError("AccessDenied", error.message, status: 403)
        case "InternalServerError", "InternalException":
            return service == .ec2
                ? APIError("InternalError", "An internal error has occurred", status: 500)
                : APIError("InternalFailure", "An internal error has occurred", status: 500)
        default:
            return error
        }
    }
}

import Foundation

/// Opaque `NextToken`s: the last key of the page, base64-encoded with a marker, so a token
/// from another listing or a forged one is refused as AWS does.
enum PageToken {
    static func make(after key: String, listing: String) -> String {
        Data("\(listing)\u{0}\(key)".utf8).base64EncodedString()
    }

    static func read(_ token: String?, listing: String, error: APIError) throws(APIError) -> String? {
        guard let token else { return nil }
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
              let separator = text.firstIndex(of: "\u{0}"), text[..<separator] == listing else { throw error }
        return String(text[text.index(after: separator)...])
    }
}

/// Parameter names as AWS takes them: `/app/prod/db-password` (a hierarchy) or `plain-name`.
///
/// - `/x` and `x` are the same parameter: `key` drops the leading slash and is what the store
///   is indexed by; the name as first written is kept for display.
/// - Letters, digits, `_`, `.`, `-`, and `/` between levels; leading and trailing spaces are
///   trimmed; at most 15 levels; at most 1011 characters counting the ARN prefix
///   (`arn:aws:ssm:REGION:ACCOUNT:parameter/`).
/// - No name may begin with `aws` or `ssm` in any case (`/aws/...` is AWS's reserved space).
public enum ParameterName {
    public static let maximumDepth = 15
    /// The limit on `arn:aws:ssm:REGION:ACCOUNT:parameter/` plus the name.
    public static let maximumQualifiedLength = 1011

    /// AWS's words for a name that breaks the rules.
    static let plainNameRules = #"Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive)."#
    static let pathNameRules = #"Parameter name: can't be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_"#

    /// The store key of a name: without its leading slash.
    public static func key(_ name: String) -> String {
        name.hasPrefix("/") ? String(name.dropFirst()) : name
    }

    /// The name with one leading slash, as paths and filters compare it.
    public static func slashed(_ name: String) -> String { "/" + key(name) }

    /// `arn:aws:ssm:REGION:ACCOUNT:parameter/NAME`, the name without its leading slash (never
    /// `parameter//app`).
    public static func arn(_ name: String, region: String, account: String) -> String {
        "arn:aws:ssm:\(region):\(account):parameter/\(key(name))"
    }

    /// A name for a new parameter, checked: trimmed of surrounding spaces, or the AWS error.
    public static func validated(_ raw: String, region: String, account: String) throws(ParameterError) -> String {
        let name = trimmed(raw)
        guard !name.isEmpty else {
            throw .validation(member: "Name", value: raw, constraint: "Member must have length greater than or equal to 1")
        }
        let isPath = name.utf8.filter { $0 == UInt8(ascii: "/") }.count > 1
        let bare = key(name).lowercased()
        if bare.hasPrefix("aws") || bare.hasPrefix("ssm") {
            if isPath, name.lowercased().hasPrefix("/aws") {
                throw ParameterError("AccessDeniedException", "No access to reserved parameter name: \(name).")
            }
            throw .validation(isPath ? pathNameRules : plainNameRules)
        }
        guard name.utf8.allSatisfy(isNameByte) else { throw .validation(isPath ? pathNameRules : invalidCharacters(name)) }
        if name.contains("/") {
            // A hierarchy starts with a slash and has no empty level.
            guard name.hasPrefix("/"), !name.hasSuffix("/"), !name.contains("//") else { throw .validation(pathNameRules) }
        }
        if depth(name) > maximumDepth { throw .hierarchyTooDeep }
        let qualified = arn(name, region: region, account: account).count
        if qualified > maximumQualifiedLength {
            throw .validation("Parameter name: the fully qualified name (arn:aws:ssm:\(region):\(account):parameter/ and the name) "
                              + "is \(qualified) characters; the limit is \(maximumQualifiedLength).")
        }
        return name
    }

    /// The levels of a name: `/a/b/c` has 3, `plain` has 1.
    public static func depth(_ name: String) -> Int {
        key(name).split(separator: "/", omittingEmptySubsequences: false).count
    }

    /// A `Path` for GetParametersByPath: `/` or `/a/b` (a trailing slash is allowed), at most
    /// 15 levels. Returns the path without its trailing slash (`/` stays `/`).
    public static func validatedPath(_ raw: String) throws(ParameterError) -> String {
        let path = trimmed(raw)
        guard path.hasPrefix("/"), !path.contains("//"), path.utf8.allSatisfy(isNameByte) else {
            throw .validation(#"The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash "/". It can't be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_."#)
        }
        var normalized = path
        while normalized.count > 1, normalized.hasSuffix("/") { normalized.removeLast() }
        if normalized != "/", depth(normalized) > maximumDepth { throw .hierarchyTooDeep }
        return normalized
    }

    /// Whether `name` lies under `path` (`/` or `/a/b`): anywhere below when `recursive`, else
    /// directly in it.
    public static func name(_ name: String, isUnder path: String, recursive: Bool) -> Bool {
        let full = slashed(name)
        let prefix = path == "/" ? "/" : path + "/"
        guard full.hasPrefix(prefix), full.count > prefix.count else { return false }
        return recursive || !full.dropFirst(prefix.count).contains("/")
    }

    static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    static func invalidCharacters(_ name: String) -> String {
        "Parameter name: \(name) has a character that is not allowed; use only a mix of letters, numbers and the following 3 symbols .-_ "
            + "(and / between the levels of a hierarchy)."
    }
}

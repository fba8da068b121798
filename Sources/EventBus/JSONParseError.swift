/// JSON text that cannot be read: what was wrong and at which byte.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, for a person ("expected ',' or '}' after an object member").
    public let reason: String
    /// 0-based offset, in UTF-8 bytes from the start of the text, of the first byte at fault.
    public let offset: Int
    /// 1-based line of `offset`.
    public let line: Int
    /// 1-based column of `offset`, counted in Unicode scalars.
    public let column: Int

    /// An error at `offset`, with its line and column already worked out.
    public init(reason: String, offset: Int, line: Int, column: Int) {
        self.reason = reason
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// `reason at byte N (line L, column C)`.
    public var description: String {
        "\(reason) at byte \(offset) (line \(line), column \(column))"
    }
}

/// Line and column (both 1-based, the column in Unicode scalars) of a byte offset.
func textPosition(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
    var line = 1
    var column = 1
    var index = 0
    let end = min(offset, bytes.count)
    while index < end {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
        index += 1
    }
    return (line, column)
}

/// A reason for refusing part of a pattern, before the compiler adds where it is.
struct ReasonError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

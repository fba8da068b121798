/// Why a value read from text is not acceptable, before anyone knows where the text came from.
/// The decoder adds the file, the path and the position to make a `ConfigurationError`.
struct ValueProblem: Error {
    var message: String

    init(_ message: String) {
        self.message = message
    }
}

/// Builds the dotted paths that errors use to name a place in the document:
/// `rules[2].targets[0].timeout`. The root is the empty path.
enum DocumentPath {
    static func key(_ parent: String, _ key: String) -> String {
        parent.isEmpty ? key : "\(parent).\(key)"
    }

    static func index(_ parent: String, _ index: Int) -> String {
        "\(parent)[\(index)]"
    }
}

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An XML answer parsed back into elements, to check the Query protocols' documents the way
/// botocore reads them: by element names, from the root down.
final class XMLElementNode: CustomStringConvertible {
    let name: String
    var attributes: [String: String]
    var children: [XMLElementNode] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// The first child named `name`.
    subscript(name: String) -> XMLElementNode? { children.first { $0.name == name } }

    /// The element at a slash-separated path of child names (`Errors/Error/Code`).
    func at(_ path: String) -> XMLElementNode? {
        var node: XMLElementNode? = self
        for part in path.split(separator: "/") { node = node?[String(part)] }
        return node
    }

    /// Every child named `name`.
    func all(_ name: String) -> [XMLElementNode] { children.filter { $0.name == name } }

    var description: String { "<\(name)>\(children.isEmpty ? text : children.map(\.description).joined())</\(name)>" }

    static func parse(_ text: String) throws -> XMLElementNode {
        let builder = Builder()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw TestFailure("not well-formed XML (\(parser.parserError.map { "\($0)" } ?? "no root")): \(text)")
        }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: XMLElementNode?
        var stack: [XMLElementNode] = []

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let node = XMLElementNode(name: elementName, attributes: attributes)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }
    }
}

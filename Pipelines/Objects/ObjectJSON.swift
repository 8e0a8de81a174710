import Foundation
import SPFEngine

/// How the object types store structured attribute values: canonical JSON (sorted keys), decoded
/// with an error naming the attribute and the node.
enum ObjectJSON {
    static let encoder: JSONEncoder = { let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]; return e }()

    /// `value` as canonical JSON text.
    static func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }

    /// Decodes attribute `what` (its text `text`); an error naming the attribute when it is missing or does not decode.
    static func decode<T: Decodable>(_ type: T.Type, _ text: String?, what: String, node: String) throws -> T {
        guard let text else { throw EngineError(.nodeFailed, "input lacks attribute '\(what)'", node: node) }
        do { return try JSONDecoder().decode(type, from: Data(text.utf8)) } catch {
            throw EngineError(.nodeFailed, "attribute '\(what)' does not decode: \(error)", node: node)
        }
    }

    /// Decodes attribute `name` of `object`.
    static func decode<T: Decodable>(_ type: T.Type, attribute name: String, of object: StoredObject, node: String) throws -> T {
        try decode(type, object.attribute(name), what: name, node: node)
    }
}

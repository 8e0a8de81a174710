/// The type a node-kind parameter declares; manifests are checked against it before any node runs.
public enum ParamType: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A whole number (`steps: 100`).
    case int
    /// A real number; a whole number written in the manifest is accepted and stored as a double.
    case double
    /// A string.
    case string
    /// `true` / `false`.
    case bool
    /// A list of whole numbers.
    case intList
    /// A list of real numbers.
    case doubleList
    /// A list of strings.
    case stringList
    /// A free-form map (any JSON-like value inside).
    case object
    /// A path to a file or directory outside the cache (relative to the manifest); its content digest enters the cache key.
    case path

    /// How the type is spelled in error messages.
    public var description: String {
        switch self {
        case .int: "int"
        case .double: "double"
        case .string: "string"
        case .bool: "bool"
        case .intList: "list of int"
        case .doubleList: "list of double"
        case .stringList: "list of string"
        case .object: "object (map)"
        case .path: "path (string)"
        }
    }
}

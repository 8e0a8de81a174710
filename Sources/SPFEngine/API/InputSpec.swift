/// One declared input of a node kind: a single upstream output, or (with `list: true`) any number of them.
public struct InputSpec: Sendable, Hashable {
    /// The name manifests use under `inputs:`.
    public let name: String
    /// True when the input takes a list of upstream outputs (e.g. all expansions of a matrix node).
    public let list: Bool
    /// True when the manifest may omit the input.
    public let optional: Bool
    /// One line of documentation.
    public let doc: String
    /// The object schemas the input takes (empty: any); the loader checks each wire against them.
    public let schemas: [ObjectSchema]

    /// Declares an input.
    public init(_ name: String, list: Bool = false, optional: Bool = false, _ schemas: [ObjectSchema] = [], doc: String = "") {
        self.name = name
        self.list = list
        self.optional = optional
        self.schemas = schemas
        self.doc = doc
    }
}

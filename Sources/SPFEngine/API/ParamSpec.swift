/// One declared parameter of a node kind: name, type, default (nil = required), whether it enters the cache key.
public struct ParamSpec: Sendable, Hashable {
    /// The name manifests use under `params:`.
    public let name: String
    /// The declared type; manifest values are checked (and ints widened to doubles) against it.
    public let type: ParamType
    /// The default applied when the manifest omits the param; nil means the param is required.
    public let defaultValue: ParamValue?
    /// False for params that never change the result (thread counts, progress intervals): excluded from the cache key.
    public let key: Bool
    /// One line of documentation.
    public let doc: String

    /// Declares a parameter. `default: nil` makes it required; `key: false` keeps it out of the cache key.
    public init(_ name: String, _ type: ParamType, default defaultValue: ParamValue? = nil, key: Bool = true, doc: String = "") {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.key = key
        self.doc = doc
    }
}

/// One declared parameter of a node kind: name, type, default (nil = required), whether it enters the cache key.
/// The engine's view of a kind's `@Param` declaration (``Param/spec``), from which it is derived.
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
    /// What the value must satisfy beyond its type (choices, ranges, list lengths); checked at load.
    public let constraints: [ParamConstraint]
    /// An earlier name of the param, still accepted with a deprecation warning naming the line.
    public let deprecatedName: String?

    /// Declares a parameter. `default: nil` makes it required; `key: false` keeps it out of the cache key;
    /// `constraints` are checked for every node when the manifest loads.
    public init(_ name: String, _ type: ParamType, default defaultValue: ParamValue? = nil, key: Bool = true,
                _ constraints: [ParamConstraint] = [], deprecatedName: String? = nil, doc: String = "") {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.key = key
        self.constraints = constraints
        self.deprecatedName = deprecatedName
        self.doc = doc
    }

    /// Why `value` breaks one of the constraints, or nil.
    public func problem(with value: ParamValue) -> String? {
        for c in constraints { if let p = c.problem(with: value) { return p } }
        return nil
    }
}

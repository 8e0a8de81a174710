/// A node kind's params as one value type: a struct of ``Param`` (and ``ParamGroup``) properties,
/// what `context.params(Params.self)` returns, typed. The kind's ``NodeKind/params`` list (manifest
/// keys, load-time checks, cache keys, `spfflow kinds`) is derived from these declarations by
/// reflection, so every param is declared exactly once, where it is stored.
///
/// Why property wrappers rather than a plain `Decodable` struct: a `Decodable` struct declares the
/// name (a coding key) and the Swift type, but has no place for the default, the allowed values,
/// the range, the key flag, an earlier name or the doc line — those would live in a second table
/// keyed by the same strings, which is the duplication this replaces. `@Param` holds all of them at
/// the property, as swift-argument-parser's `@Option` holds a command-line option's; the struct is
/// still `Decodable`, and `Decodable`'s synthesized initialiser is what fills the wrappers.
///
/// Checks across params (a list's length against another param) go in ``validate()``, which the
/// loader calls for every node before anything runs; throw `$param.problem("…")` to point the
/// error at that param's line.
public protocol ParamSet: Decodable, Sendable {
    /// The declarations, every param at its default (required ones without a value).
    init()
    /// Checks across params; called for every node when the manifest loads and before `run`.
    func validate() throws(ParamProblem)
}

extension ParamSet {
    /// Default: no checks across params.
    public func validate() throws(ParamProblem) {}

    /// The declared params, in declaration order.
    public static var paramSpecs: [ParamSpec] {
        var specs: [ParamSpec] = []
        for (_, declaration) in declarations() { specs += declaration.declaredSpecs }
        return specs
    }

    /// The values of a node's checked params (defaults applied) as this type.
    public static func decode(_ params: NodeParams) throws -> Self {
        try decode(values: params.values)
    }

    static func decode(values: [String: ParamValue]) throws -> Self {
        var byProperty: [String: any ParamDeclaration] = [:]
        for (label, declaration) in declarations() { byProperty[label] = declaration }
        return try Self(from: ParamSetDecoder(values: values, declarations: byProperty))
    }

    /// The declarations by property name (a wrapper's storage is `_name`; its coding key is `name`).
    static func declarations() -> [(String, any ParamDeclaration)] {
        var out: [(String, any ParamDeclaration)] = []
        for child in Mirror(reflecting: Self()).children {
            guard let label = child.label, let declaration = child.value as? any ParamDeclaration else { continue }
            out.append((label.hasPrefix("_") ? String(label.dropFirst()) : label, declaration))
        }
        return out
    }
}

/// The params of a kind that declares none.
public struct NoParams: ParamSet {
    /// No declarations.
    public init() {}
}

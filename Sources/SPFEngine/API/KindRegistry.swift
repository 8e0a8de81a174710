/// The set of node kinds a manifest may name, looked up by `NodeKind.name`.
/// Built from `Pipelines/NodeKindRegistry.swift`'s list (the engine never imports Pipelines).
public struct KindRegistry: Sendable {
    /// Kinds by name.
    public let kinds: [String: any NodeKind.Type]

    /// Builds a registry; a later duplicate name replaces an earlier one.
    public init(_ kinds: [any NodeKind.Type]) {
        var map: [String: any NodeKind.Type] = [:]
        for k in kinds { map[k.name] = k }
        self.kinds = map
    }

    /// The kind registered under `name`.
    public func kind(named name: String) -> (any NodeKind.Type)? { kinds[name] }

    /// Sorted names of every registered kind (listed when a manifest names an unknown one).
    public var names: [String] { kinds.keys.sorted() }
}

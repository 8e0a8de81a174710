/// The set of node kinds a manifest may name, looked up by `NodeKind.name`.
/// Built from `Pipelines/NodeKindRegistry.swift`'s list (the engine never imports Pipelines).
public struct KindRegistry: Sendable {
    /// Kinds by name.
    public let kinds: [String: any NodeKind.Type]
    /// What the kinds compute with, recorded in every object's provenance as `spfflow.<name>`
    /// (for example `blas_core`: the OpenBLAS kernels this CPU got), since it decides the last bits.
    public let platform: [String: String]

    /// Builds a registry; a later duplicate name replaces an earlier one.
    public init(_ kinds: [any NodeKind.Type], platform: [String: String] = [:]) {
        var map: [String: any NodeKind.Type] = [:]
        for k in kinds { map[k.name] = k }
        self.kinds = map
        self.platform = platform
    }

    /// The kind registered under `name`.
    public func kind(named name: String) -> (any NodeKind.Type)? { kinds[name] }

    /// Sorted names of every registered kind (listed when a manifest names an unknown one).
    public var names: [String] { kinds.keys.sorted() }
}

import SPFEngine

/// Every node kind a manifest may name. Adding a kind = one new file + one line here.
public enum NodeKindRegistry {
    /// The kinds, in no particular order.
    public static let kinds: [any NodeKind.Type] = [
        // Small real kinds the engine's tests use (Pipelines/Testing/).
        GenerateArray.self,
        ScaleArray.self,
        SumArrays.self,
        CheckpointedCount.self,
        LargeOutput.self,
        FileBytes.self,
    ]

    /// The registry the CLI and tests use.
    public static var registry: KindRegistry { KindRegistry(kinds) }
}

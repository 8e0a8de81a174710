import Pipelines
import SPFEngine

/// The engine tests' small real kinds (`test.*`), in a test-support target that the `spfflow` binary
/// does not link: `spfflow-test-kinds` and the test targets use them. Adding one = one new file here
/// and one line in `testKinds`.
public enum TestKindRegistry {
    /// The `test.*` kinds.
    public static let testKinds: [any NodeKind.Type] = [
        GenerateArray.self,
        ScaleArray.self,
        SumArrays.self,
        CheckpointedCount.self,
        LargeOutput.self,
        HoldMemory.self,
        FileBytes.self,
        RecordRunSnapshot.self,
    ]

    /// The production kinds and the `test.*` kinds.
    public static var kinds: [any NodeKind.Type] {
        // Explicit loops over existential metatypes (Swift 6.3 crashes on some higher-order forms).
        var all: [any NodeKind.Type] = []
        for kind in NodeKindRegistry.kinds { all.append(kind) }
        for kind in testKinds { all.append(kind) }
        return all
    }

    /// The registry of `kinds`, with the production registry's platform record.
    public static var registry: KindRegistry {
        KindRegistry(kinds, platform: NodeKindRegistry.registry.platform)
    }
}

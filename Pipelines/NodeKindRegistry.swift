import SPFEngine
import TensorCore

/// Every node kind a manifest may name. Adding a kind = one new file + one line here. (The engine tests'
/// `test.*` kinds are in the test-support target `TestKinds`, which `spfflow` does not link.)
public enum NodeKindRegistry {
    /// The kinds, in no particular order.
    public static let kinds: [any NodeKind.Type] = [
        // Climate data curation (Pipelines/climate/).
        DiscoverCMIP6.self,
        CurateCMIP6.self,
        ClimateFiles.self,
        RegridWeightsNode.self,
        RegridNode.self,
        ExportCF.self,
        GenerateSuite.self,
        AlignForcings.self,
        // The emulator: shards, training, pyramid stages, products (Pipelines/spf/).
        TrainingShards.self,
        NormalizationStats.self,
        TrainEmulator.self,
        LoadModel.self,
        SampleStage.self,
        MergeEnsemble.self,
        SampleBaseline.self,
        ExportEnsemble.self,
        // Evaluation and report (Pipelines/eval/).
        EvaluateSkill.self,
        WriteReport.self,
        WriteScenarioReport.self,
    ]

    /// The registry the CLI and tests use; objects record the OpenBLAS kernels they were computed with.
    public static var registry: KindRegistry {
        KindRegistry(kinds, platform: ["blas_core": BLASInfo.coreName, "blas_config": BLASInfo.configuration])
    }
}

import Foundation
import SPFEngine
import SPFModel

/// `spf.train`: trains the SPF emulator (or one of its baselines on the same backbone) on the
/// training shards, checkpointing every `checkpoint_every` steps through the engine, so a killed
/// training resumes from its last checkpoint and ends with the same weights as an uninterrupted run.
///
/// `variant`: `spf` (decadal → yearly → monthly pyramid with the multi-timescale paths), `flat`
/// (single full-resolution stage at the monthly timescale, 12-month items) or `ar` (autoregressive
/// spatial pyramid at the yearly timescale, each year conditioned on the previous one).
/// The pyramid follows the data: on yearly shards (`spf.shards` attribute `timescale`) `spf` is a two-stage
/// decadal → yearly pyramid (one ×2×2 jump, no monthly stage) and `flat` a yearly flow of 10-year items.
/// Output: every training array (`param:…`, `adam_m:…`, `adam_v:…`, `ema:…`; `/` is not allowed in dataset names), `lat`, `lon`; attributes
/// `trainer` (JSON: step, model/pyramid/training configs, normaliser), `variant`, `sources`,
/// `forcing_names`, `variables`, `loss_history` (JSON), `train_seconds`.
public struct TrainEmulator: NodeKind {
    /// Kind name.
    public static let name = "spf.train"
    /// Implementation version (2: the backbone runs on TensorCore's layers; parameter names and random streams changed;
    /// 3: the normaliser's climatology is reordered to the model's sources; 4: yearly data train a decadal → yearly pyramid, and
    /// matrix products are cut into fewer, longer GEMMRowBlocks, along the output's longer side, which moves the last bits;
    /// 5: a step's group of more than 4096 tokens trains as several passes (``MMDiT/trainingTokensPerPass``), which moves the
    /// last bits of the `flat` and `ar` variants' weights at 11.25° and of every variant's at 2°; `spf` at 11.25° is unchanged;
    /// 6: exponentials (softmax, GELU, SiLU) in fused multiply-adds, a third faster, values equal to float rounding;
    /// 7: attention's tile products read each item's keys and values packed once (TensorCore's packed kernels, the same bits
    /// on every CPU) and its softmax exponentials are summed over 16 lanes, values equal to float rounding;
    /// 8: attention's key and value gradients on the packed kernels too (transposed, against the score tiles in panels),
    /// so every attention product gives the same bits on every CPU; values equal to float rounding;
    /// 9: the layers' products too (``GEMM/chainMultiply(_:_:m:n:k:a:lda:b:ldb:start:c:ldc:context:)``, no OpenBLAS left in a
    /// training step), so trained weights are the same bytes on every CPU; values equal to float rounding).
    public static let version = 9
    /// Summary.
    public static let summary = "Train the SPF emulator (or the flat / autoregressive baseline) on training shards, with resumable checkpoints."
    /// What is trained: the SPF pyramid or one of the baselines on the same backbone.
    public enum Variant: String, CaseIterable, ParamChoice, Sendable {
        /// The decadal → yearly → monthly pyramid with the multi-timescale paths.
        case spf
        /// One full-resolution stage at the monthly timescale, 12-month items.
        case flat
        /// Autoregressive spatial pyramid at the yearly timescale.
        case ar
    }

    /// Params.
    public struct Params: ParamSet {
        @Param("variant", doc: "spf (the pyramid), flat (one-stage flow) or ar (autoregressive)")
        public var variant: Variant = .spf
        @Param("sources", doc: "ESM source_ids in embedding order (one learned vector each)")
        public var sources: [String]
        @Param("experiments", doc: "experiments of the training split")
        public var experiments = ["historical", "ssp126", "ssp370", "ssp585"]
        @Param("model", .oneOf(MMDiTConfig.presetNames), doc: "backbone preset")
        public var model = "small"
        @Param("width", .atLeast(0), doc: "hidden width override (0: the preset's)")
        public var width = 0
        @Param("depth", .atLeast(0), doc: "block count override (0: the preset's)")
        public var depth = 0
        @Param("patch", .range(min: 1, max: 64),
               doc: "field patch size (the paper's 8); must divide the grid; a coarse stage it does not tile is upsampled to the least grid it tiles")
        public var patch = 4
        @Param("forcing_patch", .range(min: 0, max: 64), doc: "forcing patch size on the full grid (e.g. 16; 0: the field patch); must divide the grid")
        public var forcingPatch = 0
        @Param("steps", .atLeast(0), doc: "optimiser steps")
        public var steps = 1000
        @Param("batch", .atLeast(1), doc: "examples per step (stages and paths mixed)")
        public var batch = 16
        @Param("learning_rate", .range(min: 0, max: 1), doc: "peak learning rate (warm-up then cosine decay)")
        public var learningRate = 1e-3
        @Param("warmup", .atLeast(0), doc: "warm-up steps")
        public var warmup = 50
        @Param("ema", .range(min: 0, max: 1), doc: "EMA decay of the sampled weights")
        public var ema = 0.999
        @Param(SampleStage.solverSteps(default: [8, 8, 8], doc: "solver steps per pyramid stage when sampling (3 counts, of which a yearly pyramid's two stages take the first 2; 1 or 3 for variant flat)"))
        public var solverSteps: [Int]
        @Param("checkpoint_every", .atLeast(1), key: false, doc: "steps between checkpoints (does not change results)")
        public var checkpointEvery = 100
        @Param("data_cache_mib", .atLeast(0), key: false,
               doc: "MiB of normalised training fields kept in memory between steps; the fields stream from the shards, so memory does not grow with the data set (does not change results)")
        public var dataCacheMib = 1024

        /// The step list's length follows the variant: one count per pyramid stage.
        public func validate() throws(ParamProblem) {
            if solverSteps.count == 3 || (variant == .flat && solverSteps.count == 1) || (variant == .spf && solverSteps.count == 2) { return }
            throw $solverSteps.problem("variant \(variant.rawValue) samples \(variant == .flat ? "one stage: give 1 count (or 3, summed)" : "3 pyramid stages (2 on yearly data): give 3 counts, one per stage"), got \(solverSteps.count)")
        }

        /// The declarations.
        public init() {}
    }

    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.trainedModel)
    /// Inputs.
    public static let inputs = [
        InputSpec("shards", list: true, [PipelineObjects.shardSet], doc: "spf.shards outputs"),
        InputSpec("norm", [PipelineObjects.normaliser], doc: "spf.norm-stats output"),
    ]
    /// Uses both cores for its GEMMs.
    public static let threads = 2
    /// Makes the kind.
    public init() {}

    /// The grid the data are regridded to must divide by the pyramid's factor and the patch sizes: refused when the
    /// manifest loads (``PyramidGridCheck``), naming the nearest sizes that work.
    public static func graphProblem(_ node: ManifestNode, upstream: (String) -> ManifestNode?) -> ParamProblem? {
        PyramidGridCheck.problem(node, lookup: upstream)
    }

    /// The pyramid of a variant on an H×W grid, following the data's timescale: monthly data train the decadal → yearly →
    /// monthly pyramid, yearly data a decadal → yearly one (two stages, one ×2×2 jump) with no monthly stage.
    package static func pyramid(variant: Variant, height: Int, width: Int, variables: [String], euler: [Int], node: String,
                                data: MonthlyFrames.DataTimescale = .monthly) throws -> PyramidConfig {
        // Euler steps: one per pyramid stage (3), or for the single-stage flat flow one number (or 3, summed).
        let yearlySPF = data == .yearly && variant == .spf
        guard euler.allSatisfy({ $0 > 0 }), euler.count == 3 || (variant == .flat && euler.count == 1) || (yearlySPF && euler.count == 2) else {
            throw EngineError(.nodeFailed, "solver_steps \(euler) must list \(yearlySPF ? "2 (or 3)" : "3") positive step counts (one per stage)\(variant == .flat ? ", or 1 for the flat flow" : "")", node: node)
        }
        switch (variant, data) {
        case (.spf, .monthly): return PyramidConfig(height: height, width: width, variables: variables, stepsPerStage: euler)
        case (.spf, .yearly):
            return PyramidConfig(height: height, width: width, variables: variables, timescales: [.decadal, .yearly],
                                 spatialFactors: [[2, 2]], stageEnds: [0.5, 1], stepsPerStage: Array(euler.prefix(2)))
        case (.flat, .monthly): return PyramidConfig.flat(height: height, width: width, variables: variables, timescale: .monthly, frames: 12,
                                                          steps: euler.reduce(0, +))
        case (.flat, .yearly): return PyramidConfig.flat(height: height, width: width, variables: variables, timescale: .yearly, frames: 10,
                                                         steps: euler.reduce(0, +))
        case (.ar, _): return PyramidConfig.autoregressivePyramid(height: height, width: width, variables: variables, timescale: .yearly,
                                                                  frames: 1, steps: euler)
        }
    }

    /// The least common multiple of the grid divisors a variant needs: its pyramid's spatial factor to the coarsest stage and
    /// the field and forcing patch sizes (each must divide the full grid).
    package static func gridDivisor(variant: Variant, data: MonthlyFrames.DataTimescale, patch: Int, forcingPatch: Int) -> Int {
        let pyramidFactor = variant == .flat ? 1 : (variant == .spf && data == .yearly ? 2 : 4)
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        func lcm(_ a: Int, _ b: Int) -> Int { a / gcd(a, b) * b }
        return lcm(lcm(pyramidFactor, max(patch, 1)), max(forcingPatch, 1))
    }

    /// Trains, resuming from the node's checkpoint when there is one.
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let variant = p.variant
        let sources = p.sources
        let split = Set(p.experiments)
        let shardObjects = try context.inputList("shards")
        guard let firstObject = shardObjects.first else { throw EngineError(.nodeFailed, "no shards", node: context.nodeID) }
        // The fields stay in the shards and stream block by block (chunk by chunk) as the steps need them.
        let first = try ShardSetObject.read(firstObject, node: context.nodeID, experiments: split, streaming: true)
        let pyramid = try Self.pyramid(variant: variant, height: first.height, width: first.width, variables: first.variables,
                                       euler: p.solverSteps, node: context.nodeID, data: first.timescale)
        let patch = p.patch, forcingPatch = p.forcingPatch == 0 ? patch : p.forcingPatch
        guard patch >= 1, forcingPatch >= 1 else {
            throw EngineError(.nodeFailed, "params patch (\(patch)) and forcing_patch (\(forcingPatch)) must be ≥ 1", node: context.nodeID)
        }
        var model = try MMDiTConfig.preset(p.model, pyramid: pyramid, patchSize: patch,
                                           forcingPatchSize: forcingPatch, griddedForcingChannels: 0,
                                           globalForcingChannels: first.forcingNames.count, sources: sources.count)
        if p.width > 0 { model.width = p.width; model.heads = max(1, model.width / 32) }
        if p.depth > 0 { model.depth = p.depth }
        model.historyStream = variant == .ar
        // The grid and the patches, checked as soon as the grid is known (before any training work).
        do { try model.validate(against: pyramid) } catch {
            throw EngineError(.nodeFailed, "params patch \(patch) / forcing_patch \(forcingPatch) on the \(first.height)x\(first.width) grid: \(error)",
                              node: context.nodeID)
        }
        let shards = try [first] + shardObjects.dropFirst().map {
            try ShardSetObject.read($0, node: context.nodeID, experiments: split, streaming: true)
        }
        for s in shards where s.timescale != first.timescale {
            throw EngineError(.nodeFailed, "shards mix \(first.timescale.rawValue) (\(first.sourceID)) and \(s.timescale.rawValue) (\(s.sourceID)) data: one pyramid follows one timescale", node: context.nodeID)
        }
        let runs = try ShardSetObject.trainingRuns(shards, sources: sources, node: context.nodeID)
        var norm = try NormaliserObject.read(try context.input("norm"), node: context.nodeID)
        // The climatology and per-cell stds in the order of the model's source embeddings (param 'sources', not the
        // shards' order).
        do { norm = try norm.reordered(to: sources) } catch {
            throw EngineError(.nodeFailed, "normalisation statistics: \(error)", node: context.nodeID)
        }
        let total = p.steps
        let training = TrainingConfig(steps: total, batchSize: p.batch, learningRate: p.learningRate,
                                      warmupSteps: p.warmup, emaDecay: p.ema, seed: context.seed)
        let trainer = try Trainer(model: model, pyramid: pyramid, training: training, runs: runs, normalizer: norm,
                                  threads: context.threads, dataCacheBytes: p.dataCacheMib << 20)
        var history: [[Double?]] = []
        if let saved = try context.checkpoint.load() {
            let checkpoint = try TrainedModelObject.readCheckpoint(saved)
            try trainer.importState(metadataJSON: checkpoint.trainer, arrays: checkpoint.arrays)
            history = checkpoint.lossHistory
            context.log("resumed from checkpoint at step \(trainer.step)")
        }
        let every = max(1, p.checkpointEvery)
        let started = Date()
        context.log("training \(variant) on \(first.timescale.rawValue) data, pyramid \(pyramid.timescales.map(\.rawValue).joined(separator: " → ")): \(trainer.model.parameterCount) parameters, \(runs.count) runs, \(total) steps")
        while trainer.step < total {
            let target = min(total, (trainer.step / every + 1) * every)
            try trainer.train(until: target) { prog in
                let losses = prog.lossPerStage.map { $0.map { String(format: "%.4f", $0) } ?? "-" }.joined(separator: "/")
                context.progress(Double(prog.step) / Double(max(total, 1)),
                                 "step \(prog.step)/\(total) loss \(losses) \(String(format: "%.2f", prog.stepsPerSecond)) steps/s ETA \(Int(prog.etaSeconds)) s")
                if prog.step % 10 == 0 || prog.step == total { history.append(prog.lossPerStage) }
            }
            context.log("step \(trainer.step): loss \(history.last.map { $0.map { $0.map { String(format: "%.4f", $0) } ?? "-" } } ?? [])")
            if trainer.step < total {
                let arrays = trainer.exportArrays(), meta = try trainer.exportMetadataJSON(), hist = try ObjectJSON.json(history)
                try context.checkpoint.save { w in
                    try TrainedModelObject.writeCheckpoint(arrays: arrays, trainer: meta, lossHistory: hist, to: w)
                }
            }
        }
        try TrainedModelObject.write(arrays: trainer.exportArrays(), lat: first.lat, lon: first.lon, trainer: try trainer.exportMetadataJSON(),
                                     variant: variant.rawValue, sources: sources, forcingNames: first.forcingNames, variables: first.variables,
                                     lossHistory: history, trainSeconds: Date().timeIntervalSince(started), to: try context.output())
    }
}

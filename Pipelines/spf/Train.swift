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
/// Output: every training array (`param:…`, `adam_m:…`, `adam_v:…`, `ema:…`; `/` is not allowed in dataset names), `lat`, `lon`; attributes
/// `trainer` (JSON: step, model/pyramid/training configs, normaliser), `variant`, `sources`,
/// `forcing_names`, `variables`, `loss_history` (JSON), `train_seconds`.
public struct TrainEmulator: NodeKind {
    /// Kind name.
    public static let name = "spf.train"
    /// Implementation version (2: the backbone runs on TensorCore's layers; parameter names and random streams changed;
    /// 3: the normaliser's climatology is reordered to the model's sources; 4: matrix products cut into fewer,
    /// longer GEMMRowBlocks, along the output's longer side, which moves the last bits).
    public static let version = 4
    /// Summary.
    public static let summary = "Train the SPF emulator (or the flat / autoregressive baseline) on training shards, with resumable checkpoints."
    /// Params.
    public static let params = [
        ParamSpec.choice("variant", ["spf", "flat", "ar"], default: "spf", doc: "spf (the pyramid), flat (one-stage flow) or ar (autoregressive)"),
        ParamSpec("sources", .stringList, doc: "ESM source_ids in embedding order (one learned vector each)"),
        ParamSpec("experiments", .stringList, default: .list(["historical", "ssp126", "ssp370", "ssp585"].map { .string($0) }),
                  doc: "experiments of the training split"),
        ParamSpec.choice("model", MMDiTConfig.presetNames, default: "small", doc: "backbone preset"),
        ParamSpec("width", .int, default: 0, [.atLeast(0)], doc: "hidden width override (0: the preset's)"),
        ParamSpec("depth", .int, default: 0, [.atLeast(0)], doc: "block count override (0: the preset's)"),
        ParamSpec("patch", .int, default: 4, [.range(min: 1, max: 64)],
                  doc: "field patch size (the paper's 8); must divide the grid; a coarse stage it does not tile is upsampled to the least grid it tiles"),
        ParamSpec("forcing_patch", .int, default: 0, [.range(min: 0, max: 64)],
                  doc: "forcing patch size on the full grid (e.g. 16; 0: the field patch); must divide the grid"),
        ParamSpec("steps", .int, default: 1000, [.atLeast(0)], doc: "optimiser steps"),
        ParamSpec("batch", .int, default: 16, [.atLeast(1)], doc: "examples per step (stages and paths mixed)"),
        ParamSpec("learning_rate", .double, default: 1e-3, [.range(min: 0, max: 1)], doc: "peak learning rate (warm-up then cosine decay)"),
        ParamSpec("warmup", .int, default: 50, [.atLeast(0)], doc: "warm-up steps"),
        ParamSpec("ema", .double, default: 0.999, [.range(min: 0, max: 1)], doc: "EMA decay of the sampled weights"),
        SampleStage.solverStepsParam(default: [8, 8, 8], doc: "solver steps per pyramid stage when sampling (3 counts; 1 or 3 for variant flat)"),
        ParamSpec("checkpoint_every", .int, default: 100, key: false, [.atLeast(1)], doc: "steps between checkpoints (does not change results)"),
    ]
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

    /// The step list's length follows the variant: one count per pyramid stage.
    public static func paramProblem(_ params: NodeParams) -> ParamProblem? {
        guard let variant = try? params.string("variant"), let steps = try? params.ints("solver_steps") else { return nil }
        if steps.count == 3 || (variant == "flat" && steps.count == 1) { return nil }
        return ParamProblem(param: "solver_steps", "variant \(variant) samples \(variant == "flat" ? "one stage: give 1 count (or 3, summed)" : "3 pyramid stages: give 3 counts, one per stage"), got \(steps.count)")
    }

    /// The pyramid of a variant on an H×W grid.
    package static func pyramid(variant: String, height: Int, width: Int, variables: [String], euler: [Int], node: String) throws -> PyramidConfig {
        // Euler steps: one per pyramid stage (3), or for the single-stage flat flow one number (or 3, summed).
        guard euler.allSatisfy({ $0 > 0 }), euler.count == 3 || (variant == "flat" && euler.count == 1) else {
            throw EngineError(.nodeFailed, "solver_steps \(euler) must list 3 positive step counts (one per stage)\(variant == "flat" ? ", or 1 for the flat flow" : "")", node: node)
        }
        switch variant {
        case "spf": return PyramidConfig(height: height, width: width, variables: variables, stepsPerStage: euler)
        case "flat": return PyramidConfig.flat(height: height, width: width, variables: variables, timescale: .monthly, frames: 12,
                                               steps: euler.reduce(0, +))
        case "ar": return PyramidConfig.autoregressivePyramid(height: height, width: width, variables: variables, timescale: .yearly,
                                                              frames: 1, steps: euler)
        default: throw EngineError(.nodeFailed, "unknown variant '\(variant)' (spf, flat, ar)", node: node)
        }
    }

    /// Trains, resuming from the node's checkpoint when there is one.
    public func run(_ context: NodeContext) throws {
        let p = context.params
        let variant = try p.string("variant")
        let sources = try p.strings("sources")
        let split = Set(try p.strings("experiments"))
        let shardObjects = try context.inputList("shards")
        guard let firstObject = shardObjects.first else { throw EngineError(.nodeFailed, "no shards", node: context.nodeID) }
        let first = try EmulatorObjects.readShard(firstObject, node: context.nodeID, experiments: split)
        let pyramid = try Self.pyramid(variant: variant, height: first.height, width: first.width, variables: first.variables,
                                       euler: try p.ints("solver_steps"), node: context.nodeID)
        let patch = try p.int("patch"), forcingPatch = try p.int("forcing_patch") == 0 ? patch : try p.int("forcing_patch")
        guard patch >= 1, forcingPatch >= 1 else {
            throw EngineError(.nodeFailed, "params patch (\(patch)) and forcing_patch (\(forcingPatch)) must be ≥ 1", node: context.nodeID)
        }
        var model = try MMDiTConfig.preset(try p.string("model"), pyramid: pyramid, patchSize: patch,
                                           forcingPatchSize: forcingPatch, griddedForcingChannels: 0,
                                           globalForcingChannels: first.forcingNames.count, sources: sources.count)
        if try p.int("width") > 0 { model.width = try p.int("width"); model.heads = max(1, model.width / 32) }
        if try p.int("depth") > 0 { model.depth = try p.int("depth") }
        model.historyStream = variant == "ar"
        // The grid and the patches, checked as soon as the grid is known (before any training work).
        do { try model.validate(against: pyramid) } catch {
            throw EngineError(.nodeFailed, "params patch \(patch) / forcing_patch \(forcingPatch) on the \(first.height)x\(first.width) grid: \(error)",
                              node: context.nodeID)
        }
        let shards = try [first] + shardObjects.dropFirst().map {
            try EmulatorObjects.readShard($0, node: context.nodeID, experiments: split)
        }
        let runs = try EmulatorObjects.trainingRuns(shards, sources: sources, node: context.nodeID)
        var norm = try EmulatorObjects.decode(Normalizer.self, try context.input("norm").attribute("normalizer"), what: "normalizer", node: context.nodeID)
        // The climatology and per-cell stds in the order of the model's source embeddings (param 'sources', not the
        // shards' order).
        do { norm = try norm.reordered(to: sources) } catch {
            throw EngineError(.nodeFailed, "normalisation statistics: \(error)", node: context.nodeID)
        }
        let total = try p.int("steps")
        let training = TrainingConfig(steps: total, batchSize: try p.int("batch"), learningRate: try p.double("learning_rate"),
                                      warmupSteps: try p.int("warmup"), emaDecay: try p.double("ema"), seed: context.seed)
        let trainer = try Trainer(model: model, pyramid: pyramid, training: training, runs: runs, normalizer: norm,
                                  threads: context.threads)
        var history: [[Double?]] = []
        if let saved = try context.checkpoint.load() {
            var arrays: [String: (shape: [Int], values: [Float])] = [:]
            for name in saved.datasetNames { arrays[EmulatorObjects.arrayName(name)] = try saved.readFloats(name) }
            try trainer.importState(metadataJSON: saved.attribute("trainer") ?? "", arrays: arrays)
            history = (try? JSONDecoder().decode([[Double?]].self, from: Data((saved.attribute("loss_history") ?? "[]").utf8))) ?? []
            context.log("resumed from checkpoint at step \(trainer.step)")
        }
        let every = max(1, try p.int("checkpoint_every"))
        let started = Date()
        context.log("training \(variant): \(trainer.model.parameterCount) parameters, \(runs.count) runs, \(total) steps")
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
                let arrays = trainer.exportArrays(), meta = try trainer.exportMetadataJSON(), hist = try EmulatorObjects.json(history)
                try context.checkpoint.save { w in
                    for (name, a) in arrays.sorted(by: { $0.key < $1.key }) { try w.write(EmulatorObjects.datasetName(name), shape: a.shape, values: a.values) }
                    try w.setAttribute("trainer", meta)
                    try w.setAttribute("loss_history", hist)
                }
            }
        }
        let out = try context.output()
        for (name, a) in trainer.exportArrays().sorted(by: { $0.key < $1.key }) {
            try out.write(EmulatorObjects.datasetName(name), shape: a.shape, values: a.values)
        }
        try out.write("lat", shape: [first.lat.count], values: first.lat)
        try out.write("lon", shape: [first.lon.count], values: first.lon)
        try out.setAttribute("trainer", try trainer.exportMetadataJSON())
        try out.setAttribute("variant", variant)
        try out.setAttribute("sources", try EmulatorObjects.json(sources))
        try out.setAttribute("forcing_names", try EmulatorObjects.json(first.forcingNames))
        try out.setAttribute("variables", try EmulatorObjects.json(first.variables))
        try out.setAttribute("loss_history", try EmulatorObjects.json(history))
        try out.setAttribute("train_seconds", String(Date().timeIntervalSince(started)))
    }
}

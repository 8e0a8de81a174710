import Dispatch
import Foundation
import SPFEngine
import SPFModel
import TensorCore

/// One grid of `spfflow bench scaling`: `r<lon>x<lat>` with its field and forcing patch sizes.
struct ScalingGrid: Sendable, Equatable {
    /// Figure suffix, e.g. `r144x96`.
    var name: String
    /// Latitudes and longitudes.
    var height: Int, width: Int
    /// Field and forcing patch sizes.
    var patch: Int, forcingPatch: Int

    /// The three grids of the issue: today's 11.25° (patch 4), 5° (patch 4) and ClimateBench's 2°
    /// (the paper's patch 8, forcing patch 16).
    static let all = [
        ScalingGrid(name: "r32x16", height: 16, width: 32, patch: 4, forcingPatch: 8),
        ScalingGrid(name: "r72x36", height: 36, width: 72, patch: 4, forcingPatch: 12),
        ScalingGrid(name: "r144x96", height: 96, width: 144, patch: 8, forcingPatch: 16),
    ]

    static func named(_ name: String) -> ScalingGrid? { all.first { $0.name == name } }
}

/// The training-step measurement of `spfflow bench scaling`, run in a child process per grid: an
/// SPF ``Trainer`` (D→Y→M pyramid, the backbone preset, six global forcings) on a synthetic
/// 20-year run at the grid, timed over several steps after warm-up (the mean: steps mix stages and paths).
enum ScalingTraining {
    /// Global forcing channels (the default manifests' six).
    static let globalForcings = 6

    /// The model and pyramid at `grid`.
    static func configuration(_ grid: ScalingGrid, model: String) throws -> (MMDiTConfig, PyramidConfig) {
        let p = PyramidConfig.decadalYearlyMonthly(height: grid.height, width: grid.width, variables: ["tas", "pr"])
        let c = try MMDiTConfig.preset(model, pyramid: p, patchSize: grid.patch, forcingPatchSize: grid.forcingPatch,
                                       griddedForcingChannels: 0, globalForcingChannels: globalForcings, sources: 1)
        try c.validate(against: p)
        return (c, p)
    }

    /// A synthetic monthly run of `years` years from 2015: a latitude gradient, a forced trend and unit noise.
    static func syntheticRun(height: Int, width: Int, years: Int, seed: UInt64) throws -> TrainingRun {
        let months = years * 12, plane = height * width
        var rng = RandomStream(seed: seed)
        var fields = rng.normals(count: months * 2 * plane)
        for m in 0..<months {
            let trend = Float(m) / Float(months)
            for c in 0..<2 {
                for y in 0..<height {
                    let base = ((m * 2 + c) * height + y) * width
                    for x in 0..<width { fields[base + x] += 2 * trend + Float(y) / Float(height) }
                }
            }
        }
        var global = [Float](repeating: 0, count: months * globalForcings)
        for m in 0..<months { for k in 0..<globalForcings { global[m * globalForcings + k] = Float(m * (k + 1)) / Float(months) } }
        let forcing = try ForcingSeries(startYear: 2015, months: months, griddedChannels: 0, height: height, width: width,
                                        gridded: [], globalChannels: globalForcings, global: global)
        return try TrainingRun(source: 0, label: "scaling", startYear: 2015, months: months, channels: 2, height: height,
                               width: width, fields: fields, forcing: forcing)
    }

    /// Backbone FLOPs of one training step of `trainer` (the step's examples: stage, path, tokens): linear
    /// layers 3× their forward (forward, input and weight gradients), attention 3.5× (the backward
    /// recomputes the scores).
    static func stepGFLOP(_ trainer: Trainer, step: Int) -> Double {
        let c = trainer.model.config, p = trainer.model.pyramid
        let builder = TrainingExampleBuilder(pyramid: p, decadeOriginYear: trainer.config.decadeOriginYear)
        let forcingPerFrame = (c.height / c.forcingPatchSize) * (c.width2D / c.forcingPatchSize)
        let d = Double(c.width)
        var flops = 0.0
        for (stage, path) in trainer.examplePlan(step: step) {
            let frames = builder.window(stage: stage, path: path).frames
            let n = Double(frames * (c.fieldTokensPerFrame(stage: stage, pyramid: p) + forcingPerFrame))
            let linear = n * (4 + 2 * Double(c.mlpRatio)) * d * d, attention = 2 * n * n * d
            flops += 2 * Double(c.depth) * (3 * linear + 3.5 * attention)
        }
        return flops / 1e9
    }

    /// Child mode: trains `warmup + steps` steps at `grid` and prints
    /// `child step_ms=… gflop=… base_rss_kib=… peak_rss_kib=… tokens=…`.
    static func runChild(_ grid: ScalingGrid, model: String, batch: Int, steps: Int, warmup: Int, threads: Int) throws {
        // As spf.train runs under the node runner (and as the data-streaming child runs): buffers of 1 MiB and more are
        // mapped on their own and unmapped when freed. Without it glibc's moving mmap threshold (raised to each freed
        // buffer's size, up to 32 MiB) put the step's window and example arrays on the heap, where their freed pages
        // stayed resident: 76 MiB of the 2° child's peak.
        FreedMemory.mapLargeBuffers()
        let (c, p) = try configuration(grid, model: model)
        let run = try syntheticRun(height: grid.height, width: grid.width, years: 20, seed: 17)
        let tc = TrainingConfig(steps: warmup + steps, batchSize: batch, learningRate: 1e-3, warmupSteps: 1, seed: 5)
        let trainer = try Trainer(model: c, pyramid: p, training: tc, runs: [run], threads: threads)
        let base = BenchChildProcess.status("VmRSS")
        for _ in 0..<warmup { try trainer.trainStep() }
        var times: [Double] = [], gflop = 0.0
        for _ in 0..<steps {
            gflop += stepGFLOP(trainer, step: trainer.step)
            let t0 = DispatchTime.now().uptimeNanoseconds
            try trainer.trainStep()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        // Steps differ in their stage/path mix (the same mix at every grid: same seed), so the figure is the mean.
        let mean = times.reduce(0, +) / Double(steps)
        let tokens = c.fieldTokensPerFrame(stage: 2, pyramid: p) * 12
        print("child step_ms=\(mean) gflop=\(gflop / Double(steps)) base_rss_kib=\(base) peak_rss_kib=\(BenchChildProcess.status("VmHWM")) monthly_item_tokens=\(tokens) parameters=\(trainer.model.parameterCount)")
    }
}

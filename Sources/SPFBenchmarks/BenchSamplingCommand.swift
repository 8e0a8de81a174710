import ArgumentParser
import Foundation
import SPFModel

/// `spfflow bench sampling`: wall time to sample one 10-year trajectory per member for an ensemble, at decadal,
/// yearly and monthly timescales, for SPF, the flat flow and the autoregressive pyramidal flow (same backbone).
struct BenchSamplingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sampling",
        abstract: "Time SPF against the flat and autoregressive pyramidal flows (same backbone); prints figures.")

    @Option(help: "Full grid height (divisible by 4·patch).") var height: Int = 16
    @Option(help: "Full grid width (divisible by 4·patch).") var width: Int = 32
    @Option(help: "Backbone preset: tiny, small, 100M, 200M.") var model: String = "small"
    @Option(help: "Field patch size.") var patch: Int = 4
    @Option(help: "Forcing patch size (full grid).") var forcingPatch: Int = 8
    @Option(help: "Euler steps per pyramid stage (the flat flow gets stages × this many).") var steps: Int = 10
    @Option(help: "Ensemble members.") var members: Int = 8
    @Option(help: "Trajectory length in years.") var years: Int = 10
    @Option(help: "Timing repeats per measurement (the best is reported).") var repeats: Int = 1
    @Flag(help: "Time only what spf_vs_ar_decadal needs (SPF's decadal output and the yearly autoregressive flow), interleaved, and print that figure: a quicker A/B of the coarse stages.")
    var decadalOnly = false

    func run() throws {
        let vars = ["tas", "pr"]
        let spf = PyramidConfig(height: height, width: width, variables: vars, stepsPerStage: [steps, steps, steps])
        let flatMonthly = PyramidConfig.flat(height: height, width: width, variables: vars, timescale: .monthly, frames: 12,
                                             steps: 3 * steps)
        let arYearly = PyramidConfig.autoregressivePyramid(height: height, width: width, variables: vars, timescale: .yearly, frames: 1,
                                                           steps: [steps, steps, steps])
        let arMonthly = PyramidConfig.autoregressivePyramid(height: height, width: width, variables: vars, timescale: .monthly, frames: 12,
                                                            steps: [steps, steps, steps])
        func backbone(_ p: PyramidConfig, history: Bool) throws -> MMDiT {
            var c = try MMDiTConfig.preset(model, pyramid: p, patchSize: patch, forcingPatchSize: forcingPatch,
                                           griddedForcingChannels: 1, globalForcingChannels: 2)
            c.historyStream = history
            let model = try MMDiT(config: c, pyramid: p, seed: 1)
            // Frozen for inference, as spf.stage's and spf.sample-baseline's models are (weights packed once).
            model.parameters.freezeForInference()
            return model
        }
        let spfModel = BenchWorkCounter(try backbone(spf, history: false))
        let flatModel = BenchWorkCounter(try backbone(flatMonthly, history: false))
        let arYearlyModel = BenchWorkCounter(try backbone(arYearly, history: true))
        let arMonthlyModel = BenchWorkCounter(try backbone(arMonthly, history: true))
        // Forcing: 2015–2064 monthly, a gridded map and two global channels (normalised units).
        let months = 50 * 12
        var gridded = [Float](repeating: 0, count: months * height * width), global = [Float](repeating: 0, count: months * 2)
        for m in 0..<months {
            let f = Float(m) / Float(months)
            global[m * 2] = f
            global[m * 2 + 1] = f * f
            for k in 0..<(height * width) { gridded[m * height * width + k] = f * Float(k % 7) / 7 }
        }
        let forcing = try ForcingSeries(startYear: 2015, months: months, griddedChannels: 1, height: height, width: width,
                                        gridded: gridded, globalChannels: 2, global: global)
        print("config: grid \(height)x\(width), model \(model) (\(spfModel.network.parameterCount) parameters, d \(spfModel.network.config.width), depth \(spfModel.network.config.depth)), patch \(patch), forcing patch \(forcingPatch), \(steps) Euler steps per stage (flat: \(3 * steps)), \(members) members, \(years) years, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        func request(_ t: Timescale) -> SamplingRequest {
            SamplingRequest(scenario: "bench", startYear: 2025, years: years, target: t, members: Array(0..<members), source: 0, seed: 3)
        }
        func time(_ body: () throws -> Void) rethrows -> Double {
            var best = Double.infinity
            for _ in 0..<max(repeats, 1) {
                let t0 = Date()
                try body()
                best = min(best, Date().timeIntervalSince(t0))
            }
            return best
        }
        let sampler = try PyramidSampler(config: spf)
        let flatSampler = try PyramidSampler(config: flatMonthly)
        let arY = try AutoregressiveSampler(config: arYearly), arM = try AutoregressiveSampler(config: arMonthly)
        // Warm-up (BLAS threads, first allocations) outside the timings.
        var warm = request(.decadal)
        warm.members = [0]
        _ = try sampler.sample(warm, forcing: forcing, velocity: spfModel)
        _ = spfModel.take()
        // The work of one measurement (the counters add up over the repeats).
        func work(_ counter: BenchWorkCounter) -> (passes: Int, tokens: Int, gflop: Double) {
            let w = counter.take(), r = max(repeats, 1)
            return (w.passes / r, w.tokens / r, w.gflop / Double(r))
        }
        if decadalOnly {
            // Interleaved, so a slow spell of a shared machine hits both sides.
            var d = Double.infinity, ar = Double.infinity
            for _ in 0..<max(repeats, 1) {
                var t0 = Date()
                _ = try sampler.output(try sampler.sample(request(.decadal), forcing: forcing, velocity: spfModel))
                d = min(d, Date().timeIntervalSince(t0))
                t0 = Date()
                _ = try arY.sample(request(.yearly), forcing: forcing, velocity: arYearlyModel)
                ar = min(ar, Date().timeIntervalSince(t0))
            }
            print("figure spf_decadal_seconds = \(String(format: "%.4g", d)) s")
            print("figure ar_yearly_seconds = \(String(format: "%.4g", ar)) s")
            print("figure spf_vs_ar_decadal = \(String(format: "%.4g", ar / max(d, 1e-9))) x")
            return
        }
        var spfTimes: [Timescale: Double] = [:]
        var spfWork: [Timescale: (passes: Int, tokens: Int, gflop: Double)] = [:]
        for t in [Timescale.decadal, .yearly, .monthly] {
            spfTimes[t] = try time { _ = try sampler.output(try sampler.sample(request(t), forcing: forcing, velocity: spfModel)) }
            spfWork[t] = work(spfModel)
        }
        // Flat flow at its native (monthly) timescale; yearly/decadal outputs are averages of the same samples.
        let flat = try time { _ = try flatSampler.output(try flatSampler.sample(request(.monthly), forcing: forcing, velocity: flatModel)) }
        let flatWork = work(flatModel)
        // Autoregressive: yearly-native for decadal and yearly outputs (decadal = mean of its years), monthly-native for monthly.
        let arYearlyTime = try time { _ = try arY.sample(request(.yearly), forcing: forcing, velocity: arYearlyModel) }
        let arYearlyWork = work(arYearlyModel)
        let arMonthlyTime = try time { _ = try arM.sample(request(.monthly), forcing: forcing, velocity: arMonthlyModel) }
        let arMonthlyWork = work(arMonthlyModel)
        let d = spfTimes[.decadal] ?? 0, y = spfTimes[.yearly] ?? 0, m = spfTimes[.monthly] ?? 0
        func fig(_ name: String, _ v: Double, _ unit: String) { print("figure \(name) = \(String(format: "%.4g", v)) \(unit)") }
        // The work behind each timing: network calls, tokens and backbone GFLOP (GEMMs of the blocks).
        let rows: [(String, (passes: Int, tokens: Int, gflop: Double), Double)] = [
            ("spf_decadal", spfWork[.decadal] ?? (0, 0, 0), d), ("spf_yearly", spfWork[.yearly] ?? (0, 0, 0), y),
            ("spf_monthly", spfWork[.monthly] ?? (0, 0, 0), m), ("flat_monthly", flatWork, flat),
            ("ar_yearly", arYearlyWork, arYearlyTime), ("ar_monthly", arMonthlyWork, arMonthlyTime)]
        for (name, w, seconds) in rows {
            print("work \(name): \(w.passes) network calls, \(w.tokens) tokens, \(String(format: "%.1f", w.gflop)) GFLOP, \(String(format: "%.1f", w.gflop / max(seconds, 1e-9))) GFLOP/s")
        }
        fig("spf_decadal_seconds", d, "s")
        fig("spf_yearly_seconds", y, "s")
        fig("spf_monthly_seconds", m, "s")
        fig("flat_monthly_seconds", flat, "s")
        fig("ar_yearly_seconds", arYearlyTime, "s")
        fig("ar_monthly_seconds", arMonthlyTime, "s")
        fig("spf_vs_ar_decadal", arYearlyTime / max(d, 1e-9), "x")
        fig("spf_vs_ar_yearly", arYearlyTime / max(y, 1e-9), "x")
        fig("spf_vs_ar_monthly", arMonthlyTime / max(m, 1e-9), "x")
        fig("spf_vs_flat_monthly", flat / max(m, 1e-9), "x")
        // The same ratios in backbone FLOPs: what the wall-time ratios can reach on a FLOP-bound CPU.
        let sw = { (t: Timescale) in max(spfWork[t]?.gflop ?? 0, 1e-9) }
        fig("spf_vs_ar_decadal_flops", arYearlyWork.gflop / sw(.decadal), "x")
        fig("spf_vs_ar_yearly_flops", arYearlyWork.gflop / sw(.yearly), "x")
        fig("spf_vs_ar_monthly_flops", arMonthlyWork.gflop / sw(.monthly), "x")
        fig("spf_vs_flat_monthly_flops", flatWork.gflop / sw(.monthly), "x")
    }
}

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
            return try MMDiT(config: c, pyramid: p, seed: 1)
        }
        let spfModel = try backbone(spf, history: false)
        let flatModel = try backbone(flatMonthly, history: false)
        let arYearlyModel = try backbone(arYearly, history: true)
        let arMonthlyModel = try backbone(arMonthly, history: true)
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
        print("config: grid \(height)x\(width), model \(model) (\(spfModel.parameterCount) parameters, d \(spfModel.config.width), depth \(spfModel.config.depth)), patch \(patch), forcing patch \(forcingPatch), \(steps) Euler steps per stage (flat: \(3 * steps)), \(members) members, \(years) years, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        func request(_ t: Timescale) -> SamplingRequest {
            SamplingRequest(scenario: "bench", startYear: 2025, years: years, target: t, members: Array(0..<members), source: 0, seed: 3)
        }
        func time(_ body: () throws -> Void) rethrows -> Double {
            let t0 = Date()
            try body()
            return Date().timeIntervalSince(t0)
        }
        let sampler = try PyramidSampler(config: spf)
        let flatSampler = try PyramidSampler(config: flatMonthly)
        let arY = try AutoregressiveSampler(config: arYearly), arM = try AutoregressiveSampler(config: arMonthly)
        var spfTimes: [Timescale: Double] = [:]
        for t in [Timescale.decadal, .yearly, .monthly] {
            spfTimes[t] = try time { _ = try sampler.output(try sampler.sample(request(t), forcing: forcing, velocity: spfModel)) }
        }
        // Flat flow at its native (monthly) timescale; yearly/decadal outputs are averages of the same samples.
        let flat = try time { _ = try flatSampler.output(try flatSampler.sample(request(.monthly), forcing: forcing, velocity: flatModel)) }
        // Autoregressive: yearly-native for decadal and yearly outputs (decadal = mean of its years), monthly-native for monthly.
        let arYearlyTime = try time { _ = try arY.sample(request(.yearly), forcing: forcing, velocity: arYearlyModel) }
        let arMonthlyTime = try time { _ = try arM.sample(request(.monthly), forcing: forcing, velocity: arMonthlyModel) }
        let d = spfTimes[.decadal] ?? 0, y = spfTimes[.yearly] ?? 0, m = spfTimes[.monthly] ?? 0
        func fig(_ name: String, _ v: Double, _ unit: String) { print("figure \(name) = \(String(format: "%.4g", v)) \(unit)") }
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
    }
}

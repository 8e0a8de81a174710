import Foundation
import SPFModel
import TensorCore

/// Small configurations and synthetic data shared by the tests.
enum TestFixtures {
    /// A 16×16 D→Y→M pyramid with two variables.
    static func pyramid(steps: Int = 4) -> PyramidConfig {
        var p = PyramidConfig.decadalYearlyMonthly(height: 16, width: 16, variables: ["tas", "pr"])
        p.stepsPerStage = [steps, steps, steps]
        return p
    }

    /// A tiny backbone for that pyramid (patch 4, forcing patch 8, one global forcing channel, one gridded).
    static func tinyModel(_ p: PyramidConfig, width: Int = 32, depth: Int = 2, sources: Int = 3) -> MMDiTConfig {
        MMDiTConfig(width: width, depth: depth, heads: 2, patchSize: 4, forcingPatchSize: 8, channels: p.channels,
                    griddedForcingChannels: 1, globalForcingChannels: 1, sources: sources, stages: p.stageCount,
                    height: p.height, width2D: p.width)
    }

    /// Known forced pattern of variable c at cell (y, x).
    static func pattern(_ c: Int, _ y: Int, _ x: Int) -> Float {
        c == 0 ? 1.0 + 0.8 * Float(y) / 15 : 0.5 - 0.6 * Float(x) / 15
    }

    /// Known monthly noise std of variable c at cell (y, x).
    static func noiseStd(_ c: Int, _ y: Int, _ x: Int) -> Float { c == 0 ? 0.5 + 0.3 * Float(y) / 15 : 0.4 }

    /// Seasonal amplitude (variable 0 only).
    static func season(_ c: Int, _ y: Int, _ month: Int) -> Float {
        c == 0 ? 1.2 * (Float(y) / 15 - 0.5) * Float(sin(2 * Double.pi * (Double(month) + 0.5) / 12)) : 0
    }

    /// Global forcing F(year): a scenario-specific ramp.
    static func forcingValue(year: Double, slope: Double) -> Float { Float(slope * (year - 2015) / 50) }

    /// Forcing series: global F(t) monthly and a gridded aerosol-like map scaled by F.
    static func forcing(startYear: Int, years: Int, slope: Double) throws -> ForcingSeries {
        let months = years * 12
        var g = [Float](repeating: 0, count: months * 16 * 16), s = [Float](repeating: 0, count: months)
        for m in 0..<months {
            let f = forcingValue(year: Double(startYear) + (Double(m) + 0.5) / 12, slope: slope)
            s[m] = f
            for y in 0..<16 { for x in 0..<16 { g[(m * 16 + y) * 16 + x] = f * (y < 8 ? 1 : 0.2) } }
        }
        return try ForcingSeries(startYear: startYear, months: months, griddedChannels: 1, height: 16, width: 16,
                                 gridded: g, globalChannels: 1, global: s)
    }

    /// Truth mean of variable c at (y, x) for a month (absolute month index) under a forcing.
    static func truthMean(_ c: Int, _ y: Int, _ x: Int, month: Int, forcing: ForcingSeries) -> Float {
        let f = forcing.global[month - forcing.firstMonth]
        return 0.3 * Float(c) + pattern(c, y, x) * f + season(c, y, month % 12)
    }

    /// One training example of `run` at `stage` of the path to `timescale`: the first window (or the last), flow noise
    /// drawn from `noise`, u = 0.4.
    static func example(pyramid p: PyramidConfig, run: TrainingRun, timescale: Timescale, stage: Int, lastWindow: Bool = false,
                        noise: inout RandomStream) throws -> TrainingExample {
        let builder = TrainingExampleBuilder(pyramid: p, decadeOriginYear: 2015)
        let path = try p.path(for: timescale)
        let w = builder.window(stage: stage, path: path)
        let (h, wd) = p.grid(stage: stage)
        let starts = builder.windowStarts(run: run, stage: stage, path: path)
        guard let start = lastWindow ? starts.last : starts.first else {
            throw SPFModelError(.shapeMismatch, "no training window at stage \(stage)")
        }
        return try builder.example(fields: run.fields, run: run, forcing: run.forcing, path: path, stage: stage, start: start,
                                   noise: noise.normals(count: w.frames * p.channels * h * wd), u: 0.4)
    }

    /// A run: truth mean + iid monthly Gaussian noise.
    static func run(source: Int, startYear: Int, years: Int, slope: Double, seed: UInt64) throws -> TrainingRun {
        let f = try forcing(startYear: startYear, years: years, slope: slope)
        let months = years * 12
        var rng = RandomStream(seed: seed).child(77)
        let z = rng.normals(count: months * 2 * 256)
        var v = [Float](repeating: 0, count: months * 2 * 256)
        for m in 0..<months {
            for c in 0..<2 {
                for y in 0..<16 {
                    for x in 0..<16 {
                        let k = ((m * 2 + c) * 16 + y) * 16 + x
                        v[k] = truthMean(c, y, x, month: startYear * 12 + m, forcing: f) + noiseStd(c, y, x) * z[k]
                    }
                }
            }
        }
        return try TrainingRun(source: source, label: "synthetic-\(seed)", startYear: startYear, months: months, channels: 2,
                               height: 16, width: 16, fields: v, forcing: f)
    }
}

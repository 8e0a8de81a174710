import Evaluation
import Foundation
import Testing

/// Baselines: pattern scaling recovers a known linear pattern (yearly and per calendar month),
/// stochastic pattern scaling is deterministic given the seed and carries the training variability.
@Suite struct BaselineTests {
    static let grid: AreaWeightedGrid = {
        do { return try AreaWeightedGrid.global(nlat: 6, nlon: 10) } catch { preconditionFailure("\(error)") }
    }()

    /// Known truth: field = a(slot, cell) + b(cell)·F1 + c(slot, cell)·F2 + noise.
    static func run(years: Int, startYear: Int, monthly: Bool, forcing: (Double) -> [Double], noise: Double,
                    seed: UInt64) throws -> BaselineTrainingRun {
        let cells = grid.cellCount
        let axis = FrameAxis(timescale: monthly ? .monthly : .yearly, startYear: startYear,
                            count: monthly ? 12 * years : years)
        var rng = SeededGenerator(seed: seed)
        var field: [Float] = [], forcings: [[Double]] = []
        for t in 0..<axis.count {
            let slot = axis.calendarSlot(of: t)
            let f = forcing(axis.centre(of: t))
            forcings.append(f)
            for cell in 0..<cells {
                let truth = pattern(slot: slot, cell: cell, f: f)
                field.append(Float(truth + noise * rng.nextGaussian()))
            }
        }
        return try BaselineTrainingRun(field: field, forcings: forcings, axis: axis, cells: cells)
    }

    static func pattern(slot: Int, cell: Int, f: [Double]) -> Double {
        let a = 280 + Double(cell % 7) + 3 * sin(Double(slot))
        let b = 0.5 + 0.01 * Double(cell)
        let c = -0.3 + 0.05 * Double(slot) * Double(cell % 3)
        return a + b * f[0] + c * f[1]
    }

    static func scenario(_ rate: Double, _ aerosol: Double) -> (Double) -> [Double] {
        { year in [rate * (year - 1850) / 100, aerosol * sin((year - 1850) / 40)] }
    }

    @Test(arguments: [false, true])
    func patternScalingRecoversLinearPattern(monthly: Bool) throws {
        let runs = [try Self.run(years: 60, startYear: 1850, monthly: monthly, forcing: Self.scenario(1, 1), noise: 0, seed: 1),
                    try Self.run(years: 40, startYear: 1950, monthly: monthly, forcing: Self.scenario(3, -0.5), noise: 0, seed: 2)]
        let model = try PatternScaling.fit(runs: runs)
        let test = try Self.run(years: 10, startYear: 2015, monthly: monthly, forcing: Self.scenario(2, 0.7), noise: 0, seed: 3)
        let predicted = try model.predict(forcings: test.forcings, axis: test.axis)
        var maxError: Float = 0
        for i in predicted.indices { maxError = max(maxError, abs(predicted[i] - test.field[i])) }
        #expect(maxError < 2e-3, "max error \(maxError) K")
        #expect(model.slotCount == (monthly ? 12 : 1))
    }

    @Test func climatologyIsTheTrainingMeanPerMonth() throws {
        let run = try Self.run(years: 3, startYear: 2000, monthly: true, forcing: Self.scenario(1, 1), noise: 0.3, seed: 4)
        let clim = try Climatology.fit(runs: [run])
        let axis = FrameAxis(timescale: .monthly, startYear: 2100, count: 24)
        let e = try clim.predictEnsemble(axis: axis)
        let cells = Self.grid.cellCount
        for month in [0, 5, 11] {
            for cell in [0, 17, cells - 1] {
                let mean = (0..<3).reduce(0.0) { $0 + Double(run.field[(12 * $1 + month) * cells + cell]) } / 3
                #expect(abs(Double(e.values[(12 + month) * cells + cell]) - mean) < 1e-4)
            }
        }
    }

    @Test func stochasticPatternScalingIsDeterministicAndCalibrated() throws {
        let runs = try (0..<3).map { try Self.run(years: 80, startYear: 1850 + 60 * $0, monthly: false,
                                                  forcing: Self.scenario(1 + Double($0), 0.5), noise: 0.4, seed: 10 + UInt64($0)) }
        let model = try StochasticPatternScaling.fit(runs: runs, blockYears: 1, poolFrames: 150)
        let test = try Self.run(years: 30, startYear: 2015, monthly: false, forcing: Self.scenario(2, 0.2), noise: 0.4, seed: 99)
        let a = try model.sample(forcings: test.forcings, axis: test.axis, members: 12, seed: 2024)
        let b = try model.sample(forcings: test.forcings, axis: test.axis, members: 12, seed: 2024)
        let c = try model.sample(forcings: test.forcings, axis: test.axis, members: 12, seed: 2025)
        let fewer = try model.sample(forcings: test.forcings, axis: test.axis, members: 5, seed: 2024)
        #expect(a == b)
        #expect(a != c)
        #expect(Array(a.values.prefix(fewer.values.count)) == fewer.values)
        // A model restored from its stored arrays samples the same ensemble.
        let r = model.regression
        let restored = try StochasticPatternScaling(
            regression: try PatternScaling(slotCount: r.slotCount, featureCount: r.featureCount, cells: r.cells,
                                           featureMean: r.featureMean, featureScale: r.featureScale,
                                           coefficients: r.coefficients),
            segmentFrames: model.segmentFrames, segments: model.segments)
        #expect(try restored.sample(forcings: test.forcings, axis: test.axis, members: 12, seed: 2024) == a)
        // Members scatter around the forced pattern with the training noise level (σ = 0.4).
        let spread = a.ensembleSpread()
        let meanSpread = spread.reduce(0.0) { $0 + Double($1) } / Double(spread.count)
        #expect(abs(meanSpread - 0.4) < 0.05, "mean spread \(meanSpread)")
        // Against a truth with the same noise it is near the floor; deterministic PS is clearly worse.
        let truthRuns = try (0..<4).map { try Self.run(years: 30, startYear: 2015, monthly: false, forcing: Self.scenario(2, 0.2),
                                                       noise: 0.4, seed: 200 + UInt64($0)) }
        let truth = try EnsembleField(members: 4, times: 30, grid: Self.grid, values: truthRuns.flatMap(\.field))
        let sps = try EnsembleScorer.score(ensemble: a, truth: truth, grid: Self.grid)
        let ps = try EnsembleScorer.score(ensemble: try model.regression.predictEnsemble(forcings: test.forcings, axis: test.axis),
                                          truth: truth, grid: Self.grid)
        #expect(sps.crps < 0.8 * ps.crps, "stochastic PS \(sps.crps) vs PS \(ps.crps)")
        #expect(abs((sps.spreadSkill ?? 0) - 1) < 0.15, "SSR \(String(describing: sps.spreadSkill))")
    }

    @Test func monthlyResidualBlocksKeepTheSeasonalCycleOfVariability() throws {
        let run = try Self.run(years: 20, startYear: 1900, monthly: true, forcing: Self.scenario(1, 0), noise: 0.2, seed: 5)
        let model = try StochasticPatternScaling.fit(runs: [run], blockYears: 2)
        #expect(model.segmentFrames == 24)
        #expect(model.segments.count == 10)
        let axis = FrameAxis(timescale: .monthly, startYear: 2015, count: 36)
        let e = try model.sample(forcings: (0..<36).map { _ in [1.0, 0.0] }, axis: axis, members: 3, seed: 1)
        #expect(e.times == 36 && e.members == 3)
    }

    @Test func rejectsMismatchedRuns() throws {
        #expect(throws: EvaluationError.self) {
            _ = try BaselineTrainingRun(field: [1, 2, 3], forcings: [[1]], axis: FrameAxis(timescale: .yearly, startYear: 2000, count: 1),
                                cells: 2)
        }
        #expect(throws: EvaluationError.self) { _ = try PatternScaling.fit(runs: []) }
    }
}

import Evaluation
import Foundation
import Testing

/// Field metrics checked against independent numpy implementations on fixed arrays.
@Suite struct MetricsTests {
    static let script = """
    import sys, numpy as np
    M, K, T, NLAT, NLON = (int(a) for a in sys.argv[4:9])
    x = np.fromfile(sys.argv[1]).reshape(M, T, NLAT, NLON)
    y = np.fromfile(sys.argv[2]).reshape(K, T, NLAT, NLON)
    lat = np.fromfile(sys.argv[3])
    w = np.cos(np.deg2rad(lat))[:, None] * np.ones((NLAT, NLON))
    def wmean(a):  # cos-lat weighted mean over the last two axes
        return (a * w).sum(axis=(-2, -1)) / w.sum(axis=(-2, -1))
    xm = x.mean(axis=0)
    rmse = np.mean([np.sqrt(wmean((xm - y[k]) ** 2)) for k in range(K)])
    bias = np.mean([wmean(xm - y[k]) for k in range(K)])
    # fair CRPS by brute force per cell
    pair = np.abs(x[:, None] - x[None, :]).sum(axis=(0, 1))
    crps = np.mean([wmean(np.abs(x - y[k][None]).mean(axis=0) - pair / (2 * M * (M - 1))) for k in range(K)])
    spread = np.sqrt(wmean(x.var(axis=0, ddof=1)).mean())
    pooled = np.sqrt(np.mean([wmean((xm - y[k]) ** 2) for k in range(K)]))
    ssr = np.sqrt((M + 1) / M) * spread / pooled
    # ClimateBench NRMSE as in its scoring code (truth = member mean, prediction = ensemble mean)
    yt = y.mean(axis=0)
    truth_total = np.abs(wmean(yt).mean())
    nrmse_s = np.sqrt(wmean((yt - xm).mean(axis=0) ** 2)) / truth_total
    nrmse_g = np.sqrt((wmean(yt - xm) ** 2).mean()) / truth_total
    print(" ".join(repr(float(v)) for v in (rmse, bias, crps, spread, ssr, nrmse_s, nrmse_g, nrmse_s + 5 * nrmse_g)))
    """

    @Test func fieldMetricsMatchNumpy() throws {
        let grid = try AreaWeightedGrid.global(nlat: 12, nlon: 16)
        let m = 7, k = 3, t = 5
        let x = TestFields.make(members: m, times: t, grid: grid, seed: 1, offset: 0.2)
        let y = TestFields.make(members: k, times: t, grid: grid, seed: 2)
        let ensemble = try EnsembleField(members: m, times: t, grid: grid, values: x)
        let truth = try EnsembleField(members: k, times: t, grid: grid, values: y)
        let scores = try EnsembleScorer.score(ensemble: ensemble, truth: truth, grid: grid)
        let nrmse = try ClimateBenchNRMSE.compute(prediction: ensemble, truth: truth, grid: grid)

        let py = try PythonReference()
        defer { py.cleanup() }
        let ref = try py.run(Self.script, [try py.write("x", x.map(Double.init)), try py.write("y", y.map(Double.init)),
                                           try py.write("lat", grid.latitudes),
                                           "\(m)", "\(k)", "\(t)", "\(grid.nlat)", "\(grid.nlon)"])
        try #require(ref.count == 8)
        #expect(close(scores.rmse, ref[0], rtol: 1e-9), "rmse \(scores.rmse) vs \(ref[0])")
        #expect(close(scores.bias, ref[1], rtol: 1e-9), "bias \(scores.bias) vs \(ref[1])")
        #expect(close(scores.crps, ref[2], rtol: 1e-9), "crps \(scores.crps) vs \(ref[2])")
        #expect(close(scores.spread, ref[3], rtol: 1e-9), "spread \(scores.spread) vs \(ref[3])")
        #expect(close(scores.spreadSkill ?? .nan, ref[4], rtol: 1e-9), "ssr \(String(describing: scores.spreadSkill)) vs \(ref[4])")
        #expect(close(nrmse.spatial, ref[5], rtol: 1e-9), "nrmse_s \(nrmse.spatial) vs \(ref[5])")
        #expect(close(nrmse.global, ref[6], rtol: 1e-9), "nrmse_g \(nrmse.global) vs \(ref[6])")
        #expect(close(nrmse.total, ref[7], rtol: 1e-9), "nrmse total \(nrmse.total) vs \(ref[7])")
    }

    @Test func scoresDoNotDependOnThreadCount() throws {
        let grid = try AreaWeightedGrid.global(nlat: 8, nlon: 12)
        let e = try EnsembleField(members: 9, times: 13, grid: grid,
                                  values: TestFields.make(members: 9, times: 13, grid: grid, seed: 3))
        let y = try EnsembleField(members: 2, times: 13, grid: grid,
                                  values: TestFields.make(members: 2, times: 13, grid: grid, seed: 4))
        let one = try EnsembleScorer.score(ensemble: e, truth: y, grid: grid, threads: 1)
        let three = try EnsembleScorer.score(ensemble: e, truth: y, grid: grid, threads: 3)
        #expect(one == three)
    }

    @Test func reliableEnsembleHasSpreadSkillNearOne() throws {
        // Members and truth drawn from the same distribution: SSR ≈ 1, and the floor agrees.
        let grid = try AreaWeightedGrid.global(nlat: 16, nlon: 32)
        let e = try EnsembleField(members: 10, times: 20, grid: grid,
                                  values: TestFields.make(members: 10, times: 20, grid: grid, seed: 5))
        let y = try EnsembleField(members: 3, times: 20, grid: grid,
                                  values: TestFields.make(members: 3, times: 20, grid: grid, seed: 6))
        let s = try EnsembleScorer.score(ensemble: e, truth: y, grid: grid)
        #expect(abs((s.spreadSkill ?? 0) - 1) < 0.05, "SSR \(String(describing: s.spreadSkill))")
        let floor = try EnsembleScorer.floor(truth: e, grid: grid)
        #expect(abs(floor.crps / s.crps - 1) < 0.05, "floor \(floor.crps) vs ensemble \(s.crps)")
        #expect(floor.members == 9)
        // A biased, under-dispersed ensemble scores worse than the floor.
        let shifted = try EnsembleField(members: 10, times: 20, grid: grid,
                                        values: TestFields.make(members: 10, times: 20, grid: grid, seed: 5,
                                                                offset: 0.5, noise: 0.1))
        let bad = try EnsembleScorer.score(ensemble: shifted, truth: y, grid: grid)
        #expect(bad.crps > 1.2 * floor.crps)
        #expect((bad.spreadSkill ?? 1) < 0.5)
        #expect(abs(bad.bias - 0.5) < 0.05)
    }

    @Test func evaluatorCoversPeriodsAndTimescales() throws {
        let grid = try AreaWeightedGrid.global(nlat: 4, nlon: 8)
        let years = 2015...2100
        let axis = FrameAxis(timescale: .yearly, startYear: 2015, count: years.count)
        let e = try EnsembleField(members: 4, times: years.count, grid: grid,
                                  values: TestFields.make(members: 4, times: years.count, grid: grid, seed: 8))
        let y = try EnsembleField(members: 3, times: years.count, grid: grid,
                                  values: TestFields.make(members: 3, times: years.count, grid: grid, seed: 9))
        let plan = try EvaluationPlan.standard()
        let records = try SkillEvaluator.evaluate(model: "m", esm: "E", variable: "tas", ensemble: e, truth: y,
                                                  axis: axis, grid: grid, plan: plan)
        let keys = Set(records.map { "\($0.period)/\($0.timescale.rawValue)" })
        #expect(keys == ["2015-2100/yearly", "2015-2100/decadal", "2080-2100/yearly", "2080-2100/decadal"])
        // 2080–2100 decadal: 2080–89 and 2090–99 (the single year 2100 is too short to be a decade).
        let sub = try e.selecting(times: 65..<86)
        let (dec, decAxis) = try TimeAggregation.aggregate(sub, axis: FrameAxis(timescale: .yearly, startYear: 2080,
                                                                                count: 21), to: .decadal)
        #expect(dec.times == 2 && decAxis.years(of: 1) == 2090...2099)
        let floor = try SkillEvaluator.evaluateFloor(esm: "E", variable: "tas", truth: y, axis: axis, grid: grid,
                                                     plan: plan)
        #expect(floor.contains { $0.metric == .crps && $0.timescale == .decadal && $0.period == "2080-2100" })
        // Monthly fields for 2081–2100 only: scored for 2080–2100 (95 % covered), not for 2015–2100.
        let monthlyAxis = FrameAxis(timescale: .monthly, startYear: 2081, count: 240)
        let me = try EnsembleField(members: 3, times: 240, grid: grid,
                                   values: TestFields.make(members: 3, times: 240, grid: grid, seed: 10))
        let my = try EnsembleField(members: 2, times: 240, grid: grid,
                                   values: TestFields.make(members: 2, times: 240, grid: grid, seed: 11))
        let monthly = try SkillEvaluator.evaluate(model: "m", esm: "E", variable: "tas", ensemble: me, truth: my,
                                                  axis: monthlyAxis, grid: grid, plan: plan)
        #expect(Set(monthly.map { "\($0.period)/\($0.timescale.rawValue)" })
                == ["2080-2100/monthly", "2080-2100/yearly", "2080-2100/decadal"])
    }

    @Test func monthlyAggregatesToYearlyMeans() throws {
        let grid = try AreaWeightedGrid.global(nlat: 2, nlon: 3)
        let values = (0..<(2 * 24 * 6)).map { Float($0 % 97) }
        let f = try EnsembleField(members: 2, times: 24, grid: grid, values: values)
        let (y, axis) = try TimeAggregation.aggregate(f, axis: FrameAxis(timescale: .monthly, startYear: 2081, count: 24),
                                                      to: .yearly)
        #expect(axis == FrameAxis(timescale: .yearly, startYear: 2081, count: 2))
        for m in 0..<2 { for yr in 0..<2 { for c in 0..<6 {
            let expected = (0..<12).reduce(0.0) { $0 + Double(values[(m * 24 + yr * 12 + $1) * 6 + c]) } / 12
            #expect(abs(Double(y.values[(m * 2 + yr) * 6 + c]) - expected) < 1e-4)
        } } }
    }
}

import Evaluation
import Foundation
import Testing

/// Ensembles of antithetic pairs (member 2k + 1 sampled from member 2k's noise negated): the scorer's
/// partner-aware estimators against brute force, and their unbiasedness on pairs whose distribution is known.
@Suite struct AntitheticScoringTests {
    /// Members 2k and 2k + 1 of `members` are mirror images about `mu` (x and 2μ − x) with σ = `sigma`; the truth
    /// members are independent draws of the same distribution.
    static func mirrored(members: Int, truth: Int, times: Int, grid: AreaWeightedGrid, sigma: Double,
                         seed: UInt64) throws -> (EnsembleField, EnsembleField) {
        var rng = SeededGenerator(seed: seed)
        let plane = times * grid.cellCount
        var e = [Float](repeating: 0, count: members * plane), y = [Float](repeating: 0, count: truth * plane)
        for i in 0..<plane {
            let mu = 280 + Double(i % 17)
            for pair in 0..<(members / 2) {
                let z = sigma * rng.nextGaussian()
                e[(2 * pair) * plane + i] = Float(mu + z)
                e[(2 * pair + 1) * plane + i] = Float(mu - z)
            }
            for k in 0..<truth { y[k * plane + i] = Float(mu + sigma * rng.nextGaussian()) }
        }
        let field = try EnsembleField(members: members, times: times, cells: grid.cellCount, values: e)
        return (try field.pairing(antitheticMemberIDs: Array(0..<members)),
                try EnsembleField(members: truth, times: times, cells: grid.cellCount, values: y))
    }

    /// σ² from the ordered pairs of members that are not partners: `Σ (x_i − x_j)² / (2·pairs)`, by brute force.
    static func independentPairVariance(_ x: [Double], partners: [Int]) -> Double {
        var sq = 0.0, n = 0
        for i in x.indices { for j in x.indices where j != i && partners[i] != j { sq += (x[i] - x[j]) * (x[i] - x[j]); n += 1 } }
        return sq / Double(2 * n)
    }

    @Test func partnerAwareCRPSMatchesBruteForce() throws {
        let grid = try AreaWeightedGrid.global(nlat: 4, nlon: 6)
        var rng = SeededGenerator(seed: 11)
        // 7 members with ids 0…5 and 9: pairs (0,1) (2,3) (4,5), member 9's partner 8 is absent.
        let ids = [0, 1, 2, 3, 4, 5, 9], m = ids.count, t = 3, c = grid.cellCount
        let values = (0..<(m * t * c)).map { _ in Float(2 * rng.nextGaussian()) }
        let truthValues = (0..<(2 * t * c)).map { _ in Float(2 * rng.nextGaussian()) }
        let ensemble = try EnsembleField(members: m, times: t, cells: c, values: values).pairing(antitheticMemberIDs: ids)
        #expect(ensemble.partners == [1, 0, 3, 2, 5, 4, -1])
        #expect(ensemble.antitheticPairs.pairs.count == 3 && ensemble.antitheticPairs.unpaired == 1)
        let truth = try EnsembleField(members: 2, times: t, cells: c, values: truthValues)
        let scores = try EnsembleScorer.score(ensemble: ensemble, truth: truth, grid: grid)
        // Brute force, weighted as the scorer documents: Σ_cell w·score / cells, averaged over frames and truth members.
        var crps = 0.0, variance = 0.0
        for frame in 0..<t {
            for cell in 0..<c {
                let w = grid.rowWeights[cell / grid.nlon]
                let x = (0..<m).map { Double(values[($0 * t + frame) * c + cell]) }
                for k in 0..<2 {
                    crps += w * CRPS.fair(members: x, partners: ensemble.partners ?? [], observation: Double(truthValues[(k * t + frame) * c + cell]))
                }
                variance += w * Self.independentPairVariance(x, partners: ensemble.partners ?? [])
            }
        }
        let expectedCRPS = crps / Double(c) / Double(t * 2)
        let expectedSpread = (variance / Double(c) / Double(t)).squareRoot()
        #expect(abs(scores.crps - expectedCRPS) < 1e-5 * expectedCRPS, "\(scores.crps) vs \(expectedCRPS)")
        #expect(abs(scores.spread - expectedSpread) < 1e-5 * expectedSpread, "\(scores.spread) vs \(expectedSpread)")
        // Without partners the ordinary estimator is used (all pairs) and differs.
        let plain = try EnsembleScorer.score(ensemble: try EnsembleField(members: m, times: t, cells: c, values: values),
                                             truth: truth, grid: grid)
        #expect(plain.crps != scores.crps)
        // The map spread leaves partners out the same way.
        let cellSpread = ensemble.ensembleSpread()
        let x0 = (0..<m).map { Double(values[$0 * t * c]) }
        #expect(abs(Double(cellSpread[0]) - Self.independentPairVariance(x0, partners: ensemble.partners ?? []).squareRoot()) < 1e-4)
    }

    @Test func pairedEstimatorsAreUnbiasedWherePlainOnesAreNot() throws {
        // Mirrored Gaussian pairs: each member is an exact N(μ, σ²) draw, so the CRPS against an independent draw of
        // the same distribution is σ/√π, the spread σ, and a reliable ensemble has spread–skill 1, while the mean
        // of the pairs is exactly μ (error σ, not σ·√(1 + 1/M)).
        let grid = try AreaWeightedGrid.global(nlat: 16, nlon: 32)
        let sigma = 1.5, m = 8
        let (paired, truth) = try Self.mirrored(members: m, truth: 3, times: 12, grid: grid, sigma: sigma, seed: 5)
        let s = try EnsembleScorer.score(ensemble: paired, truth: truth, grid: grid)
        let exact = sigma / Double.pi.squareRoot()
        #expect(abs(s.crps / exact - 1) < 0.02, "paired CRPS \(s.crps) vs σ/√π \(exact)")
        #expect(abs(s.spread / sigma - 1) < 0.02, "paired spread \(s.spread)")
        #expect(abs((s.spreadSkill ?? 0) - 1) < 0.03, "paired spread–skill \(String(describing: s.spreadSkill))")
        #expect(abs(s.pooledRMSE / sigma - 1) < 0.02, "ensemble-mean error \(s.pooledRMSE) vs σ \(sigma)")
        // The same members taken as independent: the spread term counts the partners' (largest) distances,
        // so CRPS is biased low and the spread high.
        var unpaired = paired
        unpaired.partners = nil
        let naive = try EnsembleScorer.score(ensemble: unpaired, truth: truth, grid: grid)
        #expect(naive.crps < 0.97 * exact, "plain CRPS \(naive.crps) should be biased low against \(exact)")
        #expect(naive.spread > 1.03 * sigma, "plain spread \(naive.spread)")
        #expect(naive.pooledRMSE == s.pooledRMSE)
    }

    @Test func independentMembersScoreAlikeWithOrWithoutThePairedPath() throws {
        // Independent members declared as pairs: both estimators target the same quantities.
        let grid = try AreaWeightedGrid.global(nlat: 16, nlon: 32)
        let e = try EnsembleField(members: 10, times: 20, grid: grid,
                                  values: TestFields.make(members: 10, times: 20, grid: grid, seed: 5))
        let y = try EnsembleField(members: 3, times: 20, grid: grid,
                                  values: TestFields.make(members: 3, times: 20, grid: grid, seed: 6))
        let plain = try EnsembleScorer.score(ensemble: e, truth: y, grid: grid)
        let paired = try EnsembleScorer.score(ensemble: try e.pairing(antitheticMemberIDs: Array(0..<10)), truth: y, grid: grid)
        #expect(abs(paired.crps / plain.crps - 1) < 0.01)
        #expect(abs(paired.spread / plain.spread - 1) < 0.02)
        #expect(abs((paired.spreadSkill ?? 0) - (plain.spreadSkill ?? 0)) < 0.05)
        #expect(paired.rmse == plain.rmse)
    }

    @Test func partnersFollowSelectionsAndTimeAggregation() throws {
        let grid = try AreaWeightedGrid.global(nlat: 2, nlon: 4)
        let axis = FrameAxis(timescale: .monthly, startYear: 2081, count: 24)
        let field = try EnsembleField(members: 4, times: 24, grid: grid,
                                      values: TestFields.make(members: 4, times: 24, grid: grid, seed: 1))
            .pairing(antitheticMemberIDs: [10, 11, 12, 13])
        #expect(field.partners == [1, 0, 3, 2])
        let (yearly, _) = try TimeAggregation.aggregate(field, axis: axis, to: .yearly)
        #expect(yearly.partners == [1, 0, 3, 2])
        #expect(try field.selecting(times: 0..<12).partners == [1, 0, 3, 2])
        #expect(try field.selecting(members: [3, 1, 2]).partners == [2, -1, 0])
        #expect(throws: EvaluationError.self) { try field.pairing(antitheticMemberIDs: [1, 1, 2, 3]) }
        #expect(throws: EvaluationError.self) { try field.pairing(antitheticMemberIDs: [0, 1]) }
    }
}

import Evaluation
import Foundation
import Testing

/// CRPS checked against properscoring (energy form directly; fair form via the exact identity
/// fair = (M·nrg − mean|x − y|)/(M − 1)) and against a brute-force O(M²) numpy fair formula.
@Suite struct CRPSTests {
    static let script = """
    import sys, numpy as np, properscoring as ps
    M = int(sys.argv[3])
    x = np.fromfile(sys.argv[1]).reshape(-1, M)
    y = np.fromfile(sys.argv[2])
    nrg = ps.crps_ensemble(y, x)
    mae = np.abs(x - y[:, None]).mean(axis=1)
    fair_from_ps = (M * nrg - mae) / (M - 1)
    pair = np.abs(x[:, :, None] - x[:, None, :]).sum(axis=(1, 2))
    fair_brute = mae - pair / (2 * M * (M - 1))
    for row in zip(nrg, fair_from_ps, fair_brute):
        print(" ".join(repr(float(v)) for v in row))
    """

    @Test(arguments: [2, 5, 20, 33])
    func matchesProperscoringAndBruteForce(members: Int) throws {
        var rng = SeededGenerator(seed: 42 + UInt64(members))
        let cases = 40
        var x: [Double] = [], y: [Double] = []
        for c in 0..<cases {
            let scale = 0.1 + Double(c % 7)
            for _ in 0..<members { x.append(scale * rng.nextGaussian() + Double(c)) }
            // Observations inside, at the edges of and outside the ensemble; ties included.
            y.append(c % 5 == 0 ? x[x.count - 1] : Double(c) + scale * 2.5 * rng.nextGaussian())
        }
        let py = try PythonReference()
        defer { py.cleanup() }
        let out = try py.run(Self.script, [try py.write("x", x), try py.write("y", y), "\(members)"])
        try #require(out.count == 3 * cases)
        for c in 0..<cases {
            let ens = Array(x[(c * members)..<((c + 1) * members)])
            let energy = CRPS.energy(members: ens, observation: y[c])
            let fair = CRPS.fair(members: ens, observation: y[c])
            #expect(close(energy, out[3 * c], rtol: 1e-10), "energy case \(c): \(energy) vs \(out[3 * c])")
            #expect(close(fair, out[3 * c + 1], rtol: 1e-9, atol: 1e-12), "fair vs properscoring-adjusted case \(c)")
            #expect(close(fair, out[3 * c + 2], rtol: 1e-10, atol: 1e-12), "fair vs brute force case \(c)")
        }
    }

    @Test func prefixSumFormMatchesDirectFormWithTies() {
        let ensembles: [[Double]] = [[1, 1, 1, 2], [0, 0.5, 0.5, 0.5, 3], [5], [2, -1, 2, 7, 7, 7, 0]]
        for members in ensembles {
            let sorted = members.sorted()
            var prefix = [0.0]
            for v in sorted { prefix.append(prefix[prefix.count - 1] + v) }
            for y in members + [-3, 0.75, 10] {
                let fast = sorted.withUnsafeBufferPointer { xs in
                    prefix.withUnsafeBufferPointer { ps in
                        CRPS.fair(sorted: xs, prefixSums: ps, pairSum: CRPS.pairwiseAbsoluteSum(sorted: xs), observation: y)
                    }
                }
                let direct = CRPS.fair(members: members, observation: y)
                #expect(close(fast, direct, rtol: 1e-12, atol: 1e-14), "\(members) y \(y): \(fast) vs \(direct)")
            }
        }
    }

    @Test func deterministicForecastIsAbsoluteError() {
        #expect(CRPS.fair(members: [2.5], observation: 1.0) == 1.5)
        #expect(CRPS.energy(members: [2.5], observation: 1.0) == 1.5)
    }

    @Test func fairIsUnbiasedWhereEnergyIsNot() {
        // Members and observation from the same N(0,1): the expected CRPS is 1/sqrt(pi) ≈ 0.5642.
        var rng = SeededGenerator(seed: 7)
        var fairSum = 0.0, energySum = 0.0
        let trials = 20_000
        for _ in 0..<trials {
            let ens = (0..<4).map { _ in rng.nextGaussian() }
            let y = rng.nextGaussian()
            fairSum += CRPS.fair(members: ens, observation: y)
            energySum += CRPS.energy(members: ens, observation: y)
        }
        let truth = 1 / Double.pi.squareRoot()
        #expect(abs(fairSum / Double(trials) - truth) < 0.015)
        #expect(energySum / Double(trials) - truth > 0.05)  // the empirical-CDF CRPS is biased high for M = 4
    }
}

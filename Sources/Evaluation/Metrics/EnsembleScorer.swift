import Foundation

/// Scores an ensemble against truth members cell by cell: fair CRPS, RMSE and bias of the
/// ensemble mean, spread and spread–skill ratio, all cos(φ)-weighted.
///
/// Each truth member is scored separately and the scores are averaged (the simulator's
/// members are equally valid realisations). An ensemble of antithetic pairs (``EnsembleField/partners``)
/// is scored with the estimators for such ensembles: the CRPS spread term and the spread leave each member's
/// partner out (both stay unbiased), and the spread–skill ratio compares the observed error of the ensemble
/// mean with σ² + Var(x̄), Var(x̄) estimated from the spread of the pair means (it is σ²/M for independent
/// members, and much smaller for antithetic pairs). Work is split over frames; every frame writes its
/// own partial sums, which are reduced in frame order, so results are bit-identical for any
/// thread count.
public enum EnsembleScorer {
    /// Scores `ensemble` (`[M, T, lat, lon]`) against `truth` (`[K, T, lat, lon]`) on `grid`.
    /// - Parameter threads: worker threads (≥ 1); results do not depend on it.
    /// - Complexity: O(T · cells · (M log M + K·M)).
    public static func score(ensemble: EnsembleField, truth: EnsembleField, grid: AreaWeightedGrid,
                             threads: Int = 1) throws(EvaluationError) -> SkillScores {
        guard ensemble.cells == grid.cellCount, truth.cells == grid.cellCount else {
            throw EvaluationError(.shapeMismatch, "grid has \(grid.cellCount) cells; ensemble \(ensemble.cells), "
                                  + "truth \(truth.cells)")
        }
        guard ensemble.times == truth.times else {
            throw EvaluationError(.shapeMismatch, "ensemble has \(ensemble.times) frames, truth \(truth.times)")
        }
        let t = ensemble.times, m = ensemble.members, k = truth.members, c = grid.cellCount
        let nlon = grid.nlon
        let rowWeights = grid.rowWeights
        // Per-frame partial sums: crps, rmse (Σ over truth members), bias, mse, variance, variance of the mean.
        var partial = [Double](repeating: 0, count: t * 6)
        let (pairs, unpaired) = ensemble.antitheticPairs
        let paired = !pairs.isEmpty
        let pairA = pairs.map(\.0), pairB = pairs.map(\.1)
        let orderedIndependentPairs = m * (m - 1) - 2 * pairs.count
        let workers = max(1, min(threads, t))
        partial.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            ensemble.values.withUnsafeBufferPointer { ens in
                nonisolated(unsafe) let ens = ens
                truth.values.withUnsafeBufferPointer { tru in
                    nonisolated(unsafe) let tru = tru
                    let body: @Sendable (Int) -> Void = { worker in
                        // Per worker: the centred, sorted ensemble of one cell and its prefix sums.
                        var sorted = UnsafeMutableBufferPointer<Double>.allocate(capacity: m)
                        let prefix = UnsafeMutableBufferPointer<Double>.allocate(capacity: m + 1)
                        let sqErr = UnsafeMutableBufferPointer<Double>.allocate(capacity: k)
                        defer { sorted.deallocate(); prefix.deallocate(); sqErr.deallocate() }
                        var frame = worker
                        while frame < t {
                            var crpsSum = 0.0, biasSum = 0.0, varSum = 0.0, meanVarSum = 0.0
                            for j in 0..<k { sqErr[j] = 0 }
                            for cell in 0..<c {
                                let w = rowWeights[cell / nlon]
                                var mean = 0.0
                                for member in 0..<m {
                                    let v = Double(ens[(member * t + frame) * c + cell])
                                    sorted[member] = v
                                    mean += v
                                }
                                mean /= Double(m)
                                // Centring keeps the prefix-sum arithmetic free of cancellation.
                                var ss = 0.0
                                for i in 0..<m { sorted[i] -= mean; ss += sorted[i] * sorted[i] }
                                // Antithetic partners (members still in order): |x_a − x_b|, (x_a − x_b)², pair means.
                                var partnerAbs = 0.0, partnerSq = 0.0, meanVariance = 0.0
                                if paired {
                                    var pm = 0.0, pmSq = 0.0
                                    for q in 0..<pairA.count {
                                        let a = sorted[pairA[q]], b = sorted[pairB[q]]
                                        partnerAbs += abs(a - b); partnerSq += (a - b) * (a - b)
                                        let mid = (a + b) / 2
                                        pm += mid; pmSq += mid * mid
                                    }
                                    let variance = EnsembleField.independentPairVariance(sumOfSquares: ss, partnerSquares: partnerSq, members: m,
                                                                                         partnerPairs: pairA.count) ?? 0
                                    varSum += w * variance
                                    let p = Double(pairA.count)
                                    if pairA.count >= 2 {
                                        // Var(x_a + x_b) from the spread of the pair means; Var(x̄) = (P·Var(pair sum) + U·σ²)/M².
                                        let pairSumVariance = 4 * max(0, pmSq - pm * pm / p) / (p - 1)
                                        meanVariance = (p * pairSumVariance + Double(unpaired) * variance) / Double(m * m)
                                    } else {
                                        meanVariance = variance / Double(m)
                                    }
                                    meanVarSum += w * meanVariance
                                }
                                sorted.sort()
                                prefix[0] = 0
                                for i in 0..<m { prefix[i + 1] = prefix[i] + sorted[i] }
                                let pairSum = CRPS.pairwiseAbsoluteSum(sorted: UnsafeBufferPointer(sorted))
                                if m > 1, !paired { varSum += w * ss / Double(m - 1) }
                                for j in 0..<k {
                                    let y = Double(tru[(j * t + frame) * c + cell])
                                    crpsSum += w * (paired
                                        ? CRPS.fair(sorted: UnsafeBufferPointer(sorted), prefixSums: UnsafeBufferPointer(prefix),
                                                    independentPairSum: pairSum - 2 * partnerAbs,
                                                    orderedPairs: orderedIndependentPairs, observation: y - mean)
                                        : CRPS.fair(sorted: UnsafeBufferPointer(sorted),
                                                    prefixSums: UnsafeBufferPointer(prefix),
                                                    pairSum: pairSum, observation: y - mean))
                                    let e = mean - y
                                    sqErr[j] += w * e * e
                                    biasSum += w * e
                                }
                            }
                            let n = Double(c)
                            var rmseSum = 0.0, mseSum = 0.0
                            for j in 0..<k { rmseSum += (sqErr[j] / n).squareRoot(); mseSum += sqErr[j] / n }
                            out[frame * 6 + 0] = crpsSum / n
                            out[frame * 6 + 1] = rmseSum
                            out[frame * 6 + 2] = biasSum / n
                            out[frame * 6 + 3] = mseSum
                            out[frame * 6 + 4] = varSum / n
                            out[frame * 6 + 5] = meanVarSum / n
                            frame += workers
                        }
                    }
                    if workers == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: body) }
                }
            }
        }
        var sums = [Double](repeating: 0, count: 6)
        for frame in 0..<t { for q in 0..<6 { sums[q] += partial[frame * 6 + q] } }
        let perScore = Double(t * k)
        let pooledRMSE = (sums[3] / perScore).squareRoot()
        let spread = (sums[4] / Double(t)).squareRoot()
        let ssr: Double?
        if paired {
            // The error a reliable ensemble's mean would make: σ² + Var(x̄).
            ssr = pooledRMSE > 0 && orderedIndependentPairs > 0
                ? ((sums[4] + sums[5]) / Double(t)).squareRoot() / pooledRMSE : nil
        } else {
            ssr = m > 1 && pooledRMSE > 0 ? (Double(m + 1) / Double(m)).squareRoot() * spread / pooledRMSE : nil
        }
        return SkillScores(crps: sums[0] / perScore, rmse: sums[1] / perScore, bias: sums[2] / perScore,
                           spread: spread, pooledRMSE: pooledRMSE, spreadSkill: ssr,
                           members: m, truthMembers: k, frames: t)
    }

    /// The floor: the truth's own members scored leave-one-out (each member in turn is the
    /// observation, the other K − 1 form the ensemble), averaged over the K choices.
    /// This is what a perfect emulator of the simulator would score. Needs K ≥ 2.
    public static func floor(truth: EnsembleField, grid: AreaWeightedGrid,
                             threads: Int = 1) throws(EvaluationError) -> SkillScores {
        guard truth.members >= 2 else {
            throw EvaluationError(.insufficientData, "the floor needs at least 2 truth members, got \(truth.members)")
        }
        var all: [SkillScores] = []
        for held in 0..<truth.members {
            let rest = (0..<truth.members).filter { $0 != held }
            all.append(try score(ensemble: try truth.selecting(members: rest),
                                 truth: try truth.selecting(members: [held]), grid: grid, threads: threads))
        }
        let n = Double(all.count)
        func mean(_ f: (SkillScores) -> Double) -> Double { all.reduce(0) { $0 + f($1) } / n }
        let ssrs = all.compactMap(\.spreadSkill)
        return SkillScores(crps: mean(\.crps), rmse: mean(\.rmse), bias: mean(\.bias), spread: mean(\.spread),
                           pooledRMSE: mean(\.pooledRMSE),
                           spreadSkill: ssrs.count == all.count ? ssrs.reduce(0, +) / n : nil,
                           members: truth.members - 1, truthMembers: truth.members, frames: truth.times)
    }
}

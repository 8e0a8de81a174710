/// Continuous ranked probability score of an ensemble against one observation.
///
/// Two estimators for an M-member ensemble x₁…x_M and an observation y:
/// - fair (unbiased for the infinite-ensemble CRPS; the estimator every skill figure uses):
///   `(1/M) Σ|x_m − y| − 1/(2M(M−1)) Σ_m Σ_m' |x_m − x_m'|`;
/// - energy / "nrg" (properscoring's `crps_ensemble`, the CRPS of the empirical CDF):
///   `(1/M) Σ|x_m − y| − 1/(2M²) Σ_m Σ_m' |x_m − x_m'|`.
///
/// Both are computed in O(M log M): sort once, then `Σ_m Σ_m' |x_m − x_m'| = 2 Σ_i (2i − M − 1) x_(i)`
/// (i = 1…M over the sorted members), so one sorted ensemble serves any number of observations.
/// For M = 1 both reduce to the absolute error (the CRPS of a deterministic forecast is its MAE).
public enum CRPS {
    /// Fair CRPS of `members` against `observation`. Sorts a copy of `members`.
    /// - Complexity: O(M log M).
    public static func fair(members: [Double], observation: Double) -> Double {
        let sorted = members.sorted()
        return fair(sorted: sorted[...], pairSum: pairwiseAbsoluteSum(sorted: sorted[...]), observation: observation)
    }

    /// Energy-form ("nrg", properscoring) CRPS of `members` against `observation`.
    /// - Complexity: O(M log M).
    public static func energy(members: [Double], observation: Double) -> Double {
        let sorted = members.sorted()
        let m = Double(sorted.count)
        guard !sorted.isEmpty else { return .nan }
        let mae = sorted.reduce(0) { $0 + abs($1 - observation) } / m
        return mae - pairwiseAbsoluteSum(sorted: sorted[...]) / (2 * m * m)
    }

    /// `Σ_m Σ_m' |x_m − x_m'|` of an ascending-sorted ensemble, in O(M).
    @inline(__always)
    public static func pairwiseAbsoluteSum(sorted: ArraySlice<Double>) -> Double {
        let m = sorted.count
        var sum = 0.0
        var i = 1
        for x in sorted {
            sum += Double(2 * i - m - 1) * x
            i += 1
        }
        return 2 * sum
    }

    /// Fair CRPS from an ascending-sorted ensemble and its precomputed ``pairwiseAbsoluteSum(sorted:)``.
    @inline(__always)
    public static func fair(sorted: ArraySlice<Double>, pairSum: Double, observation: Double) -> Double {
        let m = sorted.count
        guard m > 0 else { return .nan }
        var mae = 0.0
        for x in sorted { mae += abs(x - observation) }
        mae /= Double(m)
        guard m > 1 else { return mae }
        return mae - pairSum / (2 * Double(m) * Double(m - 1))
    }

    /// `Σ_m Σ_m' |x_m − x_m'|` of an ascending-sorted ensemble in a buffer, in O(M).
    @inline(__always)
    public static func pairwiseAbsoluteSum(sorted: UnsafeBufferPointer<Double>) -> Double {
        let m = sorted.count
        var sum = 0.0
        for i in 0..<m { sum += Double(2 * i + 1 - m) * sorted[i] }
        return 2 * sum
    }

    /// Fair CRPS from an ascending-sorted ensemble, its prefix sums (`prefixSums[i]` = sum of the
    /// i smallest members, M + 1 values) and ``pairwiseAbsoluteSum(sorted:)``, in O(log M) per
    /// observation: with j members below y, `Σ|x − y| = y·j − S_j + (S_M − S_j) − y·(M − j)`.
    @inline(__always)
    public static func fair(sorted: UnsafeBufferPointer<Double>, prefixSums: UnsafeBufferPointer<Double>,
                            pairSum: Double, observation y: Double) -> Double {
        let m = sorted.count
        guard m > 0, prefixSums.count == m + 1 else { return .nan }
        var lo = 0, hi = m
        while lo < hi {
            let mid = (lo + hi) >> 1
            if sorted[mid] < y { lo = mid + 1 } else { hi = mid }
        }
        let below = prefixSums[lo], total = prefixSums[m]
        let absSum = y * Double(lo) - below + (total - below) - y * Double(m - lo)
        let mae = absSum / Double(m)
        guard m > 1 else { return mae }
        return mae - pairSum / (2 * Double(m) * Double(m - 1))
    }

    /// Fair CRPS of an ensemble whose members are not all independent: `pairSum` is `Σ |x_m − x_m'|` over the
    /// `orderedPairs` ordered pairs (m ≠ m') of independent members only, e.g. all pairs but antithetic partners
    /// (`M(M − 1) − 2P` for P partner pairs). The spread term is then still unbiased for `E|X − X'|`; the
    /// mean-absolute-error term uses every member (each is an exact draw). Same arguments as
    /// ``fair(sorted:prefixSums:pairSum:observation:)`` otherwise.
    @inline(__always)
    public static func fair(sorted: UnsafeBufferPointer<Double>, prefixSums: UnsafeBufferPointer<Double>,
                            independentPairSum pairSum: Double, orderedPairs: Int, observation y: Double) -> Double {
        let m = sorted.count
        guard m > 0, prefixSums.count == m + 1 else { return .nan }
        guard orderedPairs > 0 else { return .nan }
        let exact = fair(sorted: sorted, prefixSums: prefixSums, pairSum: 0, observation: y)
        return exact - pairSum / (2 * Double(orderedPairs))
    }

    /// Fair CRPS of `members` against `observation` where `partners[i]` is the member that is not independent
    /// of member i (its antithetic partner; −1: none): the pairs (i, partners[i]) are left out of the spread
    /// term. Reference implementation in O(M²), for tests and small ensembles.
    public static func fair(members: [Double], partners: [Int], observation: Double) -> Double {
        let m = members.count
        guard m > 0, partners.count == m else { return .nan }
        let mae = members.reduce(0) { $0 + abs($1 - observation) } / Double(m)
        var sum = 0.0, count = 0
        for i in 0..<m { for j in 0..<m where j != i && partners[i] != j { sum += abs(members[i] - members[j]); count += 1 } }
        guard count > 0 else { return m == 1 ? mae : .nan }
        return mae - sum / (2 * Double(count))
    }
}

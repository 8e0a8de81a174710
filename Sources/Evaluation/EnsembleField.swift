/// An ensemble of gridded time series of one variable.
///
/// Shape contract: `values` is `[member, time, lat, lon]`, row-major (lon fastest), Float32.
/// A deterministic prediction is an ensemble with one member; a truth with several simulator
/// members is an ensemble of those members.
public struct EnsembleField: Sendable, Equatable {
    /// Number of members M.
    public let members: Int
    /// Number of time frames T.
    public let times: Int
    /// Number of cells per frame (nlat × nlon).
    public let cells: Int
    /// Data `[member, time, lat, lon]`.
    public var values: [Float]
    /// Antithetic partners, when the members come in ± noise pairs: `partners[i]` is the member sampled with
    /// member i's noise negated (−1: none). Such pairs are not independent draws, so the scores that assume
    /// independent members (fair CRPS, spread, spread–skill) leave a member's own partner out; nil: all independent.
    public var partners: [Int]?

    /// Wraps `values` after checking `values.count == members * times * cells`.
    public init(members: Int, times: Int, cells: Int, values: [Float]) throws(EvaluationError) {
        guard members > 0, times > 0, cells > 0 else {
            throw EvaluationError(.invalidArgument,
                                  "ensemble dimensions must be positive, got [\(members), \(times), \(cells)]")
        }
        guard values.count == members * times * cells else {
            throw EvaluationError(.shapeMismatch, "ensemble values have \(values.count) elements, shape "
                                  + "[member \(members), time \(times), cells \(cells)] needs \(members * times * cells)")
        }
        self.members = members
        self.times = times
        self.cells = cells
        self.values = values
        self.partners = nil
    }

    /// The same ensemble with antithetic pairs: `memberIDs[i]` is member i's absolute index and members 2k and
    /// 2k + 1 (absolute) are partners when both are present.
    public func pairing(antitheticMemberIDs memberIDs: [Int]) throws(EvaluationError) -> EnsembleField {
        guard memberIDs.count == members, Set(memberIDs).count == members, memberIDs.allSatisfy({ $0 >= 0 }) else {
            throw EvaluationError(.invalidArgument, "antithetic member ids \(memberIDs) do not name \(members) distinct members ≥ 0")
        }
        let position = Dictionary(uniqueKeysWithValues: memberIDs.enumerated().map { ($1, $0) })
        var out = self
        out.partners = memberIDs.map { position[$0 ^ 1] ?? -1 }
        return out
    }

    /// Unordered antithetic pairs (i < j) and the number of members without a partner.
    public var antitheticPairs: (pairs: [(Int, Int)], unpaired: Int) {
        guard let partners else { return ([], members) }
        var pairs: [(Int, Int)] = []
        for (i, j) in partners.enumerated() where j > i { pairs.append((i, j)) }
        return (pairs, members - 2 * pairs.count)
    }

    /// Wraps `values` of shape `[member, time, lat, lon]` on `grid`.
    public init(members: Int, times: Int, grid: AreaWeightedGrid, values: [Float]) throws(EvaluationError) {
        try self.init(members: members, times: times, cells: grid.cellCount, values: values)
    }

    /// Flat index of (member, time, cell).
    @inline(__always) package func index(_ member: Int, _ time: Int, _ cell: Int) -> Int {
        (member * times + time) * cells + cell
    }

    /// The field of one member at one frame, `[lat, lon]`.
    public func frame(member: Int, time: Int) -> ArraySlice<Float> {
        let start = index(member, time, 0)
        return values[start..<(start + cells)]
    }

    /// Ensemble mean, shape `[time, lat, lon]` (Double accumulation, Float result).
    public func ensembleMean() -> [Float] { ensembleMeanDouble().map { Float($0) } }

    /// Ensemble mean in Double precision, `[time, lat, lon]`.
    public func ensembleMeanDouble() -> [Double] {
        var sum = [Double](repeating: 0, count: times * cells)
        for m in 0..<members {
            let base = m * times * cells
            for i in 0..<(times * cells) { sum[i] += Double(values[base + i]) }
        }
        let scale = 1.0 / Double(members)
        return sum.map { $0 * scale }
    }

    /// The unbiased variance of an ensemble with antithetic pairs, from the ordered pairs of members that are not
    /// partners: `(M·Σ(x − x̄)² − Σ_pairs (x_a − x_b)²) / (M(M − 1) − 2P)` (floored at 0), given the sum of squared
    /// deviations from the mean and the partners' squared differences (each pair once); nil when no two members are
    /// independent.
    public static func independentPairVariance(sumOfSquares ss: Double, partnerSquares: Double, members: Int,
                                               partnerPairs: Int) -> Double? {
        let ordered = members * (members - 1) - 2 * partnerPairs
        guard ordered > 0 else { return nil }
        return max(0, (Double(members) * ss - partnerSquares) / Double(ordered))
    }

    /// Ensemble standard deviation (unbiased, divisor M − 1; zero for M = 1), `[time, lat, lon]`.
    /// With antithetic pairs: the root of the mean of (x_i − x_j)²/2 over the independent (non-partner) pairs.
    public func ensembleSpread() -> [Float] {
        guard members > 1 else { return [Float](repeating: 0, count: times * cells) }
        let (pairs, _) = antitheticPairs
        if !pairs.isEmpty {
            let mean = ensembleMeanDouble()
            var ss = [Double](repeating: 0, count: times * cells), pairSq = ss
            for m in 0..<members {
                let base = m * times * cells
                for i in 0..<(times * cells) { let d = Double(values[base + i]) - mean[i]; ss[i] += d * d }
            }
            for (a, b) in pairs {
                for i in 0..<(times * cells) {
                    let d = Double(values[a * times * cells + i]) - Double(values[b * times * cells + i])
                    pairSq[i] += d * d
                }
            }
            // NaN where no two members are independent.
            return zip(ss, pairSq).map {
                Float((Self.independentPairVariance(sumOfSquares: $0, partnerSquares: $1, members: members,
                                                    partnerPairs: pairs.count) ?? .nan).squareRoot())
            }
        }
        let mean = ensembleMean()
        var ss = [Double](repeating: 0, count: times * cells)
        for m in 0..<members {
            let base = m * times * cells
            for i in 0..<(times * cells) {
                let d = Double(values[base + i]) - Double(mean[i])
                ss[i] += d * d
            }
        }
        return ss.map { Float(($0 / Double(members - 1)).squareRoot()) }
    }

    /// The members listed, in order, as a new ensemble.
    public func selecting(members list: [Int]) throws(EvaluationError) -> EnsembleField {
        guard !list.isEmpty, list.allSatisfy({ $0 >= 0 && $0 < members }) else {
            throw EvaluationError(.invalidArgument, "member selection \(list) out of range 0..<\(members)")
        }
        var out = [Float](); out.reserveCapacity(list.count * times * cells)
        for m in list { out.append(contentsOf: values[(m * times * cells)..<((m + 1) * times * cells)]) }
        var field = try EnsembleField(members: list.count, times: times, cells: cells, values: out)
        if let partners {
            let position = Dictionary(list.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            field.partners = list.map { partners[$0] >= 0 ? position[partners[$0]] ?? -1 : -1 }
        }
        return field
    }

    /// The frames `range` of every member, as a new ensemble.
    public func selecting(times range: Range<Int>) throws(EvaluationError) -> EnsembleField {
        guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= times else {
            throw EvaluationError(.invalidArgument, "time selection \(range) out of range 0..<\(times)")
        }
        if range == 0..<times { return self }
        var out = [Float](); out.reserveCapacity(members * range.count * cells)
        for m in 0..<members {
            out.append(contentsOf: values[index(m, range.lowerBound, 0)..<index(m, range.upperBound - 1, cells)])
        }
        var field = try EnsembleField(members: members, times: range.count, cells: cells, values: out)
        field.partners = partners
        return field
    }

    /// Global-mean series per member, `[member, time]`, cos(φ)-weighted on `grid`.
    public func globalMeans(on grid: AreaWeightedGrid) throws(EvaluationError) -> [[Double]] {
        guard grid.cellCount == cells else {
            throw EvaluationError(.shapeMismatch, "grid has \(grid.cellCount) cells, field has \(cells)")
        }
        return (0..<members).map { m in (0..<times).map { t in grid.globalMean(frame(member: m, time: t)) } }
    }
}

/// Conversions between timescales by averaging frames (monthly → yearly → decadal).
public enum TimeAggregation {
    /// Shortest final block, in years, that still counts as a decade (shorter remainders are dropped).
    public static let minimumDecadeYears = 5

    /// Averages `field` (shape `[member, time, lat, lon]` on `axis`) to `target`.
    ///
    /// Monthly → yearly needs whole years (count a multiple of 12). Yearly → decadal averages blocks
    /// of ten years from the axis start; a final block of fewer than ``minimumDecadeYears`` years is
    /// dropped, a longer one is averaged over the years it has. Returns the field and its axis.
    public static func aggregate(_ field: EnsembleField, axis: FrameAxis,
                                 to target: Timescale) throws(EvaluationError) -> (EnsembleField, FrameAxis) {
        guard axis.count == field.times else {
            throw EvaluationError(.shapeMismatch, "axis has \(axis.count) frames, field has \(field.times)")
        }
        if target == axis.timescale { return (field, axis) }
        guard target > axis.timescale else {
            throw EvaluationError(.invalidArgument,
                                  "cannot refine \(axis.timescale.rawValue) frames to \(target.rawValue)")
        }
        switch axis.timescale {
        case .monthly:
            guard axis.count % 12 == 0 else {
                throw EvaluationError(.invalidArgument, "monthly axis of \(axis.count) frames is not whole years")
            }
            let groups = (0..<(axis.count / 12)).map { y in (12 * y)..<(12 * y + 12) }
            let yearly = try average(field, groups: groups)
            let yearlyAxis = FrameAxis(timescale: .yearly, startYear: axis.startYear, count: groups.count)
            return try aggregate(yearly, axis: yearlyAxis, to: target)
        case .yearly:
            var groups: [Range<Int>] = []
            var start = 0
            while start < axis.count {
                let end = min(start + 10, axis.count)
                if end - start >= minimumDecadeYears || (groups.isEmpty && end - start > 0) {
                    groups.append(start..<end)
                }
                start = end
            }
            let decadal = try average(field, groups: groups)
            let lastYear = axis.startYear + (groups.last?.upperBound ?? 1) - 1
            return (decadal, FrameAxis.decadal(startYear: axis.startYear, endYear: lastYear))
        case .decadal:
            throw EvaluationError(.invalidArgument, "decadal frames cannot be aggregated further")
        }
    }

    /// Averages frame groups of every member: `[member, time, cells]` → `[member, groups, cells]`.
    static func average(_ field: EnsembleField, groups: [Range<Int>]) throws(EvaluationError) -> EnsembleField {
        let c = field.cells
        var out = [Float](repeating: 0, count: field.members * groups.count * c)
        var acc = [Double](repeating: 0, count: c)
        for m in 0..<field.members {
            for (g, range) in groups.enumerated() {
                for i in 0..<c { acc[i] = 0 }
                for t in range {
                    let base = field.index(m, t, 0)
                    for i in 0..<c { acc[i] += Double(field.values[base + i]) }
                }
                let scale = 1.0 / Double(range.count)
                let o = (m * groups.count + g) * c
                for i in 0..<c { out[o + i] = Float(acc[i] * scale) }
            }
        }
        var aggregated = try EnsembleField(members: field.members, times: groups.count, cells: c, values: out)
        aggregated.partners = field.partners
        return aggregated
    }
}

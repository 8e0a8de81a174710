/// Per-time ensemble summaries of scalar series (e.g. global means) for plots.
public enum EnsembleStatistics {
    /// Quantiles across members per time: `series` is `[member][time]`; returns lower, median and
    /// upper series `[time]` (linear interpolation between order statistics, as numpy's default).
    public static func quantileBand(_ series: [[Double]], lower: Double, upper: Double)
        -> (lower: [Double], median: [Double], upper: [Double]) {
        let times = series.map(\.count).min() ?? 0
        var lo: [Double] = [], mid: [Double] = [], hi: [Double] = []
        for t in 0..<times {
            let v = series.map { $0[t] }.sorted()
            lo.append(quantile(sorted: v, lower)); mid.append(quantile(sorted: v, 0.5)); hi.append(quantile(sorted: v, upper))
        }
        return (lo, mid, hi)
    }

    /// The `q`-quantile of ascending `sorted` values (linear interpolation; NaN if empty).
    public static func quantile(sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = min(1, max(0, q)) * Double(sorted.count - 1)
        let i = Int(position.rounded(.down)), f = position - Double(i)
        return i + 1 < sorted.count ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i]
    }
}

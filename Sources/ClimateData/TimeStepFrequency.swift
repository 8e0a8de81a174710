import Foundation

/// How often a time axis has a step: what curation can average from and to. Detected from the
/// median step length in the axis's own calendar (from the bounds when they tile time,
/// otherwise from the spacing of the stamps), so a 360_day year of 360 days and a leap year of
/// 366 are both yearly, and months of 28 to 31 days are all monthly.
public enum TimeStepFrequency: Sendable, Equatable, CustomStringConvertible {
    /// Steps shorter than a day (6-hourly, 3-hourly, …).
    case subDaily(hours: Double)
    /// One step per day.
    case daily
    /// One step per calendar month.
    case monthly
    /// One step per calendar year.
    case yearly
    /// A single step without bounds: nothing tells its length.
    case unknown
    /// Steps of a length that is none of the above (days).
    case irregular(days: Double)

    /// Detects the frequency of `axis`.
    public init(of axis: TimeAxis) throws(ClimateDataError) {
        var lengths: [Double] = []
        if axis.boundsAreContiguous, let b = try axis.boundInstants() {
            lengths = b.map { $0.1.days(since: $0.0) }
        } else if axis.count > 1 {
            let s = try axis.instants()
            for k in 1..<s.count { lengths.append(s[k].days(since: s[k - 1])) }
        }
        guard !lengths.isEmpty else { self = .unknown; return }
        let median = lengths.sorted()[lengths.count / 2]
        self = Self.classify(days: median)
    }

    /// The frequency of steps `days` long.
    public static func classify(days: Double) -> TimeStepFrequency {
        switch days {
        case ..<0.99: return .subDaily(hours: (days * 24 * 1000).rounded() / 1000)
        case 0.99...1.01: return .daily
        case 27.5...31.5: return .monthly
        case 359...366.5: return .yearly
        default: return .irregular(days: days)
        }
    }

    /// Whether steps of this frequency can be averaged to `period`: the period is at least as long
    /// as a step (yearly data make no months). A single step without bounds cannot be judged and is
    /// let through (its coverage of the period then decides).
    public func canAggregate(to period: AggregationPeriod) -> Bool {
        let longest: Double
        switch period {
        case .month: longest = 31.5
        case .year: longest = 366.5
        case .decade: longest = 3660.5
        }
        switch self {
        case .subDaily, .daily, .unknown: return true
        case .monthly: return true
        case .yearly: return period != .month
        case .irregular(let days): return days <= longest
        }
    }

    /// `daily`, `monthly`, `yearly`, `6-hourly`, ….
    public var description: String {
        switch self {
        case .subDaily(let h): return h == h.rounded() ? "\(Int(h))-hourly" : "\(h)-hourly"
        case .daily: return "daily"
        case .monthly: return "monthly"
        case .yearly: return "yearly"
        case .unknown: return "of unknown frequency (one step, no time bounds)"
        case .irregular(let d): return "irregular (steps of \(d) days)"
        }
    }

    /// The CMIP6-style table a dataset of this frequency belongs to when no `table_id` says
    /// otherwise: `Amon`, `day`, `Ayr` (spfflow's yearly table), `A<h>hr` for sub-daily data.
    public var defaultTable: String {
        switch self {
        case .subDaily(let h): return "A\(Int(h.rounded()))hr"
        case .daily: return "day"
        case .monthly: return "Amon"
        case .yearly: return "Ayr"
        case .unknown, .irregular: return "A"
        }
    }
}

/// The time coordinate of a field: which years its frames cover.
///
/// Monthly frames start in January of `startYear` (frame t is month t % 12 of year
/// startYear + t / 12); yearly frame t is year startYear + t; decadal frame t covers the years
/// `decadeYears(t)` (blocks of ten from `startYear`, the last block possibly shorter).
///
/// Not a CF time coordinate (that is ClimateData's `TimeAxis`, with a calendar and units): a frame axis maps
/// frame indices to the years they cover, whatever the calendar.
public struct FrameAxis: Sendable, Equatable, Codable {
    /// The time resolution.
    public var timescale: Timescale
    /// The first year covered by frame 0.
    public var startYear: Int
    /// Number of frames.
    public var count: Int
    /// For decadal axes, the last year covered (the last block may be shorter than ten years).
    public var endYear: Int

    /// Creates an axis; `endYear` follows from `count` (for a decadal axis whose last block is
    /// shorter than ten years, use ``decadal(startYear:endYear:)``).
    public init(timescale: Timescale, startYear: Int, count: Int) {
        self.timescale = timescale
        self.startYear = startYear
        self.count = count
        switch timescale {
        case .monthly: endYear = startYear + (count + 11) / 12 - 1
        case .yearly: endYear = startYear + count - 1
        case .decadal: endYear = startYear + 10 * count - 1
        }
    }

    /// A decadal axis over `startYear...endYear` (blocks of ten, last block possibly shorter).
    public static func decadal(startYear: Int, endYear: Int) -> FrameAxis {
        var axis = FrameAxis(timescale: .decadal, startYear: startYear,
                            count: max(0, (endYear - startYear + 10) / 10))
        axis.endYear = endYear
        return axis
    }

    /// The years covered by frame `t`.
    public func years(of t: Int) -> ClosedRange<Int> {
        switch timescale {
        case .monthly: let y = startYear + t / 12; return y...y
        case .yearly: let y = startYear + t; return y...y
        case .decadal:
            let first = startYear + 10 * t
            return first...min(first + 9, endYear)
        }
    }

    /// Calendar month 0...11 of frame `t` (monthly axes); 0 otherwise.
    public func calendarSlot(of t: Int) -> Int { timescale == .monthly ? t % 12 : 0 }

    /// Number of calendar slots a per-slot regression uses: 12 for monthly, 1 otherwise.
    public var calendarSlotCount: Int { timescale == .monthly ? 12 : 1 }

    /// A frame's centre as a fractional year (for plotting).
    public func centre(of t: Int) -> Double {
        switch timescale {
        case .monthly: return Double(startYear) + (Double(t) + 0.5) / 12
        case .yearly: return Double(startYear + t) + 0.5
        case .decadal:
            let r = years(of: t)
            return (Double(r.lowerBound) + Double(r.upperBound) + 1) / 2
        }
    }
}

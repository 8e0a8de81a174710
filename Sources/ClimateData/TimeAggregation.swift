import Foundation

/// Periods that time steps can be averaged over.
public enum AggregationPeriod: String, Sendable, CaseIterable {
    /// Calendar months.
    case month
    /// Calendar years.
    case year
    /// Decades starting in years divisible by 10 (1850–1859, …).
    case decade
}

/// One output frame of a time aggregation: the steps that fall in it and their weights.
public struct TimeFrame: Sendable, Equatable {
    /// First instant of the period.
    public var start: CFInstant
    /// First instant after the period.
    public var end: CFInstant
    /// Label: `1850-01`, `1850`, `1850s`.
    public var label: String
    /// Indices of the input steps in this frame, ascending.
    public var indices: [Int]
    /// Weights of those steps, summing to 1 (each step's length in days in the calendar).
    public var weights: [Double]
    /// Fraction of the period covered by the steps (1 when complete).
    public var coverage: Double
}

/// Groups the steps of a time axis into months, years or decades with weights equal to each
/// step's duration in the axis's own calendar (from the bounds when they tile time; otherwise
/// the length of the stamp's month for monthly data, or the spacing to the neighbours).
public struct TimeAggregator: Sendable {
    /// The period to aggregate to.
    public var period: AggregationPeriod

    /// Creates an aggregator for `period`.
    public init(period: AggregationPeriod) { self.period = period }

    /// The frames of `axis`, in time order; steps are assigned by their stamp (the midpoint of
    /// their bounds when bounds exist).
    public func frames(of axis: TimeAxis) throws(ClimateDataError) -> [TimeFrame] {
        let cal = axis.calendar
        let stamps = try axis.instants()
        let bnds = axis.boundsAreContiguous ? try axis.boundInstants() : nil
        var durations = [Double](repeating: 1, count: axis.count)
        var keys: [CFInstant] = stamps
        if let b = bnds {
            for i in 0..<axis.count {
                durations[i] = b[i].1.days(since: b[i].0)
                keys[i] = b[i].0.adding(microseconds: b[i].1.microseconds(since: b[i].0) / 2)
                if durations[i] <= 0 {
                    throw ClimateDataError(.malformed, "time bounds of step \(i) are not increasing")
                }
            }
        } else if axis.count > 1 {
            // Spacing between neighbours; monthly-looking spacing uses the calendar's month length.
            for i in 0..<axis.count {
                let a = i > 0 ? stamps[i].days(since: stamps[i - 1]) : stamps[1].days(since: stamps[0])
                let b = i + 1 < axis.count ? stamps[i + 1].days(since: stamps[i]) : a
                let spacing = (a + b) / 2
                if spacing > 27 && spacing < 32 {
                    let d = cal.dateTime(stamps[i])
                    durations[i] = Double(cal.daysInMonth(year: d.year, month: d.month))
                } else {
                    durations[i] = spacing
                }
            }
        }
        var frames: [TimeFrame] = []
        var current: (start: CFInstant, end: CFInstant, label: String)? = nil
        var idx: [Int] = [], w: [Double] = []
        func flush() {
            guard let c = current, !idx.isEmpty else { return }
            let total = w.reduce(0, +)
            let length = c.end.days(since: c.start)
            frames.append(TimeFrame(start: c.start, end: c.end, label: c.label, indices: idx,
                                    weights: w.map { $0 / total }, coverage: min(1, total / length)))
        }
        for i in 0..<axis.count {
            let d = cal.dateTime(keys[i])
            let p = periodOf(d, calendar: cal)
            if current?.start != p.start {
                if let c = current, p.start < c.start {
                    throw ClimateDataError(.malformed, "time steps are not in increasing order at step \(i)")
                }
                flush()
                current = p; idx = []; w = []
            }
            idx.append(i); w.append(durations[i])
        }
        flush()
        return frames
    }

    private func periodOf(_ d: CFDateTime, calendar cal: CFCalendar) -> (start: CFInstant, end: CFInstant, label: String) {
        switch period {
        case .month:
            return (cal.startOfMonth(year: d.year, month: d.month), cal.startOfMonth(year: d.year, month: d.month + 1),
                    String(format: "%04d-%02d", d.year, d.month))
        case .year:
            return (cal.startOfMonth(year: d.year, month: 1), cal.startOfMonth(year: d.year + 1, month: 1), String(format: "%04d", d.year))
        case .decade:
            let y0 = floorDiv(d.year, 10) * 10
            return (cal.startOfMonth(year: y0, month: 1), cal.startOfMonth(year: y0 + 10, month: 1), String(format: "%04ds", y0))
        }
    }

    /// Weighted means of `values` (shape `[count, pointsPerStep]`, row-major) over the frames;
    /// result shape `[frames.count, pointsPerStep]`. NaN inputs are skipped and the remaining
    /// weights renormalised; a point with no valid input is NaN.
    public static func mean(_ values: [Float], pointsPerStep: Int, frames: [TimeFrame]) -> [Float] {
        var out = [Float](repeating: .nan, count: frames.count * pointsPerStep)
        var acc = [Double](repeating: 0, count: pointsPerStep)
        var wsum = [Double](repeating: 0, count: pointsPerStep)
        for (f, frame) in frames.enumerated() {
            for p in 0..<pointsPerStep { acc[p] = 0; wsum[p] = 0 }
            for (k, i) in frame.indices.enumerated() {
                let w = frame.weights[k]
                let base = i * pointsPerStep
                for p in 0..<pointsPerStep {
                    let v = values[base + p]
                    if !v.isNaN { acc[p] += w * Double(v); wsum[p] += w }
                }
            }
            for p in 0..<pointsPerStep where wsum[p] > 0 { out[f * pointsPerStep + p] = Float(acc[p] / wsum[p]) }
        }
        return out
    }

    /// A time axis for the frames: stamps at period midpoints, period bounds, in `units` of `calendar`.
    public static func axis(of frames: [TimeFrame], calendar: CFCalendar, units: CFTimeUnits) throws(ClimateDataError) -> TimeAxis {
        let ref = try units.referenceInstant(in: calendar)
        var v: [Double] = [], b: [Double] = []
        for f in frames {
            let mid = f.start.adding(microseconds: f.end.microseconds(since: f.start) / 2)
            v.append(units.value(of: mid, reference: ref))
            b.append(units.value(of: f.start, reference: ref)); b.append(units.value(of: f.end, reference: ref))
        }
        return try TimeAxis(calendar: calendar, units: units, values: v, bounds: b)
    }
}

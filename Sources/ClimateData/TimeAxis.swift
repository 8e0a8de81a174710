import Foundation

/// A CF time coordinate: numeric values in `units` of one `calendar`, with optional bounds.
///
/// Shape contract: `values.count == count`; `bounds` is nil or has `2 * count` entries laid out
/// `[t0_lo, t0_hi, t1_lo, t1_hi, …]` (the netCDF `time_bnds(time, 2)` layout).
public struct TimeAxis: Sendable, Equatable {
    /// The calendar the values count in.
    public var calendar: CFCalendar
    /// The units the values are expressed in.
    public var units: CFTimeUnits
    /// Time values, one per step.
    public var values: [Double]
    /// Cell bounds, `2 * count` values, or nil when the file has none.
    public var bounds: [Double]?

    /// Creates an axis; `.mismatch` error if the bounds have the wrong length.
    public init(calendar: CFCalendar, units: CFTimeUnits, values: [Double], bounds: [Double]? = nil) throws(ClimateDataError) {
        if let b = bounds, b.count != 2 * values.count {
            throw ClimateDataError(.mismatch, "time bounds have \(b.count) values for \(values.count) time steps (need 2 per step)")
        }
        self.calendar = calendar
        self.units = units
        self.values = values
        self.bounds = bounds
    }

    /// Number of time steps.
    public var count: Int { values.count }

    /// Whether the bounds tile time: each step's upper bound equals the next step's lower bound
    /// (to 1e-6 of a unit) and every lower bound is below its upper bound. Some real files
    /// (FGOALS-f3-L Amon) carry bounds of ±10 days around the stamp instead; those are not used
    /// for weights or gap checks.
    public var boundsAreContiguous: Bool {
        guard let b = bounds else { return false }
        for i in 0..<count {
            if !(b[2 * i + 1] > b[2 * i]) { return false }
            if i + 1 < count && abs(b[2 * i + 1] - b[2 * i + 2]) > 1e-6 * max(1, abs(b[2 * i + 1])) { return false }
        }
        return true
    }

    /// The reference instant of `units` in `calendar`.
    public func referenceInstant() throws(ClimateDataError) -> CFInstant { try units.referenceInstant(in: calendar) }

    /// Each step as an instant.
    public func instants() throws(ClimateDataError) -> [CFInstant] {
        let ref = try referenceInstant()
        var out: [CFInstant] = []
        out.reserveCapacity(count)
        for v in values { out.append(try units.instant(of: v, reference: ref)) }
        return out
    }

    /// Each step as a calendar date-time (what cftime's `num2date` returns).
    public func dates() throws(ClimateDataError) -> [CFDateTime] {
        try instants().map { calendar.dateTime($0) }
    }

    /// Bounds as instants, `(lower, upper)` per step, or nil when absent.
    public func boundInstants() throws(ClimateDataError) -> [(CFInstant, CFInstant)]? {
        guard let b = bounds else { return nil }
        let ref = try referenceInstant()
        var out: [(CFInstant, CFInstant)] = []
        for i in 0..<count {
            out.append((try units.instant(of: b[2 * i], reference: ref), try units.instant(of: b[2 * i + 1], reference: ref)))
        }
        return out
    }

    /// The same instants expressed in other units of the same calendar (re-referencing files of one
    /// dataset that use different reference dates). Never changes the calendar.
    public func reReferenced(to newUnits: CFTimeUnits) throws(ClimateDataError) -> TimeAxis {
        if newUnits == units { return self }
        let oldRef = try referenceInstant()
        let newRef = try newUnits.referenceInstant(in: calendar)
        func convert(_ v: Double) throws(ClimateDataError) -> Double {
            newUnits.value(of: try units.instant(of: v, reference: oldRef), reference: newRef)
        }
        var nv: [Double] = []
        nv.reserveCapacity(count)
        for v in values { nv.append(try convert(v)) }
        var nb: [Double]? = nil
        if let b = bounds {
            var tmp: [Double] = []
            tmp.reserveCapacity(b.count)
            for v in b { tmp.append(try convert(v)) }
            nb = tmp
        }
        return try TimeAxis(calendar: calendar, units: newUnits, values: nv, bounds: nb)
    }

    /// Appends `other` (re-referenced to these units). `.mismatch` error if the calendars differ:
    /// calendars are never converted silently.
    public func appending(_ other: TimeAxis) throws(ClimateDataError) -> TimeAxis {
        guard other.calendar == calendar else {
            throw ClimateDataError(.mismatch, "cannot join time axes in different calendars (\(calendar) and \(other.calendar))")
        }
        let o = try other.reReferenced(to: units)
        var b: [Double]? = nil
        if let b1 = bounds, let b2 = o.bounds { b = b1 + b2 }
        return try TimeAxis(calendar: calendar, units: units, values: values + o.values, bounds: b)
    }

    /// A monthly axis from January of `startYear` to December of `endYear` in `calendar`, with
    /// month bounds and stamps at the middle of each month (as CMOR writes them), in `units`.
    public static func monthly(calendar: CFCalendar, units: CFTimeUnits, startYear: Int, endYear: Int) throws(ClimateDataError) -> TimeAxis {
        guard endYear >= startYear else {
            throw ClimateDataError(.invalidArgument, "monthly axis: end year \(endYear) before start year \(startYear)")
        }
        let ref = try units.referenceInstant(in: calendar)
        var vals: [Double] = [], bnds: [Double] = []
        let n = (endYear - startYear + 1) * 12
        vals.reserveCapacity(n); bnds.reserveCapacity(2 * n)
        for y in startYear...endYear {
            for m in 1...12 {
                let lo = calendar.startOfMonth(year: y, month: m), hi = calendar.startOfMonth(year: y, month: m + 1)
                let mid = lo.adding(microseconds: hi.microseconds(since: lo) / 2)
                vals.append(units.value(of: mid, reference: ref))
                bnds.append(units.value(of: lo, reference: ref))
                bnds.append(units.value(of: hi, reference: ref))
            }
        }
        return try TimeAxis(calendar: calendar, units: units, values: vals, bounds: bnds)
    }
}

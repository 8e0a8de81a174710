/// A gridded forcing map series on the field grid (e.g. input4MIPs emission maps regridded to
/// the ESM grid): values shape [time, nlat, nlon], one map per frame of the owning
/// `AlignedForcing`.
public struct GriddedForcing: Sendable, Equatable {
    /// Forcing name.
    public var name: String
    /// Units.
    public var units: String
    /// Latitudes of the grid.
    public var nlat: Int
    /// Longitudes of the grid.
    public var nlon: Int
    /// Values, shape [frames, nlat, nlon].
    public var values: [Float]

    /// Creates a gridded series.
    public init(name: String, units: String, nlat: Int, nlon: Int, values: [Float]) {
        self.name = name
        self.units = units
        self.nlat = nlat
        self.nlon = nlon
        self.values = values
    }
}

/// Forcing aligned to the frames of one ESM dataset: one global vector per frame (shape
/// [time.count, names.count]) and optional gridded maps, on the same time axis (and calendar)
/// as the fields.
public struct AlignedForcing: Sendable, Equatable {
    /// Variable names in vector order.
    public var names: [String]
    /// Units per variable.
    public var units: [String]
    /// The frames (the ESM's time axis, its calendar, units and bounds).
    public var time: TimeAxis
    /// Global forcing vectors, shape [time.count, names.count].
    public var values: [Float]
    /// Gridded forcing maps on the field grid, if any.
    public var maps: [GriddedForcing]

    /// Creates an aligned set; shapes are checked.
    public init(names: [String], units: [String], time: TimeAxis, values: [Float], maps: [GriddedForcing] = []) throws(ForcingError) {
        guard values.count == time.count * names.count, units.count == names.count else {
            throw ForcingError(.shapeMismatch, "\(values.count) values for \(time.count) frames × \(names.count) forcings")
        }
        for m in maps where m.values.count != time.count * m.nlat * m.nlon {
            throw ForcingError(.shapeMismatch, "map '\(m.name)': \(m.values.count) values for \(time.count) frames of \(m.nlat)x\(m.nlon)")
        }
        self.names = names
        self.units = units
        self.time = time
        self.values = values
        self.maps = maps
    }

    /// The series of one variable, one value per frame.
    public func series(_ name: String) throws(ForcingError) -> [Float] {
        guard let v = names.firstIndex(of: name) else {
            throw ForcingError(.badSpecification, "no forcing '\(name)' (have \(names.joined(separator: ", ")))")
        }
        return (0..<time.count).map { values[$0 * names.count + v] }
    }
}

/// Puts annual forcing onto ESM frames and aggregates it like the fields.
///
/// Monthly values: a rate (emissions, AOD, ERF) takes its year's annual mean in every month; a
/// cumulative sum rises through the year, `value(y) + increment(y) · (f − ½)` with f the
/// fraction of the year (in the ESM's calendar days) elapsed at the middle of the month, so its
/// calendar-weighted annual mean is exactly the annual value. A frame longer than a month (a
/// curated yearly or decadal step, known from its bounds) gets the day-weighted mean of the
/// months it covers, so aligning on yearly frames equals aggregating the monthly alignment.
/// Yearly and decadal aggregation use `TimeAggregator` — the same weights (days of each month
/// in the ESM calendar) as the fields.
public enum ForcingAlignment {
    /// One vector per step of `axis` (any CF calendar). Steps with bounds average the months
    /// they overlap (weights: days of overlap); steps without bounds take the month of their
    /// stamp. Throws when a month falls outside the years of `annual`.
    public static func monthly(_ annual: AnnualForcing, axis: TimeAxis) throws(ForcingError) -> AlignedForcing {
        let cal = axis.calendar
        let n = annual.count
        var values = [Float](repeating: 0, count: axis.count * n)
        var row = [Double](repeating: 0, count: n)
        func monthValue(year: Int, month: Int, into out: inout [Double], weight: Double, step: Int) throws(ForcingError) {
            let k = year - annual.firstYear
            guard k >= 0 && k < annual.yearCount else {
                throw ForcingError(.missingYears, "\(annual.experiment): frame \(step) (\(year)-\(month)) outside forcing years \(annual.firstYear)...\(annual.lastYear)")
            }
            let monthStart = cal.dayNumber(year: year, month: month, day: 1) - cal.dayNumber(year: year, month: 1, day: 1)
            let elapsed = (Double(monthStart) + Double(cal.daysInMonth(year: year, month: month)) / 2) / Double(cal.daysInYear(year))
            for v in 0..<n {
                var x = annual.values[k * n + v]
                if annual.cumulative[v] { x += annual.increments[k * n + v] * (elapsed - 0.5) }
                out[v] += weight * x
            }
        }
        let bounds: [(CFInstant, CFInstant)]?
        let stamps: [CFDateTime]
        do {
            bounds = try axis.boundInstants()
            stamps = try axis.dates()
        } catch {
            throw ForcingError(.badSpecification, "time axis: \(error)")
        }
        for t in 0..<axis.count {
            for v in 0..<n { row[v] = 0 }
            if let b = bounds?[t], b.1 > b.0 {
                var d = cal.dateTime(b.0)
                var start = cal.startOfMonth(year: d.year, month: d.month)
                var total = 0.0
                while start < b.1 {
                    let end = cal.startOfMonth(year: d.year, month: d.month + 1)
                    let lo = max(start, b.0), hi = min(end, b.1)
                    let w = hi.days(since: lo)
                    if w > 0 {
                        try monthValue(year: d.year, month: d.month, into: &row, weight: w, step: t)
                        total += w
                    }
                    start = end
                    d = cal.dateTime(end)
                }
                for v in 0..<n { values[t * n + v] = Float(row[v] / total) }
            } else {
                try monthValue(year: stamps[t].year, month: stamps[t].month, into: &row, weight: 1, step: t)
                for v in 0..<n { values[t * n + v] = Float(row[v]) }
            }
        }
        return try AlignedForcing(names: annual.names, units: annual.units, time: axis, values: values)
    }

    /// Adds a gridded map series given as annual maps (shape [years, nlat, nlon] from
    /// `firstYear`): each frame takes the map of its year.
    public static func addingAnnualMaps(_ aligned: AlignedForcing, name: String, units: String, nlat: Int, nlon: Int,
                                        firstYear: Int, annualMaps: [Float]) throws(ForcingError) -> AlignedForcing {
        let plane = nlat * nlon
        guard plane > 0, annualMaps.count % plane == 0 else {
            throw ForcingError(.shapeMismatch, "map '\(name)': \(annualMaps.count) values are not whole \(nlat)x\(nlon) maps")
        }
        let years = annualMaps.count / plane
        let dates: [CFDateTime]
        do { dates = try aligned.time.dates() } catch { throw ForcingError(.badSpecification, "time axis: \(error)") }
        var values = [Float](repeating: 0, count: aligned.time.count * plane)
        for (t, d) in dates.enumerated() {
            let k = d.year - firstYear
            guard k >= 0 && k < years else {
                throw ForcingError(.missingYears, "map '\(name)': frame \(t) (\(d)) outside \(firstYear)...\(firstYear + years - 1)")
            }
            values.replaceSubrange((t * plane)..<((t + 1) * plane), with: annualMaps[(k * plane)..<((k + 1) * plane)])
        }
        var out = aligned
        out.maps.append(GriddedForcing(name: name, units: units, nlat: nlat, nlon: nlon, values: values))
        return try AlignedForcing(names: out.names, units: out.units, time: out.time, values: out.values, maps: out.maps)
    }

    /// Calendar-weighted means over months, years or decades (global vectors and maps alike).
    public static func aggregate(_ aligned: AlignedForcing, to period: AggregationPeriod) throws(ForcingError) -> AlignedForcing {
        do {
            let frames = try TimeAggregator(period: period).frames(of: aligned.time)
            let axis = try TimeAggregator.axis(of: frames, calendar: aligned.time.calendar, units: aligned.time.units)
            let values = TimeAggregator.mean(aligned.values, pointsPerStep: aligned.names.count, frames: frames)
            let maps = aligned.maps.map {
                GriddedForcing(name: $0.name, units: $0.units, nlat: $0.nlat, nlon: $0.nlon,
                               values: TimeAggregator.mean($0.values, pointsPerStep: $0.nlat * $0.nlon, frames: frames))
            }
            return try AlignedForcing(names: aligned.names, units: aligned.units, time: axis, values: values, maps: maps)
        } catch let e as ForcingError {
            throw e
        } catch {
            throw ForcingError(.badSpecification, "aggregating forcing to \(period.rawValue): \(error)")
        }
    }
}

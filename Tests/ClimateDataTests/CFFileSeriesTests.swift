import Foundation
import Testing
import ClimateData

/// Joining explicit, non-DRS files in time (``CFFileSeries``): any order, any reference date or
/// unit, every CF calendar; gaps, overlaps, mixed calendars and grids are errors naming the files.
/// Frequencies (daily, monthly, yearly) are detected in the data's own calendar.
@Suite struct CFFileSeriesTests {
    enum Step { case daily, monthly, yearly }

    /// A time axis of `step`s from January of `startYear` over `years` years, stamps mid-step,
    /// bounds when `bounds` (else none), in `units`.
    static func axis(_ step: Step, calendar: CFCalendar, units: String, startYear: Int, years: Int, bounds: Bool = true) throws -> TimeAxis {
        let u = try CFTimeUnits(parsing: units)
        let ref = try u.referenceInstant(in: calendar)
        var edges: [CFInstant] = []
        switch step {
        case .yearly: for y in startYear...(startYear + years) { edges.append(calendar.startOfMonth(year: y, month: 1)) }
        case .monthly:
            for k in 0...(12 * years) { edges.append(calendar.startOfMonth(year: startYear + k / 12, month: k % 12 + 1)) }
        case .daily:
            let a = calendar.startOfMonth(year: startYear, month: 1), b = calendar.startOfMonth(year: startYear + years, month: 1)
            for d in a.dayNumber...b.dayNumber { edges.append(CFInstant(dayNumber: d, microsecondOfDay: 0)) }
        }
        var v: [Double] = [], bnds: [Double] = []
        for k in 0..<(edges.count - 1) {
            let mid = edges[k].adding(microseconds: edges[k + 1].microseconds(since: edges[k]) / 2)
            v.append(u.value(of: mid, reference: ref))
            bnds += [u.value(of: edges[k], reference: ref), u.value(of: edges[k + 1], reference: ref)]
        }
        return try TimeAxis(calendar: calendar, units: u, values: v, bounds: bounds ? bnds : nil)
    }

    /// The small regional grid of the files (west of Greenwich: negative longitudes).
    static func grid() throws -> LatLonGrid { try LatLonGrid(lat: [40, 42, 44], lon: [-10, -8, -6, -4]) }

    /// Writes `variable` on `grid` over `time` (values: the step index plus a per-cell offset / 100).
    @discardableResult
    static func write(_ path: String, variable: String = "tas", units: String = "K", time: TimeAxis, grid given: LatLonGrid? = nil,
                      firstIndex: Int = 0, globals: [(String, String)] = []) throws -> [Float] {
        let grid = try given ?? Self.grid()
        var values: [Float] = []
        for t in 0..<time.count { for c in 0..<grid.size { values.append(Float(280 + firstIndex + t) + Float(c) / 100) } }
        let spec = CFFileSpec(variable: CFVariableSpec(name: variable, units: units), grid: grid, time: time,
                              globalAttributes: globals.map { ($0.0, CFAttribute.text($0.1)) }, deflateLevel: 0, timeStepsPerChunk: 1)
        try CFWriter.write(path: path, spec: spec, values: values)
        return values
    }

    @Test(arguments: ["360_day", "noleap", "standard", "proleptic_gregorian", "julian", "all_leap"])
    func joinsFilesInAnyOrderAndReferenceInEveryCalendar(calendarName: String) throws {
        let dir = try TestSupport.scratch("series-\(calendarName)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cal = try CFCalendar(cfName: calendarName)
        // Three monthly files, each with its own units; listed out of time order, with names that sort wrongly.
        let a = dir.appendingPathComponent("zz_first.nc").path, b = dir.appendingPathComponent("aa_second.nc").path, c = dir.appendingPathComponent("mm_third.nc").path
        let va = try Self.write(a, time: Self.axis(.monthly, calendar: cal, units: "hours since 1970-01-01 00:00:00", startYear: 1990, years: 2), firstIndex: 0)
        let vb = try Self.write(b, time: Self.axis(.monthly, calendar: cal, units: "days since 1850-1-1", startYear: 1992, years: 1), firstIndex: 24)
        let vc = try Self.write(c, time: Self.axis(.monthly, calendar: cal, units: "seconds since 2000-01-01T00:00:00Z", startYear: 1993, years: 2), firstIndex: 36)
        let joined = try CFFileSeries(files: [c, a, b]).read()
        #expect(joined.files == [a, b, c])
        #expect(joined.frequency == .monthly)
        let time = try #require(joined.field.time)
        #expect(time.count == 60 && time.units.unit == .hours && time.calendar.isSame(as: cal))
        #expect(joined.field.values == va + vb + vc)
        let dates = try time.dates()
        #expect(dates.first?.year == 1990 && dates.first?.month == 1 && dates.last?.year == 1994 && dates.last?.month == 12)
        #expect(joined.timeUnits.count == 3)
        // Yearly means with the calendar's month lengths.
        let frames = try TimeAggregator(period: .year).frames(of: time)
        #expect(frames.count == 5 && frames.allSatisfy { abs($0.coverage - 1) < 1e-12 })
    }

    @Test func detectsDailyMonthlyAndYearlyInTheirCalendar() throws {
        for name in ["360_day", "standard", "noleap", "all_leap"] {
            let cal = try CFCalendar(cfName: name)
            #expect(try TimeStepFrequency(of: Self.axis(.yearly, calendar: cal, units: "days since 1850-01-01", startYear: 1999, years: 3)) == .yearly, "\(name)")
            #expect(try TimeStepFrequency(of: Self.axis(.yearly, calendar: cal, units: "days since 1850-01-01", startYear: 1999, years: 3, bounds: false)) == .yearly, "\(name)")
            #expect(try TimeStepFrequency(of: Self.axis(.monthly, calendar: cal, units: "hours since 1970-01-01", startYear: 2000, years: 1, bounds: false)) == .monthly, "\(name)")
            #expect(try TimeStepFrequency(of: Self.axis(.daily, calendar: cal, units: "hours since 1970-01-01", startYear: 2000, years: 1)) == .daily, "\(name)")
        }
        #expect(TimeStepFrequency.yearly.canAggregate(to: .decade) && !TimeStepFrequency.yearly.canAggregate(to: .month))
        #expect(TimeStepFrequency.daily.canAggregate(to: .month) && TimeStepFrequency.classify(days: 0.25) == .subDaily(hours: 6))
    }

    /// Daily files of a 360_day and a standard calendar average to their months with each day weighted equally.
    @Test(arguments: ["360_day", "standard"])
    func dailyFilesAverageToMonths(calendarName: String) throws {
        let dir = try TestSupport.scratch("series-daily")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cal = try CFCalendar(cfName: calendarName)
        let a = dir.appendingPathComponent("d2000.nc").path, b = dir.appendingPathComponent("d2001.nc").path
        let ta = try Self.axis(.daily, calendar: cal, units: "hours since 1970-01-01", startYear: 2000, years: 1)
        let va = try Self.write(a, time: ta)
        try Self.write(b, time: Self.axis(.daily, calendar: cal, units: "days since 2001-01-01", startYear: 2001, years: 1), firstIndex: ta.count)
        let joined = try CFFileSeries(files: [b, a]).read()
        #expect(joined.frequency == .daily)
        let time = try #require(joined.field.time)
        let frames = try TimeAggregator(period: .month).frames(of: time)
        #expect(frames.count == 24 && frames.allSatisfy { abs($0.coverage - 1) < 1e-12 })
        let n = try Self.grid().size
        let means = TimeAggregator.mean(joined.field.values, pointsPerStep: n, frames: frames)
        // February 2000 of cell 0: the mean of its days' values.
        let feb = frames[1]
        let expected = feb.indices.map { Double(va[$0 * n]) }.reduce(0, +) / Double(feb.indices.count)
        #expect(feb.indices.count == cal.daysInMonth(year: 2000, month: 2))
        #expect(abs(Double(means[n]) - expected) < 1e-3)
    }

    @Test func gapsOverlapsCalendarsGridsAndVariablesAreErrorsNamingTheFiles() throws {
        let dir = try TestSupport.scratch("series-errors")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cal = CFCalendar(.day360)
        func path(_ n: String) -> String { dir.appendingPathComponent(n).path }
        try Self.write(path("y1990.nc"), time: Self.axis(.yearly, calendar: cal, units: "days since 1990-01-01", startYear: 1990, years: 5))
        try Self.write(path("y1995.nc"), time: Self.axis(.yearly, calendar: cal, units: "days since 1995-01-01", startYear: 1995, years: 5))
        try Self.write(path("y2001.nc"), time: Self.axis(.yearly, calendar: cal, units: "days since 1850-01-01", startYear: 2001, years: 2))
        try Self.write(path("y1994.nc"), time: Self.axis(.yearly, calendar: cal, units: "days since 1850-01-01", startYear: 1994, years: 2))
        try Self.write(path("y1995-noleap.nc"), time: Self.axis(.yearly, calendar: CFCalendar(.noLeap), units: "days since 1850-01-01", startYear: 1995, years: 5))
        try Self.write(path("y1995-grid.nc"), time: Self.axis(.yearly, calendar: cal, units: "days since 1850-01-01", startYear: 1995, years: 5),
                       grid: LatLonGrid(lat: [40, 42, 44], lon: [-10, -8, -6, -2]))
        try Self.write(path("y1995-pr.nc"), variable: "pr", units: "kg m-2 s-1", time: Self.axis(.yearly, calendar: cal, units: "days since 1850-01-01", startYear: 1995, years: 5))
        // Without bounds, consecutive years are checked by their stamps.
        try Self.write(path("nb1990.nc"), time: Self.axis(.yearly, calendar: cal, units: "days since 1850-01-01", startYear: 1990, years: 5, bounds: false))
        try Self.write(path("nb1996.nc"), time: Self.axis(.yearly, calendar: cal, units: "days since 1850-01-01", startYear: 1996, years: 5, bounds: false))
        try Self.write(path("nb1995.nc"), time: Self.axis(.yearly, calendar: cal, units: "days since 1850-01-01", startYear: 1995, years: 1, bounds: false))

        #expect(try CFFileSeries(files: [path("y1995.nc"), path("y1990.nc")]).read().field.time?.count == 10)
        #expect(try CFFileSeries(files: [path("nb1995.nc"), path("nb1990.nc"), path("nb1996.nc")]).read().field.time?.count == 11)
        func failure(_ names: [String]) -> ClimateDataError? {
            do { _ = try CFFileSeries(files: names.map(path)).read(); return nil } catch { return error }
        }
        let gap = try #require(failure(["y1990.nc", "y1995.nc", "y2001.nc"]))
        #expect(gap.code == .dataset && gap.file == path("y2001.nc") && gap.message.contains(path("y1995.nc")) && gap.message.contains("gap"), "\(gap)")
        let overlap = try #require(failure(["y1990.nc", "y1994.nc"]))
        #expect(overlap.code == .dataset && overlap.file == path("y1994.nc") && overlap.message.contains(path("y1990.nc")) && overlap.message.contains("overlaps"), "\(overlap)")
        let calendars = try #require(failure(["y1990.nc", "y1995-noleap.nc"]))
        #expect(calendars.code == .mismatch && calendars.file == path("y1995-noleap.nc") && calendars.message.contains(path("y1990.nc")) && calendars.message.contains("360_day"), "\(calendars)")
        let grids = try #require(failure(["y1990.nc", "y1995-grid.nc"]))
        #expect(grids.code == .mismatch && grids.file == path("y1995-grid.nc") && grids.message.contains(path("y1990.nc")), "\(grids)")
        let variables = try #require(failure(["y1990.nc", "y1995-pr.nc"]))
        #expect(variables.code == .mismatch && variables.message.contains("'pr'") && variables.message.contains("'tas'"), "\(variables)")
        let noBoundsGap = try #require(failure(["nb1990.nc", "nb1996.nc"]))
        #expect(noBoundsGap.code == .dataset && noBoundsGap.file == path("nb1996.nc") && noBoundsGap.message.contains("1 step(s) missing"), "\(noBoundsGap)")
        let noBoundsOverlap = try #require(failure(["nb1990.nc", "y1994.nc"]))
        #expect(noBoundsOverlap.code == .dataset && noBoundsOverlap.message.contains("overlaps"), "\(noBoundsOverlap)")
    }
}

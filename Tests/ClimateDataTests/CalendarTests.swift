import Foundation
import Testing
import ClimateData

@Suite struct CalendarTests {
    @Test func parsesAllCalendarNames() throws {
        let cases: [(String?, CFCalendar.Kind)] = [
            (nil, .standard), ("gregorian", .standard), ("Standard", .standard), ("proleptic_gregorian", .prolepticGregorian),
            ("noleap", .noLeap), ("365_day", .noLeap), ("all_leap", .allLeap), ("366_day", .allLeap),
            ("360_day", .day360), ("julian", .julian),
        ]
        for (name, kind) in cases { #expect(try CFCalendar(cfName: name).kind == kind) }
        #expect(throws: ClimateDataError.self) { try CFCalendar(cfName: "lunar") }
    }

    @Test func monthLengthsPerCalendar() throws {
        #expect(CFCalendar(.noLeap).daysInMonth(year: 2000, month: 2) == 28)
        #expect(CFCalendar(.allLeap).daysInMonth(year: 2001, month: 2) == 29)
        #expect(CFCalendar(.day360).daysInMonth(year: 2000, month: 2) == 30)
        #expect(CFCalendar(.julian).daysInMonth(year: 1900, month: 2) == 29)
        #expect(CFCalendar(.prolepticGregorian).daysInMonth(year: 1900, month: 2) == 28)
        #expect(CFCalendar(.standard).daysInMonth(year: 1500, month: 2) == 29)
        #expect(CFCalendar(.prolepticGregorian).daysInMonth(year: 1500, month: 2) == 28)
        #expect(CFCalendar(.standard).daysInYear(1582) == 355)
        // The Gregorian reform: 1582-10-04 is followed by 1582-10-15.
        let std = CFCalendar(.standard)
        #expect(std.dayNumber(year: 1582, month: 10, day: 15) - std.dayNumber(year: 1582, month: 10, day: 4) == 1)
        #expect(!std.isValid(year: 1582, month: 10, day: 10))
        #expect(throws: ClimateDataError.self) { try CFCalendar(.noLeap).instant(CFDateTime(year: 2000, month: 2, day: 29)) }
    }

    @Test func dayNumbersRoundTripInEveryCalendar() {
        for kind in CFCalendar.Kind.allCases {
            let cal = CFCalendar(kind)
            var n = cal.dayNumber(year: 1, month: 1, day: 1)
            var prev = cal.date(dayNumber: n - 1)
            for _ in 0..<30_000 {
                let d = cal.date(dayNumber: n)
                #expect(cal.isValid(year: d.year, month: d.month, day: d.day))
                #expect(cal.dayNumber(year: d.year, month: d.month, day: d.day) == n)
                #expect(d > prev || d.year > prev.year)
                prev = d
                n += 1
                if n % 37 == 0 { n += 1000 }  // jump ahead to cover 1…3000 quickly
            }
        }
    }

    @Test func parsesFreeFormUnits() throws {
        let u1 = try CFTimeUnits(parsing: "days since 1850-1-1")
        #expect(u1.unit == .days && u1.reference == CFDateTime(year: 1850, month: 1, day: 1))
        let u2 = try CFTimeUnits(parsing: "days since 1850-01-01 0:0:0.0")
        #expect(u2.reference == CFDateTime(year: 1850, month: 1, day: 1))
        let u3 = try CFTimeUnits(parsing: "hours since 1970-01-01T06:30:15.25Z")
        #expect(u3.unit == .hours && u3.reference == CFDateTime(year: 1970, month: 1, day: 1, hour: 6, minute: 30, second: 15, microsecond: 250_000))
        let u4 = try CFTimeUnits(parsing: "seconds since 0001-01-01 00:00")
        #expect(u4.reference.year == 1)
        let u5 = try CFTimeUnits(parsing: "minutes since 2000-01-01 12:00:00 +02:00")
        #expect(u5.reference.hour == 10)
        #expect(throws: ClimateDataError.self) { try CFTimeUnits(parsing: "days after 1850-01-01") }
        #expect(throws: ClimateDataError.self) { try CFTimeUnits(parsing: "days since 1850-13-01") }
        #expect(throws: ClimateDataError.self) { try CFTimeUnits(parsing: "months since 1850-01-01") }
    }

    @Test func reReferencingKeepsInstants() throws {
        let cal = CFCalendar(.noLeap)
        let a = try TimeAxis(calendar: cal, units: CFTimeUnits(parsing: "days since 1998-01-01"), values: [15.5, 45], bounds: [0, 31, 31, 59])
        let b = try a.reReferenced(to: CFTimeUnits(parsing: "days since 1850-01-01"))
        let base: Double = 148 * 365
        #expect(b.values == [base + 15.5, base + 45])
        #expect(try b.dates() == a.dates())
        let other = try TimeAxis(calendar: CFCalendar(.standard), units: a.units, values: [1])
        #expect(throws: ClimateDataError.self) { try a.appending(other) }
    }

    @Test func monthlyAxisAndCalendarWeights() throws {
        for kind in CFCalendar.Kind.allCases {
            let cal = CFCalendar(kind)
            let axis = try TimeAxis.monthly(calendar: cal, units: CFTimeUnits(parsing: "days since 1850-01-01"), startYear: 1999, endYear: 2010)
            #expect(axis.count == 144)
            let years = try TimeAggregator(period: .year).frames(of: axis)
            #expect(years.count == 12)
            let feb2000 = years[1].weights[1], jan2000 = years[1].weights[0]
            let expectFeb = Double(cal.daysInMonth(year: 2000, month: 2)) / Double(cal.daysInYear(2000))
            #expect(abs(feb2000 - expectFeb) < 1e-12)
            #expect(abs(jan2000 - Double(cal.daysInMonth(year: 2000, month: 1)) / Double(cal.daysInYear(2000))) < 1e-12)
            let decades = try TimeAggregator(period: .decade).frames(of: axis)
            #expect(decades.map(\.label) == ["1990s", "2000s", "2010s"])
            #expect(decades[1].indices.count == 120 && abs(decades[1].coverage - 1) < 1e-12)
            // A field equal to the month index averages to the day-weighted month mean.
            let field = (0..<axis.count).map { Float($0 % 12) }
            let ym = TimeAggregator.mean(field, pointsPerStep: 1, frames: years)
            var num = 0.0, den = 0.0
            for m in 1...12 { let d = Double(cal.daysInMonth(year: 2003, month: m)); num += d * Double(m - 1); den += d }
            #expect(abs(Double(ym[4]) - num / den) < 1e-5)
        }
    }

    /// Decoded dates equal cftime's for every calendar, across the 1582 reform, year 0001
    /// references, fractional days and large offsets.
    @Test(.enabled(if: TestSupport.hasPythonCF, "\(TestSupport.python) lacks netCDF4/cftime"))
    func decodingMatchesCftime() throws {
        let unitsList = ["days since 1850-1-1", "days since 0001-01-01 00:00:00", "hours since 1582-10-01 06:00",
                         "seconds since 2000-02-28 23:59:59.5", "minutes since 1600-03-01"]
        let values: [Double] = [0, 0.5, 1, 15.5, 29, 31.25, 59, 365, 366, 1000.75, 36524.5, 146097, 584388.5, 730484, 1e6 + 0.125]
        var jobs: [[String: Any]] = []
        var labels: [(String, String)] = []
        var swiftDates: [[[Int]]] = []
        for kind in CFCalendar.Kind.allCases {
            for u in unitsList {
                let axis = try TimeAxis(calendar: CFCalendar(kind), units: CFTimeUnits(parsing: u), values: values)
                jobs.append(["units": u, "calendar": kind.rawValue, "values": values])
                labels.append((u, kind.rawValue))
                swiftDates.append(try axis.dates().map(TestSupport.fields))
            }
        }
        let ref = try TestSupport.reference(["decode"], stdin: try JSONSerialization.data(withJSONObject: jobs)) as? [[[Int]]]
        let expected = try #require(ref)
        #expect(expected.count == swiftDates.count)
        for (j, (e, s)) in zip(expected, swiftDates).enumerated() {
            for (a, b) in zip(e, s) where a != b {
                // Allow 1 µs of rounding difference only.
                let (unitsText, calName) = labels[j]
                let cal = try CFCalendar(cfName: calName)
                let ia = try cal.instant(CFDateTime(year: a[0], month: a[1], day: a[2], hour: a[3], minute: a[4], second: a[5], microsecond: a[6]))
                let ib = try cal.instant(CFDateTime(year: b[0], month: b[1], day: b[2], hour: b[3], minute: b[4], second: b[5], microsecond: b[6]))
                let diff = abs(ia.microseconds(since: ib))
                #expect(diff <= 1, "\(unitsText) \(calName): cftime \(a) spfflow \(b)")
            }
        }
    }
}

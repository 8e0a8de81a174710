import Foundation

/// A CF calendar (CF-1.8 §4.4.1): month lengths, leap years and a continuous day count.
///
/// Day numbers are an integer count of days in *this* calendar; for the real-world calendars
/// (standard, proleptic_gregorian, julian) they are Julian Day Numbers, so two such calendars
/// agree on dates after 1582-10-15 where they coincide. Years use astronomical numbering
/// (year 0 exists); CMIP data never reaches it.
/// Dates are never converted between calendars silently: every operation takes one calendar.
public struct CFCalendar: Sendable, Hashable, CustomStringConvertible {
    /// The calendar systems of CF.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Mixed Julian/Gregorian: Julian before 1582-10-15, Gregorian from then on (`standard`, `gregorian`).
        case standard
        /// Gregorian rules extended to all dates.
        case prolepticGregorian = "proleptic_gregorian"
        /// Every year has 365 days (`noleap`, `365_day`).
        case noLeap = "noleap"
        /// Every year has 366 days (`all_leap`, `366_day`).
        case allLeap = "all_leap"
        /// Twelve 30-day months (`360_day`).
        case day360 = "360_day"
        /// Julian rules (leap year every 4 years) for all dates.
        case julian
    }

    /// Which calendar system this is.
    public let kind: Kind

    /// Creates a calendar of a given kind.
    public init(_ kind: Kind) { self.kind = kind }

    /// Parses a CF `calendar` attribute (case-insensitive, all CF aliases). A missing attribute
    /// (`nil`) means `standard`, as CF specifies.
    public init(cfName: String?) throws(ClimateDataError) {
        guard let raw = cfName else { self.kind = .standard; return }
        switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
        case "standard", "gregorian", "": kind = .standard
        case "proleptic_gregorian": kind = .prolepticGregorian
        case "noleap", "365_day", "no_leap": kind = .noLeap
        case "all_leap", "366_day": kind = .allLeap
        case "360_day": kind = .day360
        case "julian": kind = .julian
        default:
            throw ClimateDataError(.calendar, "unknown calendar '\(raw)' (CF calendars: standard, gregorian, proleptic_gregorian, noleap, 365_day, all_leap, 366_day, 360_day, julian)")
        }
    }

    /// The canonical CF name written to files (`standard`, `proleptic_gregorian`, `noleap`, …).
    public var cfName: String { kind.rawValue }

    /// The CF name.
    public var description: String { cfName }

    /// True when `self` and `other` count days identically for every date after year 1
    /// except the standard-vs-proleptic difference before 1582 (so they are *not* the same).
    public func isSame(as other: CFCalendar) -> Bool { kind == other.kind }

    /// The first Gregorian day in the standard calendar, 1582-10-15, as a Julian Day Number.
    static let gregorianStartJDN = 2_299_161

    /// Whether `year` is a leap year in this calendar.
    public func isLeapYear(_ year: Int) -> Bool {
        switch kind {
        case .noLeap, .day360: return false
        case .allLeap: return true
        case .julian: return floorMod(year, 4) == 0
        case .prolepticGregorian: return CFCalendar.gregorianLeap(year)
        case .standard: return year > 1582 ? CFCalendar.gregorianLeap(year) : floorMod(year, 4) == 0
        }
    }

    static func gregorianLeap(_ y: Int) -> Bool {
        floorMod(y, 4) == 0 && (floorMod(y, 100) != 0 || floorMod(y, 400) == 0)
    }

    private static let monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

    /// Number of days of `month` (1…12) in `year` in this calendar. October 1582 of the
    /// standard calendar has 21 days (the 5th to the 14th do not exist).
    public func daysInMonth(year: Int, month: Int) -> Int {
        if kind == .day360 { return 30 }
        if kind == .standard && year == 1582 && month == 10 { return 21 }
        if month == 2 { return isLeapYear(year) ? 29 : 28 }
        return CFCalendar.monthDays[(month - 1) % 12]
    }

    /// Number of days in `year` (355 for 1582 in the standard calendar).
    public func daysInYear(_ year: Int) -> Int {
        switch kind {
        case .day360: return 360
        case .noLeap: return 365
        case .allLeap: return 366
        default:
            if kind == .standard && year == 1582 { return 355 }
            return isLeapYear(year) ? 366 : 365
        }
    }

    /// Whether (year, month, day) names a day that exists in this calendar.
    public func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        if kind == .standard && year == 1582 && month == 10 { return day <= 4 || (15...31).contains(day) }
        return day <= daysInMonth(year: year, month: month)
    }

    /// The continuous day number of a valid date (see the type comment).
    public func dayNumber(year: Int, month: Int, day: Int) -> Int {
        switch kind {
        case .day360: return year * 360 + (month - 1) * 30 + (day - 1)
        case .noLeap: return year * 365 + CFCalendar.cumulative(month, leap: false) + day - 1
        case .allLeap: return year * 366 + CFCalendar.cumulative(month, leap: true) + day - 1
        case .prolepticGregorian: return CFCalendar.gregorianJDN(year, month, day)
        case .julian: return CFCalendar.julianJDN(year, month, day)
        case .standard:
            let g = CFCalendar.gregorianJDN(year, month, day)
            return g >= CFCalendar.gregorianStartJDN ? g : CFCalendar.julianJDN(year, month, day)
        }
    }

    /// The (year, month, day) of a day number; the inverse of `dayNumber`.
    public func date(dayNumber n: Int) -> (year: Int, month: Int, day: Int) {
        switch kind {
        case .day360:
            let y = floorDiv(n, 360), r = n - y * 360
            return (y, r / 30 + 1, r % 30 + 1)
        case .noLeap, .allLeap:
            let len = kind == .noLeap ? 365 : 366
            let y = floorDiv(n, len)
            return CFCalendar.monthDay(year: y, dayOfYear: n - y * len, leap: kind == .allLeap)
        case .prolepticGregorian: return CFCalendar.gregorianDate(jdn: n)
        case .julian: return CFCalendar.julianDate(jdn: n)
        case .standard:
            return n >= CFCalendar.gregorianStartJDN ? CFCalendar.gregorianDate(jdn: n) : CFCalendar.julianDate(jdn: n)
        }
    }

    private static func cumulative(_ month: Int, leap: Bool) -> Int {
        var s = 0
        for m in 0..<(month - 1) { s += monthDays[m] }
        if leap && month > 2 { s += 1 }
        return s
    }

    private static func monthDay(year: Int, dayOfYear: Int, leap: Bool) -> (year: Int, month: Int, day: Int) {
        var rest = dayOfYear
        for m in 0..<12 {
            let len = monthDays[m] + (leap && m == 1 ? 1 : 0)
            if rest < len { return (year, m + 1, rest + 1) }
            rest -= len
        }
        return (year, 12, 31)
    }

    static func gregorianJDN(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let a = (14 - m) / 12
        let yy = y + 4800 - a, mm = m + 12 * a - 3
        return d + (153 * mm + 2) / 5 + 365 * yy + floorDiv(yy, 4) - floorDiv(yy, 100) + floorDiv(yy, 400) - 32045
    }

    static func julianJDN(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let a = (14 - m) / 12
        let yy = y + 4800 - a, mm = m + 12 * a - 3
        return d + (153 * mm + 2) / 5 + 365 * yy + floorDiv(yy, 4) - 32083
    }

    static func gregorianDate(jdn: Int) -> (year: Int, month: Int, day: Int) {
        let a = jdn + 32044
        let b = floorDiv(4 * a + 3, 146097)
        let c = a - floorDiv(146097 * b, 4)
        let d = floorDiv(4 * c + 3, 1461)
        let e = c - floorDiv(1461 * d, 4)
        let m = floorDiv(5 * e + 2, 153)
        return (100 * b + d - 4800 + m / 10, m + 3 - 12 * (m / 10), e - floorDiv(153 * m + 2, 5) + 1)
    }

    static func julianDate(jdn: Int) -> (year: Int, month: Int, day: Int) {
        let c = jdn + 32082
        let d = floorDiv(4 * c + 3, 1461)
        let e = c - floorDiv(1461 * d, 4)
        let m = floorDiv(5 * e + 2, 153)
        return (d - 4800 + m / 10, m + 3 - 12 * (m / 10), e - floorDiv(153 * m + 2, 5) + 1)
    }
}

/// Floor division (rounds toward −∞), for day arithmetic on dates before the epoch.
@inline(__always) func floorDiv(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
}

/// Floor modulo (result has the sign of `b`).
@inline(__always) func floorMod(_ a: Int, _ b: Int) -> Int { a - floorDiv(a, b) * b }

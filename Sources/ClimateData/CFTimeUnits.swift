import Foundation

/// A parsed CF time `units` string: `<days|hours|minutes|seconds> since <reference date>`.
///
/// Accepts the free-form dates met in real files: non-padded fields (`1850-1-1`), missing time
/// (`1850-01-01`), `H:M`, `H:M:S.f` (`0:0:0.0`), an ISO `T` separator, and a trailing `Z`,
/// `UTC`, or numeric offset (`+05:30`, applied so the reference is in UTC).
public struct CFTimeUnits: Sendable, Hashable, CustomStringConvertible {
    /// The unit of the numbers.
    public enum Unit: String, Sendable, Hashable {
        /// 86 400 s.
        case days
        /// 3 600 s.
        case hours
        /// 60 s.
        case minutes
        /// 1 s.
        case seconds

        /// Length of one unit in microseconds.
        public var microseconds: Int64 {
            switch self {
            case .days: return 86_400_000_000
            case .hours: return 3_600_000_000
            case .minutes: return 60_000_000
            case .seconds: return 1_000_000
            }
        }
    }

    /// The unit.
    public var unit: Unit
    /// The reference date-time (UTC).
    public var reference: CFDateTime

    /// Creates units from parts.
    public init(unit: Unit, reference: CFDateTime) {
        self.unit = unit
        self.reference = reference
    }

    /// Parses a CF time units string; `.malformed` error if it is not one.
    public init(parsing text: String) throws(ClimateDataError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let words = trimmed.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard words.count == 3, words[1].lowercased() == "since" else {
            throw ClimateDataError(.malformed, "time units '\(text)' are not of the form '<unit> since <date>'")
        }
        switch words[0].lowercased() {
        case "days", "day", "d": unit = .days
        case "hours", "hour", "hrs", "hr", "h": unit = .hours
        case "minutes", "minute", "mins", "min": unit = .minutes
        case "seconds", "second", "secs", "sec", "s": unit = .seconds
        case "months", "month", "years", "year", "common_years", "common_year":
            throw ClimateDataError(.unsupported, "time units '\(text)': '\(words[0])' has no fixed length; CF recommends days, hours, minutes or seconds")
        default:
            throw ClimateDataError(.malformed, "time units '\(text)': unknown unit '\(words[0])'")
        }
        reference = try CFTimeUnits.parseDate(String(words[2]), original: text)
    }

    /// `days since 1850-01-01 00:00:00` (canonical form written to files).
    public var description: String {
        let r = reference
        var s = "\(unit.rawValue) since " + String(format: "%04d-%02d-%02d %02d:%02d:%02d", r.year, r.month, r.day, r.hour, r.minute, r.second)
        if r.microsecond != 0 { s += String(format: ".%06d", r.microsecond) }
        return s
    }

    static func parseDate(_ raw: String, original: String) throws(ClimateDataError) -> CFDateTime {
        func bad(_ why: String) -> ClimateDataError {
            ClimateDataError(.malformed, "time units '\(original)': \(why)")
        }
        var s = raw.trimmingCharacters(in: .whitespaces)
        // Time-zone suffixes.
        var offsetMinutes = 0
        for suffix in [" UTC", " utc", " GMT", "UTC", "Z", "z"] where s.hasSuffix(suffix) {
            s = String(s.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces); break
        }
        // Split date and time at 'T' or the first space.
        var datePart = s, timePart = ""
        if let sp = s.firstIndex(where: { $0 == " " || $0 == "T" }) {
            datePart = String(s[..<sp]); timePart = String(s[s.index(after: sp)...]).trimmingCharacters(in: .whitespaces)
        }
        // A numeric zone after the time: "+05:30", " -6", "+0000".
        if !timePart.isEmpty {
            if let z = timePart.lastIndex(where: { $0 == "+" || $0 == "-" }) {
                let zone = String(timePart[z...]).replacingOccurrences(of: " ", with: "")
                timePart = String(timePart[..<z]).trimmingCharacters(in: .whitespaces)
                let sign = zone.first == "-" ? -1 : 1
                let body = zone.dropFirst()
                let pieces = body.split(separator: ":")
                var hh = 0, mm = 0
                if pieces.count == 2, let h = Int(pieces[0]), let m = Int(pieces[1]) { hh = h; mm = m }
                else if pieces.count == 1, body.count == 4, let v = Int(body) { hh = v / 100; mm = v % 100 }
                else if pieces.count == 1, let h = Int(body) { hh = h }
                else { throw bad("unreadable time zone '\(zone)'") }
                offsetMinutes = sign * (hh * 60 + mm)
            }
        }
        // Date: [-]Y-M-D.
        var negative = false
        var d = Substring(datePart)
        if d.first == "-" { negative = true; d = d.dropFirst() }
        let dp = d.split(separator: "-", omittingEmptySubsequences: false)
        guard dp.count == 3, let y = Int(dp[0]), let mo = Int(dp[1]), let da = Int(dp[2]) else {
            throw bad("unreadable reference date '\(datePart)'")
        }
        guard (1...12).contains(mo), (1...31).contains(da) else { throw bad("reference date '\(datePart)' out of range") }
        var t = CFDateTime(year: negative ? -y : y, month: mo, day: da)
        if !timePart.isEmpty {
            let tp = timePart.split(separator: ":", omittingEmptySubsequences: false)
            guard (1...3).contains(tp.count), let h = Int(tp[0]) else { throw bad("unreadable reference time '\(timePart)'") }
            t.hour = h
            if tp.count >= 2 { guard let mi = Int(tp[1]) else { throw bad("unreadable minutes in '\(timePart)'") }; t.minute = mi }
            if tp.count == 3 {
                guard let sec = Double(tp[2]), sec >= 0, sec < 61 else { throw bad("unreadable seconds in '\(timePart)'") }
                let whole = sec.rounded(.down)
                t.second = Int(whole)
                t.microsecond = Int(((sec - whole) * 1_000_000).rounded())
                if t.microsecond == 1_000_000 { t.second += 1; t.microsecond = 0 }
            }
            guard (0..<24).contains(t.hour), (0..<60).contains(t.minute) else { throw bad("reference time '\(timePart)' out of range") }
        }
        if offsetMinutes != 0 {
            // Shift to UTC in a calendar-free way (minutes and hours only, days may roll; done by the caller's calendar).
            t.minute -= offsetMinutes
            while t.minute < 0 { t.minute += 60; t.hour -= 1 }
            while t.minute >= 60 { t.minute -= 60; t.hour += 1 }
            if t.hour < 0 || t.hour >= 24 {
                throw bad("time-zone offset crosses a day boundary; give the reference date in UTC")
            }
        }
        return t
    }

    /// The reference instant in `calendar` (`.calendar` error if the date does not exist there).
    public func referenceInstant(in calendar: CFCalendar) throws(ClimateDataError) -> CFInstant {
        try calendar.instant(reference)
    }

    /// Decodes a numeric time value to an instant (microsecond resolution, rounded half away from zero).
    public func instant(of value: Double, reference ref: CFInstant) throws(ClimateDataError) -> CFInstant {
        guard value.isFinite else { throw ClimateDataError(.malformed, "non-finite time value \(value)") }
        let us = value * Double(unit.microseconds)
        guard abs(us) < 9.0e18 else { throw ClimateDataError(.calendar, "time value \(value) \(unit.rawValue) is out of range") }
        return ref.adding(microseconds: Int64(us.rounded()))
    }

    /// Encodes an instant as a number in these units.
    public func value(of instant: CFInstant, reference ref: CFInstant) -> Double {
        let us = instant.microseconds(since: ref)
        // Split into whole units plus remainder so large day counts stay exact.
        let per = unit.microseconds
        let whole = us / per, rest = us % per
        return Double(whole) + Double(rest) / Double(per)
    }
}

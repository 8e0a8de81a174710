import Foundation

/// A calendar date and time of day, microsecond resolution, with no calendar attached:
/// the calendar that interprets it is always passed alongside (see `CFCalendar`).
public struct CFDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Astronomical year (year 0 exists).
    public var year: Int
    /// Month, 1…12.
    public var month: Int
    /// Day of month, from 1.
    public var day: Int
    /// Hour, 0…23.
    public var hour: Int
    /// Minute, 0…59.
    public var minute: Int
    /// Second, 0…59.
    public var second: Int
    /// Microsecond, 0…999_999.
    public var microsecond: Int

    /// Creates a date-time; fields are not validated here (see `CFCalendar.isValid`).
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0) {
        self.year = year; self.month = month; self.day = day
        self.hour = hour; self.minute = minute; self.second = second; self.microsecond = microsecond
    }

    /// Microseconds since midnight.
    public var microsecondOfDay: Int64 {
        Int64(((hour * 60 + minute) * 60 + second)) * 1_000_000 + Int64(microsecond)
    }

    /// Orders by calendar fields (valid within one calendar).
    public static func < (a: CFDateTime, b: CFDateTime) -> Bool {
        (a.year, a.month, a.day, a.microsecondOfDay) < (b.year, b.month, b.day, b.microsecondOfDay)
    }

    /// ISO-like `YYYY-MM-DD HH:MM:SS[.ffffff]`, the form cftime prints.
    public var description: String {
        let y = year < 0 ? String(format: "-%04d", -year) : String(format: "%04d", year)
        var s = y + String(format: "-%02d-%02d %02d:%02d:%02d", month, day, hour, minute, second)
        if microsecond != 0 { s += String(format: ".%06d", microsecond) }
        return s
    }

    /// `YYYY-MM-DD`.
    public var dateString: String { String(format: "%04d-%02d-%02d", year, month, day) }
}

/// An instant in one calendar: a day number (see `CFCalendar.dayNumber`) and microseconds into that day.
public struct CFInstant: Sendable, Hashable, Comparable {
    /// Continuous day count in the calendar.
    public var dayNumber: Int
    /// Microseconds since midnight, 0 ..< 86_400_000_000.
    public var microsecondOfDay: Int64

    /// Creates an instant, normalising the microseconds into 0 ..< one day.
    public init(dayNumber: Int, microsecondOfDay: Int64) {
        let perDay: Int64 = 86_400_000_000
        var d = dayNumber, us = microsecondOfDay
        let q = us >= 0 ? us / perDay : -((-us + perDay - 1) / perDay)
        d += Int(q); us -= q * perDay
        self.dayNumber = d; self.microsecondOfDay = us
    }

    /// Orders instants of one calendar.
    public static func < (a: CFInstant, b: CFInstant) -> Bool {
        (a.dayNumber, a.microsecondOfDay) < (b.dayNumber, b.microsecondOfDay)
    }

    /// Microseconds from `other` to `self`.
    public func microseconds(since other: CFInstant) -> Int64 {
        Int64(dayNumber - other.dayNumber) * 86_400_000_000 + (microsecondOfDay - other.microsecondOfDay)
    }

    /// Days (fractional) from `other` to `self`.
    public func days(since other: CFInstant) -> Double {
        Double(dayNumber - other.dayNumber) + Double(microsecondOfDay - other.microsecondOfDay) / 86_400_000_000
    }

    /// This instant moved by `us` microseconds.
    public func adding(microseconds us: Int64) -> CFInstant {
        CFInstant(dayNumber: dayNumber, microsecondOfDay: microsecondOfDay + us)
    }
}

extension CFCalendar {
    /// The instant of a date-time, or a `.calendar` error when the date does not exist in this calendar
    /// (e.g. 2001-02-29 in noleap, 1582-10-10 in standard, 2000-02-31 anywhere but 360_day).
    public func instant(_ t: CFDateTime) throws(ClimateDataError) -> CFInstant {
        guard isValid(year: t.year, month: t.month, day: t.day) else {
            throw ClimateDataError(.calendar, "date \(t.dateString) does not exist in the \(cfName) calendar")
        }
        guard (0..<24).contains(t.hour), (0..<60).contains(t.minute), (0..<61).contains(t.second),
              (0..<1_000_000).contains(t.microsecond) else {
            throw ClimateDataError(.calendar, "time of day out of range in \(t)")
        }
        return CFInstant(dayNumber: dayNumber(year: t.year, month: t.month, day: t.day), microsecondOfDay: t.microsecondOfDay)
    }

    /// The date-time of an instant.
    public func dateTime(_ i: CFInstant) -> CFDateTime {
        let (y, m, d) = date(dayNumber: i.dayNumber)
        var us = i.microsecondOfDay
        let h = Int(us / 3_600_000_000); us -= Int64(h) * 3_600_000_000
        let mi = Int(us / 60_000_000); us -= Int64(mi) * 60_000_000
        let s = Int(us / 1_000_000); us -= Int64(s) * 1_000_000
        return CFDateTime(year: y, month: m, day: d, hour: h, minute: mi, second: s, microsecond: Int(us))
    }

    /// The first instant of month (`year`, `month`); month 13 means January of the next year.
    public func startOfMonth(year: Int, month: Int) -> CFInstant {
        let y = year + floorDiv(month - 1, 12), m = floorMod(month - 1, 12) + 1
        return CFInstant(dayNumber: dayNumber(year: y, month: m, day: 1), microsecondOfDay: 0)
    }
}

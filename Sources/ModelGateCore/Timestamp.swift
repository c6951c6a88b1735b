import Foundation

/// RFC 3339 UTC timestamps with milliseconds, the one form every ModelGate output uses
/// (`2026-11-26T10:00:00.123Z`), and lenient parsing of what registries and users send.
///
/// A registry's number never traps here: the `checked…` conversions answer nil outside ``range`` (years 0000
/// through 9999, what the four-digit form can write), and callers turn that into a per-object error.
public enum Timestamp {
    /// The Unix milliseconds ModelGate keeps: `0000-01-01T00:00:00.000Z` through `9999-12-31T23:59:59.999Z`.
    public static let range: ClosedRange<Int64> = -62_167_219_200_000...253_402_300_799_999

    /// Unix milliseconds from Unix seconds, or nil when the result would be outside ``range``.
    public static func checkedMilliseconds(seconds: Int64) -> Int64? {
        let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        return !overflow && range.contains(ms) ? ms : nil
    }

    /// Unix milliseconds from Unix seconds with a fraction (rounded to the millisecond), or nil when `seconds`
    /// is not finite or the result would be outside ``range``.
    public static func checkedMilliseconds(seconds: Double) -> Int64? {
        checkedMilliseconds(exactly: seconds * 1000)
    }

    /// Whole Unix milliseconds from a number that may have a fraction (rounded), or nil when it is not finite
    /// or outside ``range``.
    public static func checkedMilliseconds(exactly milliseconds: Double) -> Int64? {
        guard milliseconds.isFinite else { return nil }
        let rounded = milliseconds.rounded()
        guard rounded >= Double(range.lowerBound), rounded <= Double(range.upperBound) else { return nil }
        return Int64(rounded)
    }

    /// The date of Unix milliseconds, or nil outside ``range``.
    public static func checkedDate(milliseconds: Int64) -> Date? {
        range.contains(milliseconds) ? date(milliseconds: milliseconds) : nil
    }

    /// The date of Unix seconds (with a fraction), or nil when not finite or outside ``range``.
    public static func checkedDate(seconds: Double) -> Date? {
        checkedMilliseconds(seconds: seconds).map { date(milliseconds: $0) }
    }

    /// The date of whole Unix seconds, or nil outside ``range``.
    public static func checkedDate(seconds: Int64) -> Date? {
        checkedMilliseconds(seconds: seconds).map { date(milliseconds: $0) }
    }

    /// Formats `date` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, always three fraction digits).
    public static func format(_ date: Date) -> String {
        let ms = milliseconds(date)
        return format(milliseconds: ms)
    }

    /// Formats Unix milliseconds. Dates before 1970 and far future dates are formatted as well.
    public static func format(milliseconds ms: Int64) -> String {
        var seconds = ms / 1000
        var millis = ms % 1000
        if millis < 0 { millis += 1000; seconds -= 1 }
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let (y, m, d) = civil(fromDays: days)
        let hh = rest / 3600, mm = (rest % 3600) / 60, ss = rest % 60
        return String(format: "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", y, m, d, hh, mm, ss, millis)
    }

    /// Parses RFC 3339 / ISO 8601 with or without fraction digits and with `Z` or an offset
    /// (`2026-11-26T10:00:00Z`, `2026-11-26T10:00:00.123456+02:00`), or a plain date (`2026-11-26`).
    /// Returns Unix milliseconds, or nil if `text` is not such a timestamp.
    public static func parseMilliseconds(_ text: String) -> Int64? {
        let s = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        func num(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= s.count else { return nil }
            var value: Int64 = 0
            for i in from..<(from + count) {
                guard s[i] >= 48, s[i] <= 57 else { return nil }
                value = value * 10 + Int64(s[i] - 48)
            }
            return value
        }
        guard let year = num(0, 4), s.count >= 10, s[4] == UInt8(ascii: "-"), let month = num(5, 2),
            s[7] == UInt8(ascii: "-"), let day = num(8, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var ms = days(fromCivil: year, month, day) * 86_400_000
        if s.count == 10 { return range.contains(ms) ? ms : nil }
        guard s.count >= 19, s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: "t") || s[10] == UInt8(ascii: " "),
            let hh = num(11, 2), s[13] == UInt8(ascii: ":"), let mi = num(14, 2), s[16] == UInt8(ascii: ":"),
            let ss = num(17, 2), hh < 24, mi < 60, ss < 61
        else { return nil }
        ms += (hh * 3600 + mi * 60 + ss) * 1000
        var i = 19
        if i < s.count, s[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            var fraction: Int64 = 0
            while i < s.count, s[i] >= 48, s[i] <= 57 {
                if digits < 3 { fraction = fraction * 10 + Int64(s[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 3)..<3 { fraction *= 10 }
            ms += fraction
        }
        if i == s.count { return range.contains(ms) ? ms : nil }  // no zone: taken as UTC
        if s[i] == UInt8(ascii: "Z") || s[i] == UInt8(ascii: "z") { return i + 1 == s.count && range.contains(ms) ? ms : nil }
        guard s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-"), let oh = num(i + 1, 2) else { return nil }
        var om: Int64 = 0
        if i + 3 < s.count {
            let colon = s[i + 3] == UInt8(ascii: ":") ? 1 : 0
            guard let m = num(i + 3 + colon, 2), i + 5 + colon == s.count else { return nil }
            om = m
        } else if i + 3 != s.count {
            return nil
        }
        let offset = (oh * 60 + om) * 60_000
        let utc = s[i] == UInt8(ascii: "+") ? ms - offset : ms + offset
        return range.contains(utc) ? utc : nil
    }

    /// ``parseMilliseconds(_:)`` as a date.
    public static func parse(_ text: String) -> Date? {
        parseMilliseconds(text).map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    /// Unix milliseconds of `date`, clamped to ``range`` (a date that is not finite gives 0): never traps, even for
    /// a date that slipped past the checked conversions.
    public static func milliseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        guard value.isFinite else { return value.isNaN ? 0 : (value > 0 ? range.upperBound : range.lowerBound) }
        if value <= Double(range.lowerBound) { return range.lowerBound }
        if value >= Double(range.upperBound) { return range.upperBound }
        return Int64(value)
    }

    /// The date of Unix milliseconds (any Int64; see ``checkedDate(milliseconds:)`` for registry input).
    public static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    // Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

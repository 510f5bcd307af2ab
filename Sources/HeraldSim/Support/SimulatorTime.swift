import Foundation
import HeraldCore

/// The time formats the gateways write, computed with integer arithmetic
/// (no time zone database, no `DateFormatter`), so they are the same on
/// every machine.
enum SimulatorTime {
    /// China Standard Time, UTC+8 all year (no daylight saving since 1991).
    static let chinaOffsetSeconds = 8 * 3600

    /// Whole unix seconds, rounded down.
    static func unixSeconds(_ date: Date) -> Int {
        Int(date.timeIntervalSince1970.rounded(.down))
    }

    /// `2017-01-01 00:00:00` in Beijing time: Alibaba's `send_time` and
    /// `report_time`, Tencent's `user_receive_time`.
    static func beijing(_ date: Date) -> String {
        civil(unixSeconds(date) + chinaOffsetSeconds, separator: " ")
    }

    /// `2017-07-12T02:42:19Z`, the form Alibaba's `Timestamp` parameter takes.
    static func iso8601(_ date: Date) -> String {
        civil(unixSeconds(date), separator: "T") + "Z"
    }

    /// Unix seconds of Alibaba's `Timestamp` (`YYYY-MM-DDThh:mm:ssZ`, UTC), or
    /// nil when it is not written that way.
    static func parseISO8601(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              bytes[19] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// `YYYY-MM-DD<separator>hh:mm:ss` for seconds since 1970-01-01 00:00:00.
    static func civil(_ seconds: Int, separator: String) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondsOfDay = seconds - days * 86_400
        let (year, month, day) = civilFromDays(days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))\(separator)"
            + "\(pad(secondsOfDay / 3600, 2)):\(pad(secondsOfDay / 60 % 60, 2)):\(pad(secondsOfDay % 60, 2))"
    }

    /// Howard Hinnant's `civil_from_days` (proleptic Gregorian).
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Howard Hinnant's `days_from_civil`, the inverse of `civilFromDays`.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension SimulatorTime {
    /// `2026-12-01T05:00:00.123Z`, for the request log.
    static func iso8601Milliseconds(_ date: Date) -> String {
        let milliseconds = date.unixMilliseconds
        let seconds = Int(milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
        let fraction = Int(milliseconds - Int64(seconds) * 1000)
        let digits = String(fraction)
        return civil(seconds, separator: "T") + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }
}

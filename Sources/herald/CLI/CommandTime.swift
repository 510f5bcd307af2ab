import Foundation

/// Times and durations on the command line.
///
/// In: RFC 3339 with an offset, seconds optional (`2026-12-06T09:00+08:00`,
/// `2026-12-06T09:00:00Z`); durations as `90s`, `30m`, `2h`, `7d` or plain
/// seconds. Out: the API's UTC text, and Shanghai wall-clock time for people.
enum CommandTime {
    /// The zone times are shown in: the committees' own.
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600) ?? .current

    private static let inputFormats = [
        "yyyy-MM-dd'T'HH:mmXXXXX", "yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX",
        "yyyy-MM-dd HH:mmXXXXX", "yyyy-MM-dd HH:mm:ssXXXXX",
    ]

    /// Parses `text`, given for `option`; a time without an offset is refused (exit 64).
    static func parse(_ text: String, option: String) throws -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.isLenient = false
        for format in inputFormats {
            formatter.dateFormat = format
            if let date = formatter.date(from: text.trimmingCharacters(in: .whitespaces)) { return date }
        }
        throw CommandFailure(.usage, "\(option) must be a time with its offset, like 2026-12-06T09:00+08:00; got '\(text)'")
    }

    /// The API's form: UTC, RFC 3339, whole seconds.
    static func apiText(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// A time as committee staff read it: `2026-12-06 09:00`, Shanghai time.
    static func display(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// `display` of an API time text; the text itself when it does not parse.
    static func display(_ apiText: String?) -> String {
        guard let apiText else { return "-" }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = plain.date(from: apiText) ?? fractional.date(from: apiText) else { return apiText }
        return display(date)
    }

    /// Parses a duration given for `option`: `90s`, `30m`, `2h`, `7d`, or seconds.
    static func duration(_ text: String, option: String) throws -> TimeInterval {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var digits = Substring(text.trimmingCharacters(in: .whitespaces))
        var unit: TimeInterval = 1
        if let last = digits.last, let scale = units[last] {
            unit = scale
            digits = digits.dropLast()
        }
        guard let number = Int(digits), number >= 0 else {
            throw CommandFailure(.usage, "\(option) must be a duration like 90s, 30m, 2h or 7d; got '\(text)'")
        }
        return TimeInterval(number) * unit
    }

    /// A duration for people: `30m`, `2h`, `1d 6h`.
    static func describe(seconds: Int) -> String {
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600 where seconds % 60 == 0: return "\(seconds / 60)m"
        case ..<86_400 where seconds % 3600 == 0: return "\(seconds / 3600)h"
        case 86_400... where seconds % 86_400 == 0: return "\(seconds / 86_400)d"
        default:
            let hours = seconds / 3600
            let minutes = seconds % 3600 / 60
            return hours > 0 ? "\(hours)h \(minutes)m" : "\(minutes)m \(seconds % 60)s"
        }
    }
}

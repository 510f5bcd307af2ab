import Foundation

/// Times in the API: RFC 3339 / ISO 8601 text with an offset
/// (`2026-12-06T09:00:00+08:00`), so committee systems can send Shanghai
/// time as they write it. Answers are in UTC with a `Z`.
enum APITime {
    /// Parses an RFC 3339 time, with or without fractional seconds.
    static func parse(_ text: String, field: String) throws(APIError) -> Date {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = plain.date(from: text) ?? fractional.date(from: text) else {
            throw APIError(422, "invalid",
                           "'\(field)' must be an RFC 3339 time with an offset like 2026-12-06T09:00:00+08:00, got '\(text)'")
        }
        return date
    }

    static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func text(milliseconds: Int64) -> String {
        text(Date(unixMilliseconds: milliseconds))
    }
}

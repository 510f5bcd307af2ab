import Foundation

/// Renders one log record as a line of JSON, escaping by hand so the output
/// does not depend on `JSONSerialization`'s key order or number formatting.
enum LogLine {
    /// The fields every line starts with, in this order.
    static let fixedKeys: Set<String> = ["ts", "level", "label", "msg"]

    static func render(
        time: Date, level: LogLevel, label: String, message: String, metadata: [String: LogValue]
    ) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(96 + message.utf8.count + metadata.count * 24)
        out.append(UInt8(ascii: "{"))
        appendKey("ts", to: &out)
        out.append(UInt8(ascii: "\""))
        appendTimestamp(time, to: &out)
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ","))
        appendKey("level", to: &out)
        appendString(level.name, to: &out)
        out.append(UInt8(ascii: ","))
        appendKey("label", to: &out)
        appendString(label, to: &out)
        out.append(UInt8(ascii: ","))
        appendKey("msg", to: &out)
        appendString(message, to: &out)

        let fields = metadata.map { key, value in
            (key: fixedKeys.contains(key) ? "metadata." + key : key, value: value)
        }
        for field in fields.sorted(by: { $0.key < $1.key }) {
            out.append(UInt8(ascii: ","))
            appendKey(field.key, to: &out)
            appendValue(field.value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendKey(_ key: String, to out: inout [UInt8]) {
        appendString(key, to: &out)
        out.append(UInt8(ascii: ":"))
    }

    private static func appendValue(_ value: LogValue, to out: inout [UInt8]) {
        switch value {
        case .string(let text):
            appendString(text, to: &out)
        case .int(let number):
            out.append(contentsOf: String(number).utf8)
        case .double(let number):
            // JSON has no NaN or infinity; write those as strings.
            if number.isFinite {
                out.append(contentsOf: String(number).utf8)
            } else {
                appendString(String(number), to: &out)
            }
        case .bool(let flag):
            out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .phone(let number):
            appendString(number.masked, to: &out)
        }
    }

    /// Appends `text` as a JSON string (RFC 8259 §7): `"` and `\` escaped,
    /// control characters as `\n`-style or `\u00XX` escapes, everything else
    /// (including all non-ASCII) copied as UTF-8.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0x0F))
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// Appends `time` as `yyyy-MM-ddTHH:mm:ss.SSSZ` in UTC, to the nearest
    /// millisecond; computed directly so no formatter or time zone database
    /// is involved.
    static func appendTimestamp(_ time: Date, to out: inout [UInt8]) {
        let milliseconds = Int64((time.timeIntervalSince1970 * 1000).rounded())
        let millisecondsPerDay: Int64 = 86_400_000
        var days = milliseconds / millisecondsPerDay
        var millisecondOfDay = milliseconds % millisecondsPerDay
        if millisecondOfDay < 0 {
            days -= 1
            millisecondOfDay += millisecondsPerDay
        }
        let date = civilDate(daysSince1970: days)
        appendPadded(date.year, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(date.month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(date.day, width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendPadded(millisecondOfDay / 3_600_000, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(millisecondOfDay / 60_000 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(millisecondOfDay / 1000 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendPadded(millisecondOfDay % 1000, width: 3, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01
    /// (Howard Hinnant's `civil_from_days`,
    /// https://howardhinnant.github.io/date_algorithms.html#civil_from_days).
    private static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func appendPadded(_ value: Int64, width: Int, to out: inout [UInt8]) {
        let digits = String(value).utf8
        if digits.count < width {
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digits.count))
        }
        out.append(contentsOf: digits)
    }
}

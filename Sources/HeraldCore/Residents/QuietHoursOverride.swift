/// A resident's own do-not-disturb span, replacing the queue's default for them.
///
/// From ``startMinute`` (inclusive) to ``endMinute`` (exclusive), in minutes
/// after local midnight (Asia/Shanghai), the resident must not be contacted.
/// The span may cross midnight: `21:00-09:00` is 21:00 to 09:00 the next
/// morning. Start and end cannot be equal (a span of nothing, or of the
/// whole day, is not an override anyone means); `24:00` may be written as an
/// end and means midnight.
///
/// The queues' quiet hours in DESIGN.md are written the other way round, as
/// the window in which sending is allowed (voice 09:00–20:00); the
/// dispatcher sends only inside the queue's window and outside this span.
public struct QuietHoursOverride: Hashable, Sendable, CustomStringConvertible {
    /// When the span starts, in minutes after midnight (0..<1440).
    public let startMinute: Int
    /// When the span ends, in minutes after midnight (0..<1440); before
    /// ``startMinute`` when the span crosses midnight.
    public let endMinute: Int

    /// A span from `startMinute` to `endMinute`, both in `0..<1440`.
    public init(startMinute: Int, endMinute: Int) throws(QuietHoursError) {
        guard (0..<Self.minutesPerDay).contains(startMinute), (0..<Self.minutesPerDay).contains(endMinute) else {
            throw QuietHoursError(.outOfRange, "quiet hours start and end must be minutes 0 to 1439 after midnight")
        }
        guard startMinute != endMinute else {
            throw QuietHoursError(
                .emptySpan,
                "quiet hours start and end are the same time; give a span such as 21:00-09:00, "
                    + "or leave it empty for the default")
        }
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// Parses a span as typed: `21:00-09:00`, `22:00-08:30`, `7:30 - 9:00`.
    ///
    /// Hours may have one or two digits, minutes have two; the separator may
    /// be `-`, `–`, `—`, `~`, `～`, `－` or `至`, with spaces around it;
    /// full-width digits and `：` are read as ASCII. The message of the error
    /// never repeats the text.
    public init(parsing text: String) throws(QuietHoursError) {
        var normalized: [UInt8] = []
        for scalar in text.unicodeScalars {
            switch scalar {
            case "0"..."9", ":":
                normalized.append(UInt8(scalar.value))
            case "\u{FF10}"..."\u{FF19}":  // full-width ０-９
                normalized.append(UInt8(scalar.value - 0xFF10) + UInt8(ascii: "0"))
            case "\u{FF1A}":  // ：
                normalized.append(UInt8(ascii: ":"))
            case "-", "~", "\u{2013}", "\u{2014}", "\u{FF5E}", "\u{FF0D}", "\u{301C}", "至":
                normalized.append(UInt8(ascii: "-"))
            case _ where scalar.isRosterWhitespace:
                continue
            default:
                throw Self.malformed
            }
        }
        let parts = normalized.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw Self.malformed }
        let start = try Self.minuteOfDay(parts[0], allowMidnightEnd: false, which: "start")
        let end = try Self.minuteOfDay(parts[1], allowMidnightEnd: true, which: "end")
        try self.init(startMinute: start, endMinute: end % Self.minutesPerDay)
    }

    /// Whether the span runs past midnight into the next day.
    public var crossesMidnight: Bool { endMinute < startMinute }

    /// How long the span is, in minutes.
    public var durationMinutes: Int {
        crossesMidnight ? Self.minutesPerDay - startMinute + endMinute : endMinute - startMinute
    }

    /// Whether a time of day (minutes after midnight) falls in the span.
    public func contains(minuteOfDay minute: Int) -> Bool {
        crossesMidnight ? (minute >= startMinute || minute < endMinute) : (minute >= startMinute && minute < endMinute)
    }

    /// The span as `HH:MM-HH:MM`, which ``init(parsing:)`` reads back.
    public var description: String {
        Self.clock(startMinute) + "-" + Self.clock(endMinute)
    }

    static let minutesPerDay = 24 * 60

    private static let malformed = QuietHoursError(
        .malformed, "quiet hours must be a span like 21:00-09:00 (start-end, 24-hour clock)")

    /// `H:MM` or `HH:MM` as minutes after midnight; `24:00` only as an end.
    private static func minuteOfDay(
        _ text: ArraySlice<UInt8>, allowMidnightEnd: Bool, which: String
    ) throws(QuietHoursError) -> Int {
        let pieces = text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard pieces.count == 2, (1...2).contains(pieces[0].count), pieces[1].count == 2 else {
            throw malformed
        }
        let hour = pieces[0].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        let minute = pieces[1].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        if allowMidnightEnd, hour == 24, minute == 0 {
            return minutesPerDay
        }
        guard hour < 24, minute < 60 else {
            throw QuietHoursError(
                .outOfRange, "quiet hours \(which) time is not a time of day; hours go 0-23 and minutes 00-59")
        }
        return hour * 60 + minute
    }

    private static func clock(_ minute: Int) -> String {
        let hour = minute / 60, minutes = minute % 60
        return (hour < 10 ? "0" : "") + String(hour) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
    }
}

extension QuietHoursOverride: Codable {
    /// Decodes the `HH:MM-HH:MM` text, as ``init(parsing:)`` reads it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes ``description``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Why some text is not a do-not-disturb span.
public struct QuietHoursError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable identifier for the kind of problem.
    public enum Code: String, Hashable, Sendable, CaseIterable {
        /// Not two `H:MM` times joined by a dash.
        case malformed
        /// An hour above 23 or a minute above 59.
        case outOfRange = "out_of_range"
        /// Start and end are the same time.
        case emptySpan = "empty_span"
    }

    /// What kind of problem this is.
    public let code: Code
    /// A sentence saying what was wrong, without repeating the text.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

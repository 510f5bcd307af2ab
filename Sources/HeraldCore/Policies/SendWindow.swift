import Foundation

/// The daily hours in which a queue may send, in one time zone.
///
/// Voice calls go out 09:00–20:00 and SMS 08:00–21:00 Shanghai time by
/// default (DESIGN.md, "Limits that protect residents and gateways"). A
/// window whose end is before its start crosses midnight (`21:00-07:00`);
/// `00:00-24:00` is always open. Times are wall-clock times in
/// ``timeZone``, read with a Gregorian calendar, so a zone with daylight
/// saving keeps its local hours (Shanghai has none).
public struct SendWindow: Sendable, Hashable, CustomStringConvertible {
    /// When sending may start, in minutes after local midnight (0..<1440); inclusive.
    public let startMinute: Int
    /// When sending must stop, in minutes after local midnight (1...1440);
    /// exclusive. Before ``startMinute`` when the window crosses midnight.
    public let endMinute: Int
    /// The zone the times are read in.
    public let timeZone: TimeZone

    private let calendar: Calendar

    static let minutesPerDay = 24 * 60

    /// A window from `startMinute` (0..<1440) to `endMinute` (1...1440).
    public init(startMinute: Int, endMinute: Int, timeZone: TimeZone = SendWindow.shanghai) throws(SendWindowError) {
        guard (0..<Self.minutesPerDay).contains(startMinute) else {
            throw SendWindowError("a send window's start must be a time from 00:00 to 23:59 (got minute \(startMinute))")
        }
        guard (1...Self.minutesPerDay).contains(endMinute) else {
            throw SendWindowError("a send window's end must be a time from 00:01 to 24:00 (got minute \(endMinute))")
        }
        guard startMinute != endMinute else {
            throw SendWindowError("a send window cannot start and end at the same time (\(Self.clock(startMinute))); "
                                  + "write 00:00-24:00 for a queue that may always send")
        }
        self.init(checkedStart: startMinute, end: endMinute, timeZone: timeZone)
    }

    private init(checkedStart startMinute: Int, end endMinute: Int, timeZone: TimeZone) {
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// The same hours read in another zone.
    public func inTimeZone(_ zone: TimeZone) -> SendWindow {
        SendWindow(checkedStart: startMinute, end: endMinute, timeZone: zone)
    }

    /// Reads a window as written in a queue file: `09:00-20:00`,
    /// `00:00-24:00`, `21:00-07:00`.
    ///
    /// Hours have one or two digits and minutes two; spaces around the dash
    /// are allowed. `24:00` is allowed as the end only, and an end of
    /// `00:00` means midnight (`21:00-00:00` is `21:00-24:00`).
    public init(parsing text: String, timeZone: TimeZone = SendWindow.shanghai) throws(SendWindowError) {
        let malformed = SendWindowError(
            "a send window is two 24-hour times joined by a dash, like 09:00-20:00 (got \"\(text)\")")
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let start = Self.minuteOfDay(parts[0].trimmingCharacters(in: .whitespaces)),
              let end = Self.minuteOfDay(parts[1].trimmingCharacters(in: .whitespaces))
        else { throw malformed }
        guard start < Self.minutesPerDay else {
            throw SendWindowError("a send window cannot start at 24:00; write 00:00 (got \"\(text)\")")
        }
        try self.init(startMinute: start, endMinute: end == 0 && start != 0 ? Self.minutesPerDay : end,
                      timeZone: timeZone)
    }

    /// Asia/Shanghai, the zone of every default window.
    public static let shanghai: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    /// Open all day, every day.
    public static let always = SendWindow(checkedStart: 0, end: 24 * 60, timeZone: shanghai)
    /// 09:00–20:00 Shanghai time: when voice calls may ring.
    public static let voiceDefault = SendWindow(checkedStart: 9 * 60, end: 20 * 60, timeZone: shanghai)
    /// 08:00–21:00 Shanghai time: when SMS and pushes may go out.
    public static let smsDefault = SendWindow(checkedStart: 8 * 60, end: 21 * 60, timeZone: shanghai)

    /// Whether the window is open all day.
    public var isAlways: Bool { startMinute == 0 && endMinute == Self.minutesPerDay }

    /// Whether the window crosses midnight (`21:00-07:00`).
    public var crossesMidnight: Bool { endMinute < startMinute }

    /// Whether sending is allowed at `date`: from the start (inclusive) to the
    /// end (exclusive), in ``timeZone``.
    public func contains(_ date: Date) -> Bool {
        isAlways || contains(minuteOfDay: minuteOfDay(date))
    }

    /// Whether a local time of day, in minutes after midnight, is inside the window.
    public func contains(minuteOfDay minute: Int) -> Bool {
        crossesMidnight ? (minute >= startMinute || minute < endMinute) : (minute >= startMinute && minute < endMinute)
    }

    /// `date` when the window is open then, else the next time it opens.
    public func nextOpening(atOrAfter date: Date) -> Date {
        contains(date) ? date : nextTime(atMinute: startMinute, atOrAfter: date)
    }

    /// `09:00-20:00 Asia/Shanghai`.
    public var description: String {
        Self.clock(startMinute) + "-" + Self.clock(endMinute) + " " + timeZone.identifier
    }

    /// The window without its zone, as a queue file writes it: `09:00-20:00`.
    public var hours: String {
        Self.clock(startMinute) + "-" + Self.clock(endMinute)
    }

    // MARK: - Wall-clock arithmetic, shared with QuietHours

    /// Minutes after local midnight at `date`, in ``timeZone``.
    func minuteOfDay(_ date: Date) -> Int {
        let components = calendar.dateComponents([.hour, .minute], from: date)
        return (components.hour ?? 0) * 60 + (components.minute ?? 0)
    }

    /// The first time at or after `date` at which the local clock reads
    /// `minute` (0..<1440) exactly; on a day when that time does not exist
    /// (a daylight-saving gap), the first time after the gap.
    func nextTime(atMinute minute: Int, atOrAfter date: Date) -> Date {
        let today = calendar.startOfDay(for: date)
        for offset in 0...2 {
            guard let day = calendar.date(byAdding: .day, value: offset, to: today),
                  let candidate = calendar.date(bySettingHour: minute / 60, minute: minute % 60, second: 0, of: day)
            else { continue }
            if candidate >= date { return candidate }
        }
        // Unreachable with a Gregorian calendar; a day later is still a time the clock reads `minute`.
        return today + TimeInterval(minute * 60 + 86_400)
    }

    // MARK: - Text

    /// `H:MM` or `HH:MM` (hours 0–23, or 24:00) as minutes after midnight.
    private static func minuteOfDay(_ text: String) -> Int? {
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        guard pieces.count == 2, (1...2).contains(pieces[0].count), pieces[1].count == 2,
              pieces.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let hour = Int(pieces[0]), let minute = Int(pieces[1]), minute < 60
        else { return nil }
        if hour == 24, minute == 0 { return minutesPerDay }
        guard hour < 24 else { return nil }
        return hour * 60 + minute
    }

    static func clock(_ minute: Int) -> String {
        let hour = minute / 60, minutes = minute % 60
        return (hour < 10 ? "0" : "") + String(hour) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
    }
}

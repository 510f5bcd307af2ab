import Foundation

/// When a resident may be contacted: inside the queue's send window and
/// outside the resident's own do-not-disturb span.
public enum QuietHours {
    /// The earliest time at or after `date` that is inside `window` and
    /// outside the resident's do-not-disturb span.
    ///
    /// The span (``QuietHoursOverride``, minutes after local midnight) is
    /// read in `window.timeZone`. `date` itself when it is allowed; nil when
    /// no time ever is, because the span covers the whole window. Seconds are
    /// kept: 10:15:30 inside both comes back as 10:15:30.
    public static func nextAllowed(atOrAfter date: Date, window: SendWindow,
                                   residentQuiet: QuietHoursOverride?) -> Date? {
        guard let span = residentQuiet else { return window.nextOpening(atOrAfter: date) }
        let someMinuteAllowed = (0..<SendWindow.minutesPerDay).contains {
            window.contains(minuteOfDay: $0) && !span.contains(minuteOfDay: $0)
        }
        guard someMinuteAllowed else { return nil }
        // Alternate between "the window's next opening" and "the span's next
        // end" until a time is in both. Both are one interval a day, so three
        // rounds suffice; the bound only guards against a calendar surprise.
        var candidate = date
        for _ in 0..<8 {
            candidate = window.nextOpening(atOrAfter: candidate)
            guard span.contains(minuteOfDay: window.minuteOfDay(candidate)) else { return candidate }
            candidate = window.nextTime(atMinute: span.endMinute, atOrAfter: candidate)
        }
        return candidate
    }
}

import Foundation

/// Durations as a person reads them at a glance: "42s", "3m12s", "2h05m", "3d04h".
enum DurationText {
    /// `seconds` in at most two units; "0s" below one second.
    static func short(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite, seconds >= 1 else { return "0s" }
        let whole = Int(seconds)
        switch whole {
        case ..<60: return "\(whole)s"
        case ..<3600: return "\(whole / 60)m" + twoDigits(whole % 60) + "s"
        case ..<86400: return "\(whole / 3600)h" + twoDigits(whole % 3600 / 60) + "m"
        default: return "\(whole / 86400)d" + twoDigits(whole % 86400 / 3600) + "h"
        }
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

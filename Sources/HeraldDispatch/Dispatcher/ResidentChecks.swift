import Foundation
import HeraldCore
import HeraldStore

/// The per-resident limits checked for each send at claim time, inside the
/// claim's transaction: the queue's sending window combined with the
/// resident's own do-not-disturb span, then the channel's frequency caps
/// over the contact log. A send that passes is written to the contact log
/// there and then, so two jobs for one resident in one batch see each other.
struct ResidentChecks: Sendable {
    let window: SendWindow
    let caps: FrequencyCap

    func check(_ context: SendContext, db: Database, now: Int64) throws -> SendCheck {
        let date = Date(unixMilliseconds: now)
        guard let allowed = QuietHours.nextAllowed(atOrAfter: date, window: window,
                                                   residentQuiet: context.residentQuiet) else {
            return .fail(reason: "the resident's quiet hours cover the whole sending window (\(window))")
        }
        if allowed > date { return .later(until: allowed.unixMilliseconds, because: .quietHours) }
        if !caps.limits.isEmpty {
            let since = now - Int64(caps.longestWindow * 1000)
            let previous = try ContactLog.recent(resident: context.residentID, channel: context.channel, since: since,
                                                 db: db)
            let next = caps.nextAllowed(now: date, previous: previous.map { Date(unixMilliseconds: $0) })
            if next > date { return .later(until: next.unixMilliseconds, because: .frequencyCap) }
        }
        try ContactLog.record(resident: context.residentID, channel: context.channel, delivery: context.deliveryID,
                              at: now, db: db)
        return .send
    }
}

import Foundation

/// How often one resident may be contacted on one channel.
///
/// Each ``Limit`` allows `count` contacts in any `seconds`-long span
/// (a sliding window, not calendar hours). A job that would break a limit is
/// deferred to ``nextAllowed(now:previous:)``, never dropped. The defaults
/// follow the big voice gateways' own frequency control: 1 a minute, 5 an
/// hour, 20 a day.
public struct FrequencyCap: Sendable, Hashable {
    /// At most ``count`` contacts in any ``seconds``-long span.
    public struct Limit: Sendable, Hashable {
        /// Contacts allowed in the span; at least 1.
        public var count: Int
        /// The span's length in seconds; at least 1.
        public var seconds: Int

        public init(_ count: Int, per seconds: Int) {
            precondition(count >= 1, "a frequency limit allows at least one contact")
            precondition(seconds >= 1, "a frequency limit's span is at least one second")
            self.count = count
            self.seconds = seconds
        }
    }

    /// Every limit applies; a contact must keep all of them.
    public var limits: [Limit]

    public init(_ limits: [Limit]) {
        self.limits = limits
    }

    /// 1 call a minute, 5 an hour, 20 a day.
    public static let voiceDefault = FrequencyCap([Limit(1, per: 60), Limit(5, per: 3600), Limit(20, per: 86_400)])
    /// 1 message a minute, 5 an hour, 20 a day.
    public static let smsDefault = FrequencyCap([Limit(1, per: 60), Limit(5, per: 3600), Limit(20, per: 86_400)])
    /// No limit.
    public static let none = FrequencyCap([])

    /// The longest span any limit looks back over, in seconds (0 with no
    /// limits): contacts older than this can be forgotten.
    public var longestWindow: TimeInterval {
        TimeInterval(limits.map(\.seconds).max() ?? 0)
    }

    /// The earliest time at or after `now` at which one more contact keeps
    /// every limit, given the times of earlier contacts in any order.
    ///
    /// A contact at `p` counts against a limit until `p + seconds`: with
    /// 1 a minute, a call at 10:00:00 allows the next at 10:01:00. Contact
    /// times after `now` (another worker's clock running ahead) count as if
    /// they had already happened.
    public func nextAllowed(now: Date, previous: [Date]) -> Date {
        guard !limits.isEmpty, !previous.isEmpty else { return now }
        let newestFirst = previous.sorted(by: >)
        var earliest = now
        for limit in limits where newestFirst.count >= max(1, limit.count) {
            // With `count` contacts allowed, the count-th newest must have
            // left the span before one more fits.
            let blocking = newestFirst[max(1, limit.count) - 1]
            earliest = max(earliest, blocking + TimeInterval(limit.seconds))
        }
        return earliest
    }
}

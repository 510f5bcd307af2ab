import Foundation
import HeraldStore

/// What one worker group is doing, for `herald status` and `/metrics`: the
/// limiters' state, what the group waits for, and counters since start.
public struct QueueActivity: Sendable, Codable, Hashable {
    /// What keeps the group from sending more right now.
    public enum Waiting: Sendable, Codable, Hashable {
        /// Sending as fast as the limiters allow.
        case none
        /// Nothing due.
        case idle
        /// Outside the queue's sending window until then.
        case sendWindow(until: Date)
        /// The gateway's circuit is open; the next probe then.
        case circuitOpen(until: Date?)
        /// Every line is busy (the concurrency cap).
        case concurrency
        /// The token bucket is empty until then.
        case rate(until: Date)
        /// Paused, and why.
        case paused(String)
        /// The last claim failed (a database error).
        case error(String)

        public var summary: String {
            switch self {
            case .none: "sending"
            case .idle: "idle"
            case .sendWindow: "outside the sending window"
            case .circuitOpen: "circuit open"
            case .concurrency: "all lines busy"
            case .rate: "rate limit"
            case .paused(let why): "paused: \(why)"
            case .error(let what): "error: \(what)"
            }
        }
    }

    /// Counts since the dispatcher started.
    public struct Counters: Sendable, Codable, Hashable {
        public var claimed = 0
        public var sent = 0
        public var skipped = 0
        public var movedOn = 0
        public var deferredQuietHours = 0
        public var deferredFrequencyCap = 0
        public var failedAtClaim = 0
        /// Send outcomes by `SendOutcome.name` (plus "template_error").
        public var outcomes: [String: Int] = [:]
        /// Cycles that found the token bucket empty / every line busy.
        public var rateWaits = 0
        public var concurrencyWaits = 0
        /// Claim to the gateway's answer, every outcome.
        public var latency = LatencyHistogram(bounds: LatencyHistogram.sendBounds)
        /// Enqueue to the gateway's acceptance: what a resident waits,
        /// scheduled waits (quiet hours, backoff, a reminder's day) included.
        public var enqueueToAccepted = LatencyHistogram(bounds: LatencyHistogram.waitBounds)
        /// Due to the gateway's acceptance: how far behind the dispatcher runs.
        public var dueToAccepted = LatencyHistogram(bounds: LatencyHistogram.waitBounds)

        mutating func record(_ claimed: ClaimedSends) {
            self.claimed += claimed.claimed
            sent += claimed.sends.count
            skipped += claimed.skipped + claimed.unreadable
            movedOn += claimed.movedOn
            deferredQuietHours += claimed.deferred[.quietHours] ?? 0
            deferredFrequencyCap += claimed.deferred[.frequencyCap] ?? 0
            failedAtClaim += claimed.failed
        }
    }

    public var queue: String
    public var channel: String
    public var adapter: String
    public var rate: Double
    public var burst: Int
    public var tokens: Int
    public var concurrency: Int
    public var inFlight: Int
    public var sendWindow: String
    public var windowOpen: Bool
    public var circuit: String
    public var circuitOpens: Int
    public var circuitNextProbe: Date?
    public var waiting: Waiting
    public var counters: Counters
    public var updatedAt: Date
}

/// Durations in fixed buckets, for a Prometheus histogram.
public struct LatencyHistogram: Sendable, Codable, Hashable {
    /// A gateway's answer: milliseconds to seconds.
    public static let sendBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// A resident's wait: a second to a day.
    public static let waitBounds: [Double] = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600, 86400]

    /// Upper bounds in seconds, increasing; the last bucket is +Inf.
    public let bounds: [Double]
    /// Per bucket (not cumulative); one more than `bounds`.
    public var counts: [Int]
    public var sum: Double = 0
    public var count = 0

    public init(bounds: [Double]) {
        self.bounds = bounds
        counts = [Int](repeating: 0, count: bounds.count + 1)
    }

    mutating func record(_ seconds: TimeInterval) {
        let value = max(0, seconds)
        let index = bounds.firstIndex { value <= $0 } ?? bounds.count
        counts[index] += 1
        sum += value
        count += 1
    }
}

import Foundation

/// How many sends a queue may start now: its gateway's rate (QPS) and burst.
///
/// Tokens refill continuously at ``rate`` per second up to ``burst``; each
/// send takes one whole token. The bucket is a value the dispatcher keeps
/// per queue, with the time passed in, so tests drive it with plain `Date`s.
///
/// Fractions of a token carry over from one refill to the next, so taking
/// every few milliseconds for hours grants `rate * t` (to within one token)
/// and never more than `burst + rate * t` in any span of `t` seconds.
///
/// `Date` holds a Unix time to about 0.1 µs, so "0.1 s later" may be read as
/// 0.0999999 s and leave a refill at 0.999999 of a token. A token due within
/// a microsecond therefore counts as here; what such a grant borrows is paid
/// back from the next refill (the balance may dip below zero by that much,
/// ``tokens`` shows 0), so the tolerance never adds up over a long run.
public struct TokenBucket: Sendable, Hashable {
    /// Tokens added per second; greater than 0.
    public let rate: Double
    /// How many tokens the bucket holds at most (the burst after a quiet spell); at least 1.
    public let burst: Int
    /// Tokens as of ``updatedAt``, fractions included.
    public var tokens: Double { max(0, balance) }
    /// When ``tokens`` was counted. After ``hold(until:)`` it is the end of
    /// the hold; it never moves backwards, so a clock that jumps back adds nothing.
    public private(set) var updatedAt: Date

    /// Tokens as of ``updatedAt``; at least `-tolerance`.
    private var balance: Double
    /// How far below a whole token still counts as one: a microsecond of refill.
    private let tolerance: Double

    /// A full bucket.
    public init(rate: Double, burst: Int, now: Date) {
        precondition(rate > 0 && rate.isFinite, "a token bucket's rate must be a finite number above 0")
        precondition(burst >= 1, "a token bucket's burst must be at least 1")
        self.rate = rate
        self.burst = burst
        self.balance = Double(burst)
        self.updatedAt = now
        self.tolerance = rate * 1e-6 + 1e-9
    }

    /// Refills for the time since ``updatedAt`` (never more than ``burst``;
    /// a clock that went backwards adds nothing), then grants
    /// `min(count, whole tokens)` and removes them.
    public mutating func take(upTo count: Int, now: Date) -> Int {
        refill(now: now)
        let granted = min(max(0, count), wholeTokens)
        guard granted > 0 else { return 0 }
        balance -= Double(granted)
        return granted
    }

    /// Whole tokens at `now`, without taking any.
    public func available(now: Date) -> Int {
        var bucket = self
        bucket.refill(now: now)
        return bucket.wholeTokens
    }

    /// `now` when a whole token is there, else the moment the next one is.
    ///
    /// At the returned time ``take(upTo:now:)`` grants at least one token
    /// (unless something else takes it first): the answer is checked against
    /// the same arithmetic `take` uses, so a caller that waits for it never
    /// wakes to an empty bucket.
    public func nextAvailable(now: Date) -> Date {
        var bucket = self
        bucket.refill(now: now)
        if bucket.wholeTokens >= 1 { return now }
        var candidate = bucket.updatedAt + max(0, 1 - bucket.balance) / rate
        // Rounding in `Date` can land a hair short of the token: step up by
        // the smallest amounts `Date` can hold until the token is there.
        var step = candidate.timeIntervalSinceReferenceDate.ulp
        while available(now: candidate) < 1 {
            candidate += step
            step *= 2
        }
        return candidate
    }

    /// The gateway asked us to slow down (HTTP 429, frequency control):
    /// empty now, and no refill before `until`.
    public mutating func hold(until: Date) {
        balance = min(balance, 0)
        updatedAt = max(updatedAt, until)
    }

    /// Whole tokens in the bucket as of ``updatedAt``.
    private var wholeTokens: Int {
        Int(min(Double(burst), (balance + tolerance).rounded(.down)))
    }

    private mutating func refill(now: Date) {
        guard now > updatedAt else { return }
        balance = min(Double(burst), balance + now.timeIntervalSince(updatedAt) * rate)
        updatedAt = now
    }
}

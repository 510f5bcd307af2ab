import Foundation

/// Exponential backoff with full jitter, capped, with a limit on attempts.
///
/// The n-th retry waits a uniformly random time in `0...min(cap, base * 2^(n-1))`
/// ("full jitter": retries from many residents' jobs spread out instead of
/// hitting a recovering gateway together). A gateway's `Retry-After` wins
/// over the computed delay.
public struct Backoff: Sendable, Hashable, Codable {
    /// The ceiling of the first retry's delay, in seconds.
    public var base: TimeInterval
    /// No retry waits longer than this, in seconds.
    public var cap: TimeInterval
    /// Attempts in all (the first try included) before a job is dead.
    public var maxAttempts: Int

    public init(base: TimeInterval = 5, cap: TimeInterval = 15 * 60, maxAttempts: Int = 8) {
        precondition(base >= 0 && cap >= base && maxAttempts >= 1, "invalid backoff")
        self.base = base
        self.cap = cap
        self.maxAttempts = maxAttempts
    }

    /// The largest delay the retry after attempt number `attempt` (1-based) can get.
    public func ceiling(afterAttempt attempt: Int) -> TimeInterval {
        let exponent = Double(max(0, attempt - 1))
        return min(cap, base * pow(2, min(exponent, 62)))
    }

    /// The delay before the next try after attempt number `attempt` failed.
    /// `retryAfter`, when a gateway sent one, is used as it is.
    public func delay<R: RandomNumberGenerator>(afterAttempt attempt: Int, retryAfter: TimeInterval? = nil,
                                                using generator: inout R) -> TimeInterval {
        if let retryAfter { return max(0, retryAfter) }
        let ceiling = ceiling(afterAttempt: attempt)
        return ceiling > 0 ? Double.random(in: 0...ceiling, using: &generator) : 0
    }

    public func delay(afterAttempt attempt: Int, retryAfter: TimeInterval? = nil) -> TimeInterval {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempt: attempt, retryAfter: retryAfter, using: &generator)
    }
}

/// A small, fast, seedable generator (SplitMix64) for reproducible tests,
/// simulations and benchmarks.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

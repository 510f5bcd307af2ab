import Foundation
import Testing

@testable import HeraldCore

@Suite("TokenBucket")
struct TokenBucketTests {
    /// A realistic Unix time, where `Date` keeps about 0.2 µs of precision.
    static let start = Date(timeIntervalSince1970: 1_796_000_000)

    /// `start + seconds`, computed the way a clock reading would be.
    static func at(_ seconds: Double) -> Date {
        Date(timeIntervalSince1970: 1_796_000_000 + seconds)
    }

    @Test("starts full and grants at most what it holds")
    func startsFull() {
        var bucket = TokenBucket(rate: 10, burst: 5, now: Self.start)
        #expect(bucket.available(now: Self.start) == 5)
        #expect(bucket.take(upTo: 3, now: Self.start) == 3)
        #expect(bucket.take(upTo: 3, now: Self.start) == 2)
        #expect(bucket.take(upTo: 3, now: Self.start) == 0)
        #expect(bucket.take(upTo: 0, now: Self.start) == 0)
        #expect(bucket.take(upTo: -4, now: Self.start) == 0)
    }

    @Test("refills at the rate, never above the burst")
    func refills() {
        var bucket = TokenBucket(rate: 10, burst: 5, now: Self.start)
        _ = bucket.take(upTo: 5, now: Self.start)
        #expect(bucket.available(now: Self.at(0.05)) == 0)
        #expect(bucket.available(now: Self.at(0.1)) == 1)
        #expect(bucket.available(now: Self.at(0.35)) == 3)
        #expect(bucket.available(now: Self.at(3600)) == 5)
        #expect(bucket.take(upTo: 100, now: Self.at(3600)) == 5)
    }

    @Test("a clock that goes backwards adds nothing, and does not count the same time twice")
    func backwardsClock() {
        var bucket = TokenBucket(rate: 1, burst: 10, now: Self.start)
        _ = bucket.take(upTo: 10, now: Self.start)
        #expect(bucket.take(upTo: 10, now: Self.at(3)) == 3)
        #expect(bucket.take(upTo: 10, now: Self.at(1)) == 0)
        #expect(bucket.updatedAt == Self.at(3))
        #expect(bucket.take(upTo: 10, now: Self.at(4)) == 1)
    }

    @Test("taking every 10 ms at 200 per second for 10 s grants 2000")
    func exactOverTenSeconds() {
        var bucket = TokenBucket(rate: 200, burst: 10, now: Self.start)
        _ = bucket.take(upTo: 10, now: Self.start)
        var granted = 0
        for step in 1...1000 {
            granted += bucket.take(upTo: 100, now: Self.at(Double(step) / 100))
        }
        #expect(abs(granted - 2000) <= 1, "granted \(granted)")
    }

    @Test("one token at a time at the rate's own pace loses none")
    func oneAtATime() {
        var bucket = TokenBucket(rate: 200, burst: 2, now: Self.start)
        _ = bucket.take(upTo: 2, now: Self.start)
        var granted = 0
        for step in 1...2000 {
            granted += bucket.take(upTo: 1, now: Self.at(Double(step) * 0.005))
        }
        #expect(abs(granted - 2000) <= 1, "granted \(granted)")
    }

    @Test("rates that are not exact binary fractions stay exact over an hour",
          arguments: [(1.0 / 3.0, 0.007), (0.3, 0.011), (7.1, 0.013), (2500.0, 0.0003)])
    func exactOverAnHour(rate: Double, interval: Double) {
        // Burst 2: a poll may come after the first whole token, and the fraction
        // past it must not be cut off by the bucket's size.
        var bucket = TokenBucket(rate: rate, burst: 2, now: Self.start)
        _ = bucket.take(upTo: 2, now: Self.start)
        let steps = Int((3600 / interval).rounded(.down))
        var granted = 0
        for step in 1...steps {
            granted += bucket.take(upTo: Int.max, now: Self.at(Double(step) * interval))
        }
        let expected = rate * Double(steps) * interval
        #expect(abs(Double(granted) - expected) <= 1, "granted \(granted), expected \(expected)")
    }

    @Test("no window of t seconds ever gets more than burst + rate × t")
    func neverMoreThanBurstPlusRate() {
        var generator = SeededGenerator(seed: 42)
        let rate = 50.0, burst = 20
        var bucket = TokenBucket(rate: rate, burst: burst, now: Self.start)
        var times: [Double] = []
        var grants: [Int] = []
        var elapsed = 0.0
        for _ in 0..<3000 {
            // Bursty callers: sometimes long gaps, sometimes the same instant.
            elapsed += [0, 0.001, 0.02, 0.5, 2].randomElement(using: &generator)!
            let count = Int.random(in: 0...30, using: &generator)
            times.append(elapsed)
            grants.append(bucket.take(upTo: count, now: Self.at(elapsed)))
        }
        var prefix = [0]
        for grant in grants { prefix.append(prefix.last! + grant) }
        var worst = -Double.infinity
        for first in times.indices {
            for last in first..<times.count {
                let taken = Double(prefix[last + 1] - prefix[first])
                worst = max(worst, taken - (Double(burst) + rate * (times[last] - times[first])))
            }
        }
        // Within a microsecond of refill (the tolerance of `Date` readings).
        #expect(worst <= 1e-3, "a window exceeded burst + rate × t by \(worst)")
        #expect(prefix.last! > 0)
    }

    @Test("nextAvailable is now with a token, else when take grants one",
          arguments: [0.3, 1.0 / 3.0, 7.0, 200.0, 3333.3])
    func nextAvailable(rate: Double) {
        var bucket = TokenBucket(rate: rate, burst: 3, now: Self.start)
        #expect(bucket.nextAvailable(now: Self.start) == Self.start)
        var now = Self.start
        var granted = 0
        // A worker that drains the bucket and sleeps until nextAvailable
        // must get a token every time it wakes.
        for _ in 0..<500 {
            let got = bucket.take(upTo: 1, now: now)
            #expect(got == 1 || granted < 3, "woke at \(now.timeIntervalSince(Self.start)) s to an empty bucket")
            granted += got
            let next = bucket.nextAvailable(now: now)
            #expect(next >= now)
            now = next
        }
        let expected = 3 + rate * now.timeIntervalSince(Self.start)
        #expect(abs(Double(granted) - expected) <= 1.01, "granted \(granted), expected \(expected)")
    }

    @Test("the first token after draining arrives 1/rate later")
    func nextTokenTime() {
        var bucket = TokenBucket(rate: 4, burst: 4, now: Self.start)
        _ = bucket.take(upTo: 4, now: Self.start)
        let next = bucket.nextAvailable(now: Self.at(0.1))
        #expect(abs(next.timeIntervalSince(Self.start) - 0.25) < 1e-6)
        #expect(bucket.available(now: next) == 1)
    }

    @Test("hold empties the bucket and refills nothing before its end")
    func hold() {
        var bucket = TokenBucket(rate: 10, burst: 10, now: Self.start)
        bucket.hold(until: Self.at(5))
        #expect(bucket.tokens == 0)
        #expect(bucket.available(now: Self.start) == 0)
        #expect(bucket.take(upTo: 1, now: Self.at(4.99)) == 0)
        #expect(bucket.available(now: Self.at(5)) == 0)
        #expect(abs(bucket.nextAvailable(now: Self.at(1)).timeIntervalSince(Self.at(5.1))) < 1e-6)
        #expect(bucket.take(upTo: 10, now: Self.at(5.5)) == 5)
        // A hold that ends before the last refill only empties.
        bucket.hold(until: Self.at(2))
        #expect(bucket.updatedAt == Self.at(5.5))
        #expect(bucket.take(upTo: 10, now: Self.at(5.8)) == 3)
    }
}

import Foundation
import Testing

@testable import HeraldCore

@Suite("CircuitBreaker")
struct CircuitBreakerTests {
    static let start = Date(timeIntervalSince1970: 1_796_000_000)

    static func at(_ seconds: Double) -> Date { start + seconds }

    static func failing(_ breaker: inout CircuitBreaker, times: Int, at seconds: Double) {
        for _ in 0..<times { breaker.recordFailure(now: at(seconds)) }
    }

    @Test("closed lets everything through")
    func closed() {
        var breaker = CircuitBreaker()
        #expect(breaker.state == .closed)
        #expect(breaker.name == "closed")
        #expect(breaker.permits(now: Self.start) == Int.max)
        #expect(breaker.nextProbe == nil)
        #expect(breaker.threshold == 5 && breaker.openFor == 30 && breaker.maxOpenFor == 300)
    }

    @Test("the threshold-th failure in a row opens it; a success in between starts over")
    func opensAtThreshold() {
        var breaker = CircuitBreaker(threshold: 3, openFor: 30, maxOpenFor: 300)
        Self.failing(&breaker, times: 2, at: 0)
        breaker.recordSuccess(now: Self.at(1))
        Self.failing(&breaker, times: 2, at: 2)
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 2)
        breaker.recordFailure(now: Self.at(3))
        #expect(breaker.state == .open(until: Self.at(33)))
        #expect(breaker.name == "open")
        #expect(breaker.nextProbe == Self.at(33))
        #expect(breaker.timesOpened == 1)
        #expect(breaker.permits(now: Self.at(32.9)) == 0)
    }

    @Test("once open time is up, exactly one probe")
    func halfOpenProbe() {
        var breaker = CircuitBreaker(threshold: 1, openFor: 30, maxOpenFor: 300)
        breaker.recordFailure(now: Self.at(0))
        #expect(breaker.permits(now: Self.at(30)) == 1)
        #expect(breaker.state == .halfOpen)
        #expect(breaker.name == "half-open")
        #expect(breaker.nextProbe == nil)
        // Asking again before starting does not use the probe up.
        #expect(breaker.permits(now: Self.at(30)) == 1)
        breaker.started(1)
        #expect(breaker.permits(now: Self.at(31)) == 0)
        breaker.recordSuccess(now: Self.at(32))
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 0)
        #expect(breaker.permits(now: Self.at(32)) == Int.max)
    }

    @Test("failed probes double the open time up to the maximum; a success resets it")
    func backsOff() {
        var breaker = CircuitBreaker(threshold: 2, openFor: 30, maxOpenFor: 100)
        Self.failing(&breaker, times: 2, at: 0)
        var now = 0.0
        var intervals: [Double] = []
        for _ in 0..<4 {
            guard let probe = breaker.nextProbe else { Issue.record("not open"); return }
            intervals.append(probe.timeIntervalSince(Self.at(now)))
            now = probe.timeIntervalSince(Self.start)
            #expect(breaker.permits(now: probe) == 1)
            breaker.started(1)
            breaker.recordFailure(now: probe)
        }
        #expect(intervals == [30, 60, 100, 100])
        #expect(breaker.timesOpened == 5)
        let probe = breaker.nextProbe!
        _ = breaker.permits(now: probe)
        breaker.started(1)
        breaker.recordSuccess(now: probe)
        Self.failing(&breaker, times: 2, at: 1000)
        #expect(breaker.nextProbe == Self.at(1030))
    }

    @Test("late reports from sends that started before it opened")
    func lateReports() {
        var breaker = CircuitBreaker(threshold: 2, openFor: 30, maxOpenFor: 300)
        Self.failing(&breaker, times: 2, at: 0)
        // A failure while open changes nothing but the count.
        breaker.recordFailure(now: Self.at(5))
        #expect(breaker.nextProbe == Self.at(30))
        #expect(breaker.consecutiveFailures == 3)
        #expect(breaker.timesOpened == 1)
        // A success while open means the gateway answered: closed.
        breaker.recordSuccess(now: Self.at(6))
        #expect(breaker.state == .closed)
    }

    @Test("starting nothing in half-open keeps the probe available")
    func startingNothing() {
        var breaker = CircuitBreaker(threshold: 1)
        breaker.recordFailure(now: Self.at(0))
        #expect(breaker.permits(now: Self.at(30)) == 1)
        breaker.started(0)
        #expect(breaker.permits(now: Self.at(31)) == 1)
        // Starting while closed has no effect.
        breaker.recordSuccess(now: Self.at(31))
        breaker.started(100)
        #expect(breaker.permits(now: Self.at(31)) == Int.max)
    }
}

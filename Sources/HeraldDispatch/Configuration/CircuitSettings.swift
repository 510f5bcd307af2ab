import Foundation
import HeraldCore

/// A queue file's `"circuit"`: when its gateway's ``CircuitBreaker`` opens and for how long.
public struct CircuitSettings: Sendable, Hashable {
    /// Failures in a row that open the circuit.
    public var failureThreshold: Int
    /// How long it first stays open, in seconds.
    public var openSeconds: Double
    /// The longest it stays open as failed probes double the time, in seconds.
    public var maxOpenSeconds: Double

    public init(failureThreshold: Int = 5, openSeconds: Double = 30, maxOpenSeconds: Double = 300) {
        self.failureThreshold = failureThreshold
        self.openSeconds = openSeconds
        self.maxOpenSeconds = maxOpenSeconds
    }

    /// 5 failures in a row; open 30 s, doubling to at most 300 s.
    public static let standard = CircuitSettings()

    /// A closed breaker with these settings.
    public func makeBreaker() -> CircuitBreaker {
        CircuitBreaker(threshold: failureThreshold, openFor: openSeconds, maxOpenFor: maxOpenSeconds)
    }
}

import Foundation

/// Stops sending to a gateway that keeps failing, then lets one probe
/// through to see whether it is back.
///
/// Closed, sends flow. ``threshold`` failures in a row open the circuit for
/// ``openFor`` seconds; no send starts while it is open. When that time is
/// up the circuit is half-open: one send (the probe) may start. Its success
/// closes the circuit; its failure opens it again for twice the previous
/// interval, up to ``maxOpenFor``. A value type with the time passed in: the
/// dispatcher keeps one per gateway (``state`` and ``nextProbe`` are what
/// `herald status` shows).
public struct CircuitBreaker: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        /// Sends flow.
        case closed
        /// No send may start before `until`.
        case open(until: Date)
        /// One probe may start; the next report decides.
        case halfOpen
    }

    /// Consecutive failures that open a closed circuit; at least 1.
    public let threshold: Int
    /// How long the circuit first stays open, in seconds.
    public let openFor: TimeInterval
    /// The longest it stays open after failed probes, in seconds.
    public let maxOpenFor: TimeInterval

    public private(set) var state: State = .closed
    /// Failures since the last success.
    public private(set) var consecutiveFailures = 0
    /// How many times the circuit has opened since it was made.
    public private(set) var timesOpened = 0

    /// The length of the last open interval; doubles on each failed probe.
    private var openInterval: TimeInterval
    /// Whether the half-open circuit's probe has started and not reported.
    private var probeInFlight = false

    public init(threshold: Int = 5, openFor: TimeInterval = 30, maxOpenFor: TimeInterval = 300) {
        precondition(threshold >= 1, "a circuit breaker opens after at least one failure")
        precondition(openFor > 0 && maxOpenFor >= openFor, "a circuit breaker needs 0 < openFor <= maxOpenFor")
        self.threshold = threshold
        self.openFor = openFor
        self.maxOpenFor = maxOpenFor
        self.openInterval = openFor
    }

    /// How many new sends may start now: closed → `Int.max`; open before
    /// `until` → 0; open at or after `until` → half-open; half-open → 1 when
    /// no probe is in flight, else 0.
    public mutating func permits(now: Date) -> Int {
        switch state {
        case .closed:
            return Int.max
        case .open(let until):
            guard now >= until else { return 0 }
            state = .halfOpen
            probeInFlight = false
            return 1
        case .halfOpen:
            return probeInFlight ? 0 : 1
        }
    }

    /// Call after starting `count` sends. Half-open, a started send is the
    /// probe, and no other may start until a report comes in.
    public mutating func started(_ count: Int) {
        if case .halfOpen = state, count > 0 {
            probeInFlight = true
        }
    }

    /// A send succeeded: the circuit closes, and failures and the open
    /// interval start over. A success reported while open (a send that
    /// started before the circuit opened) closes it too: the gateway answered.
    public mutating func recordSuccess(now: Date) {
        state = .closed
        consecutiveFailures = 0
        openInterval = openFor
        probeInFlight = false
    }

    /// A send failed in a way that says the gateway is in trouble.
    ///
    /// Closed: the ``threshold``-th failure in a row opens the circuit for
    /// ``openFor``. Half-open: the probe failed, so it opens again for twice
    /// the last interval, at most ``maxOpenFor``. Open: a send that started
    /// before the circuit opened; counted, but the circuit stays as it is.
    public mutating func recordFailure(now: Date) {
        consecutiveFailures += 1
        switch state {
        case .closed:
            guard consecutiveFailures >= threshold else { return }
            openInterval = openFor
            open(now: now)
        case .halfOpen:
            openInterval = min(maxOpenFor, openInterval * 2)
            open(now: now)
        case .open:
            break
        }
    }

    /// When an open circuit lets its probe through; nil unless open.
    public var nextProbe: Date? {
        if case .open(let until) = state { until } else { nil }
    }

    /// `closed`, `open` or `half-open`, for logs and `herald status`.
    public var name: String {
        switch state {
        case .closed: "closed"
        case .open: "open"
        case .halfOpen: "half-open"
        }
    }

    private mutating func open(now: Date) {
        state = .open(until: now + openInterval)
        timesOpened += 1
        probeInFlight = false
    }
}

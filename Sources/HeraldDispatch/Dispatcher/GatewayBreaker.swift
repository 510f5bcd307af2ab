import Foundation
import HeraldCore
import Synchronization

/// One circuit breaker per gateway (adapter and endpoint), shared by every
/// queue that sends through it. Sendable: the breaker is behind a `Mutex`.
final class GatewayBreaker: Sendable {
    let key: String
    private let breaker: Mutex<CircuitBreaker>

    init(key: String, breaker: CircuitBreaker) {
        self.key = key
        self.breaker = Mutex(breaker)
    }

    /// How many sends may start now (0 while open; 1 probe when half-open).
    func permits(now: Date) -> Int { breaker.withLock { $0.permits(now: now) } }
    func started(_ count: Int) { breaker.withLock { $0.started(count) } }
    func recordSuccess(now: Date) { breaker.withLock { $0.recordSuccess(now: now) } }

    /// Records a gateway-wide failure; returns the time of the next probe
    /// when the breaker is (now) open.
    func recordFailure(now: Date) -> Date? {
        breaker.withLock {
            $0.recordFailure(now: now)
            return $0.nextProbe
        }
    }

    var snapshot: CircuitBreaker { breaker.withLock { $0 } }
}

import Foundation

/// Where Herald reads the time. Injected everywhere, so tests move time
/// forward by hand instead of sleeping.
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The real clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that only moves when told to, for tests and simulations.
///
/// `@unchecked Sendable`: the current time is guarded by `lock`.
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date(timeIntervalSince1970: 1_796_000_000)) {
        current = start
    }

    public func now() -> Date {
        lock.withLock { current }
    }

    public func advance(by interval: TimeInterval) {
        lock.withLock { current += interval }
    }

    public func set(_ date: Date) {
        lock.withLock { current = date }
    }
}

extension Date {
    /// Unix time in milliseconds, the unit Herald stores.
    public var unixMilliseconds: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded(.down))
    }

    public init(unixMilliseconds: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(unixMilliseconds) / 1000)
    }
}

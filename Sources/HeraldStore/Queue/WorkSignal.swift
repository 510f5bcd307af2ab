import Foundation
import HeraldCore

/// Wakes claim loops waiting on a queue when work arrives in this process.
///
/// `@unchecked Sendable`: `generations` and `subscribers` are guarded by `condition`'s lock.
final class WorkSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var generations: [String: UInt64] = [:]
    private var subscribers: [@Sendable (String) -> Void] = []

    func notify(_ queue: String) {
        condition.lock()
        generations[queue, default: 0] &+= 1
        condition.broadcast()
        let handlers = subscribers
        condition.unlock()
        for handler in handlers { handler(queue) }
    }

    /// Calls `handler` after every `notify`, outside the lock.
    func subscribe(_ handler: @escaping @Sendable (String) -> Void) {
        condition.lock()
        subscribers.append(handler)
        condition.unlock()
    }

    /// Waits for a `notify(queue)` after this call began, or `timeout` seconds.
    func wait(_ queue: String, timeout: TimeInterval) -> Bool {
        let deadline = Date(timeIntervalSinceNow: max(0, timeout))
        condition.lock()
        defer { condition.unlock() }
        let start = generations[queue, default: 0]
        while generations[queue, default: 0] == start {
            if !condition.wait(until: deadline) { return generations[queue, default: 0] != start }
        }
        return true
    }
}

/// Lease tokens and backoff jitter: a SplitMix64 stream, seeded from the
/// system generator unless a seed is given for reproducible tests.
/// (Tokens only tell one claim from another; they guard nothing secret.)
///
/// `@unchecked Sendable`: the generator is guarded by `lock`.
final class LockedRandom: @unchecked Sendable {
    private let lock = NSLock()
    private var generator: SeededGenerator

    init() {
        var system = SystemRandomNumberGenerator()
        generator = SeededGenerator(seed: system.next())
    }

    func reseed(_ seed: UInt64) { lock.withLock { generator = SeededGenerator(seed: seed) } }

    func withGenerator<T>(_ body: (inout SeededGenerator) -> T) -> T {
        lock.withLock { body(&generator) }
    }

    /// A positive 63-bit token, never 0.
    func nextToken() -> Int64 {
        withGenerator { Int64(bitPattern: $0.next() >> 1) | 1 }
    }
}

/// Queue names to ids, learned once per process (ids never change).
///
/// `@unchecked Sendable`: `ids` is guarded by `lock`.
final class QueueDirectory: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [String: Int64] = [:]

    func id(for name: String) -> Int64? { lock.withLock { ids[name] } }
    func remember(_ name: String, _ id: Int64) { lock.withLock { ids[name] = id } }
}

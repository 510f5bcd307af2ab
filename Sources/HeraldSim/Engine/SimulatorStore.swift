import Foundation

/// The simulator's state behind one lock.
///
/// `@unchecked Sendable`: `state` is read and written only inside
/// `withState`, which holds `lock`; the closure must not block or call
/// back into the store.
final class SimulatorStore: @unchecked Sendable {
    private let lock = NSLock()
    private var state: SimulatorState

    init(_ state: SimulatorState) {
        self.state = state
    }

    func withState<T>(_ body: (inout SimulatorState) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }
}

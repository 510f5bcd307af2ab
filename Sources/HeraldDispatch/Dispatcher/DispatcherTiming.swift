/// Who moves a dispatcher along.
public enum DispatcherTiming: Sendable, Hashable {
    /// Production: each worker group wakes itself with Dispatch timers when
    /// its next token, window or due job comes, and every second besides
    /// (work enqueued by another process).
    case automatic
    /// Tests and simulations on a `ManualClock`: nothing waits for time.
    /// Groups still react at once to enqueues and finished sends, but time-
    /// based wake-ups happen only when the driver calls `Dispatcher.tick()`
    /// after moving the clock.
    case manual
}

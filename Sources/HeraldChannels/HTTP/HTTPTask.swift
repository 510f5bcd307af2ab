import Synchronization

/// A handle on one in-flight request: cancel it, or let it finish.
///
/// Sendable: its only state is an atomic flag and the client reference.
public final class HTTPTask: Sendable {
    let cancelled = Atomic<Bool>(false)
    private weak let client: HTTPClient?
    let id: UInt64

    init(id: UInt64, client: HTTPClient?) {
        self.id = id
        self.client = client
    }

    /// Stops the exchange; its completion gets `.cancelled` unless it already
    /// finished. Safe to call from any thread, more than once.
    public func cancel() {
        guard !cancelled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        client?.requestCancellation(of: self)
    }

    public var isCancelled: Bool { cancelled.load(ordering: .acquiring) }
}

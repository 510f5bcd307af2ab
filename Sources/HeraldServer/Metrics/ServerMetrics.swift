import Synchronization

/// Counters the server keeps in memory for `/metrics`: what the dispatcher
/// and the database do not already know.
public final class ServerMetrics: Sendable {
    /// Callbacks received, by gateway ("kannel", "alibaba", "tencent",
    /// "webhook") and result ("ok", "rejected", "malformed", "error").
    private let callbacks = Mutex<[CallbackKey: Int]>([:])

    struct CallbackKey: Hashable, Sendable {
        var gateway: String
        var result: String
    }

    public init() {}

    public func recordCallback(gateway: String, result: String) {
        callbacks.withLock { $0[CallbackKey(gateway: gateway, result: result), default: 0] += 1 }
    }

    /// The callback counts so far, as (gateway, result, count), sorted.
    public func callbackCounts() -> [(gateway: String, result: String, count: Int)] {
        callbacks.withLock { counts in
            counts.map { ($0.key.gateway, $0.key.result, $0.value) }
                .sorted { ($0.gateway, $0.result) < ($1.gateway, $1.result) }
        }
    }
}

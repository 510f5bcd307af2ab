import Foundation
import HeraldCore
import HeraldHTTP

/// A loopback simulator of every gateway API Herald's adapters use (Kannel,
/// Alibaba Cloud SMS and voice, Tencent Cloud SMS and voice, WeChat
/// subscribe messages, a webhook receiver, a generic HTTP gateway), for
/// tests, the demo and benchmarks.
///
/// ```swift
/// let simulator = try GatewaySimulator(configuration: .init(seed: 7, callbackBaseURL: herald))
/// defer { simulator.stop() }
/// simulator.inject(.status429(retryAfter: 7), count: 1, gateway: .alibaba)
/// // point the adapters at simulator.baseURL …
/// #expect(simulator.duplicates().isEmpty)
/// ```
///
/// It listens from `init` until `stop()` on one `HTTPServer`; docs/SIMULATOR.md
/// lists the endpoints, answers, callbacks and knobs. Outcomes follow from
/// the seed and the order of requests; callbacks go to the base URL in each
/// gateway's format (`SimulatorCallbackRoutes`).
///
/// Sendable: the engine's store and callback dispatcher serialize their own
/// state; the server is Sendable; the rest is immutable.
public final class GatewaySimulator: Sendable {
    public let configuration: Configuration
    /// The port it listens on (the kernel's pick for port 0).
    public let port: UInt16
    private let engine: SimulatorEngine
    private let server: HTTPServer

    /// Starts listening; throws `.addressInUse` when the port is taken and
    /// `.invalidConfiguration` for out-of-range settings.
    public init(configuration: Configuration = Configuration()) throws(GatewaySimulatorError) {
        try configuration.validate()
        let engine = try SimulatorEngine(configuration: configuration)
        let server: HTTPServer
        do {
            server = try HTTPServer(configuration: HTTPServer.Configuration(
                host: configuration.host, port: configuration.port, threads: configuration.threads,
                connectionTimeoutSeconds: 300, logger: configuration.logger)) { request, responder in
                engine.handle(request, responder)
            }
        } catch {
            engine.dispatcher.stop()
            throw GatewaySimulatorError(code: error.code == .addressInUse ? .addressInUse
                                            : error.code == .invalidConfiguration ? .invalidConfiguration : .startFailed,
                                        message: error.message)
        }
        self.configuration = configuration
        self.engine = engine
        self.server = server
        port = server.port
    }

    deinit {
        stop()
    }

    /// `http://HOST:PORT`, where the adapters' endpoints point.
    public var baseURL: String {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
    }

    /// Stops listening (requests still waiting get 503), drops callbacks not
    /// yet sent and stops the callback client. Idempotent.
    public func stop() {
        server.stop()
        engine.releaseHeldRequests()
        engine.dispatcher.stop()
    }

    // MARK: Behaviour

    /// The behaviour in force now.
    public var behaviour: SimulatorBehaviour {
        engine.store.withState { $0.behaviour }
    }

    /// Changes the behaviour for requests from now on. A change that breaks
    /// a range (`SimulatorBehaviour.problems()`) is refused and the problems
    /// returned; empty when applied. `change` runs under the simulator's
    /// lock (so concurrent changes do not overwrite each other): it must
    /// not call back into the simulator.
    @discardableResult
    public func updateBehaviour(_ change: (inout SimulatorBehaviour) -> Void) -> [String] {
        engine.store.withState { state in
            var updated = state.behaviour
            change(&updated)
            let problems = updated.problems()
            guard problems.isEmpty else { return problems }
            let balanceChanged = state.behaviour.balance != updated.balance
            state.behaviour = updated
            if balanceChanged { state.resetBalances() }
            return []
        }
    }

    /// Answers the next `count` requests to `gateway` (any gateway when nil)
    /// with `fault`, ahead of any random fault. Injections queue in order.
    public func inject(_ fault: SimulatorFault, count: Int = 1, gateway: SimulatedGateway? = nil) {
        guard count > 0 else { return }
        engine.store.withState { $0.forcedFaults.append(.init(fault: fault, remaining: count, gateway: gateway)) }
    }

    /// Forgets injected faults not yet used.
    public func clearInjectedFaults() {
        engine.store.withState { $0.forcedFaults = [] }
    }

    /// Sets the remaining balance of `gateway` (every paid gateway when nil);
    /// nil for no limit.
    public func setBalance(_ balance: Int?, for gateway: SimulatedGateway? = nil) {
        engine.store.withState { state in
            for paid in SimulatedGateway.allCases where paid.hasBalance && (gateway == nil || gateway == paid) {
                state.balances[paid] = balance.map { max(0, $0) }
            }
        }
    }

    /// The remaining balance of `gateway`; nil for no limit.
    public func balance(for gateway: SimulatedGateway) -> Int? {
        engine.store.withState { $0.balances[gateway] }
    }

    /// Invalidates every WeChat access_token issued so far: sends with one
    /// get errcode 40001 until the client fetches a new token.
    public func expireAccessTokens() {
        engine.store.withState { state in
            for token in state.accessTokens.keys { state.accessTokens[token]?.invalidated = true }
        }
    }

    // MARK: Log and counts

    /// Gateway requests in arrival order (the most recent `maxRecords`).
    public func requests() -> [SimulatorRequestRecord] {
        engine.store.withState { $0.records }
    }

    /// Callback attempts in the order they finished (the most recent `maxRecords`).
    public func callbacks() -> [SimulatorCallbackRecord] {
        engine.store.withState { $0.callbackRecords }
    }

    public func stats() -> SimulatorStats {
        engine.stats()
    }

    /// Delivery ids whose message went out more than once, with how many
    /// times: duplicate sends, e.g. a retry after a timeout the gateway had
    /// in fact processed.
    public func duplicates() -> [String: Int] {
        engine.duplicates()
    }

    /// Waits until every scheduled callback has been sent and answered (or
    /// given up), or `timeout` passes; true when none is pending.
    @discardableResult
    public func waitForCallbacks(timeout: Duration) -> Bool {
        engine.dispatcher.waitUntilIdle(timeout: timeout)
    }

    /// Clears the log, the counts, the frequency limits, tokens, nonces,
    /// idempotency keys and injected faults, and restores the balances.
    /// The behaviour stays as it is.
    public func reset() {
        engine.store.withState { $0.reset() }
    }
}

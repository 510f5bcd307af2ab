import Foundation
import HeraldChannels
import HeraldCore

/// Sends the gateways' callbacks to Herald with HeraldChannels' `HTTPClient`,
/// each chain in order, each step after its delay.
///
/// Waits are on one serial queue (`asyncAfter`), exchanges on the client's
/// event loop; nothing blocks a thread. A failed Alibaba callback is tried
/// again after the plan's retry delays (Alibaba retries after 1, 5 and 10
/// minutes); the others are not, like Kannel's default.
///
/// `@unchecked Sendable`: `stopped` and `pending` are guarded by `condition`;
/// everything else is immutable or Sendable.
final class CallbackDispatcher: @unchecked Sendable {
    typealias Recorder = @Sendable (SimulatorCallbackRecord) -> Void

    private let client: HTTPClient
    private let clock: any WallClock
    private let timeScale: Double
    private let webhookSecret: [UInt8]
    private let timeout: Duration
    private let logger: Logger
    private let queue = DispatchQueue(label: "herald.sim.callbacks")
    private let record: Recorder
    private let condition = NSCondition()
    private var stopped = false
    private var pending = 0

    init(clock: any WallClock, timeScale: Double, webhookSecret: String, timeout: Duration, logger: Logger,
         record: @escaping Recorder) throws(HTTPClientError) {
        // No proxy: callbacks go to Herald on this machine or its network,
        // never through whatever http_proxy the environment sets.
        client = try HTTPClient(configuration: HTTPClient.Configuration(http2: false, userAgent: "HeraldSim",
                                                                        proxy: ""))
        self.clock = clock
        self.timeScale = timeScale
        self.webhookSecret = Array(webhookSecret.utf8)
        self.timeout = timeout
        self.logger = logger
        self.record = record
    }

    /// Starts one request's callbacks, in order.
    func schedule(_ chain: [CallbackPlan], requestSequence: Int) {
        guard !chain.isEmpty else { return }
        guard adjustPending(by: chain.count) else { return }
        step(chain, index: 0, attempt: 1, requestSequence: requestSequence)
    }

    /// Callbacks scheduled and not yet finished.
    var pendingCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return pending
    }

    /// Waits until no callback is pending, or `timeout` passes; true when idle.
    func waitUntilIdle(timeout: Duration) -> Bool {
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds)
                                                 + Double(timeout.components.attoseconds) / 1e18)
        condition.lock()
        defer { condition.unlock() }
        while pending > 0 && !stopped {
            if !condition.wait(until: deadline) { return pending == 0 }
        }
        return pending == 0
    }

    /// Drops callbacks not yet sent and shuts the client down (in-flight
    /// ones end as cancelled). Idempotent; must not be called from a callback.
    func stop() {
        condition.lock()
        let first = !stopped
        stopped = true
        condition.broadcast()
        condition.unlock()
        guard first else { return }
        client.shutdown()
    }

    // MARK: Steps

    private func step(_ chain: [CallbackPlan], index: Int, attempt: Int, requestSequence: Int) {
        let plan = chain[index]
        let simulated = attempt == 1 ? plan.delaySeconds : plan.retryDelaysSeconds[attempt - 2]
        queue.asyncAfter(deadline: .now() + max(0, simulated / timeScale)) { [self] in
            guard !isStopped else {
                finish(steps: chain.count - index)
                return
            }
            send(plan, attempt: attempt, requestSequence: requestSequence) { [self] succeeded in
                if !succeeded, attempt - 1 < plan.retryDelaysSeconds.count {
                    step(chain, index: index, attempt: attempt + 1, requestSequence: requestSequence)
                    return
                }
                finish(steps: 1)
                if index + 1 < chain.count {
                    step(chain, index: index + 1, attempt: 1, requestSequence: requestSequence)
                }
            }
        }
    }

    private func send(_ plan: CallbackPlan, attempt: Int, requestSequence: Int,
                      then next: @escaping @Sendable (Bool) -> Void) {
        var headers: [HTTPHeader] = []
        if plan.method == .post { headers.append(HTTPHeader("Content-Type", "application/json")) }
        let sentAt = clock.now()
        if plan.signed {
            do {
                headers += try WebhookSignature.headers(secret: webhookSecret,
                                                        timestamp: SimulatorTime.unixSeconds(sentAt),
                                                        body: plan.body)
            } catch {
                logger.error("cannot sign a sign-up callback", ["error": "\(error)"])
            }
        }
        let request = HTTPRequest(method: plan.method, url: plan.url, headers: headers, body: plan.body,
                                  connectTimeout: min(.seconds(5), timeout), timeout: timeout)
        client.execute(request) { [self] result in
            var entry = SimulatorCallbackRecord(requestSequence: requestSequence, kind: plan.kind,
                                                url: request.redactedURL, deliveryID: plan.deliveryID,
                                                attempt: attempt, status: nil, error: nil, time: sentAt)
            switch result {
            case .success(let response): entry.status = response.status
            case .failure(let error): entry.error = error.kind.rawValue
            }
            if !entry.succeeded {
                logger.info("callback to Herald failed", ["kind": .string(plan.kind.rawValue),
                                                          "result": .string(entry.resultLabel),
                                                          "attempt": .int(attempt)])
            }
            record(entry)
            next(entry.succeeded)
        }
    }

    private var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    /// Adds to the pending count; false (and nothing added) once stopped.
    private func adjustPending(by steps: Int) -> Bool {
        condition.lock()
        guard !stopped else {
            condition.unlock()
            return false
        }
        pending += steps
        condition.unlock()
        return true
    }

    private func finish(steps: Int) {
        condition.lock()
        pending -= steps
        condition.broadcast()
        condition.unlock()
    }
}

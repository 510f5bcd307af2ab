import Dispatch
import Foundation
import HeraldChannels
import HeraldCore
import HeraldStore

/// The workers of one queue: a claim loop on a serial DispatchQueue that
/// asks the limiters how much may start, claims that many due jobs (with the
/// send-time checks in the same transaction), renders and hands the sends to
/// the queue's channel, and turns each outcome into a `SendResult` for the
/// group commit.
///
/// No thread waits on a send: the channel starts it on the shared
/// `HTTPClient` and calls back, so a handful of threads keep hundreds of
/// sends in flight. Limiters, in the order they are asked: the queue's
/// sending window, the gateway's circuit breaker, the concurrency cap, the
/// token bucket; then per job the resident's quiet hours and frequency caps.
///
/// `@unchecked Sendable`: every mutable field is touched only on `queue`.
final class WorkerGroup: @unchecked Sendable {
    let configuration: QueueConfiguration
    let channel: any Channel
    private let jobs: JobQueue
    private let committer: GroupCommitter
    private let breaker: GatewayBreaker
    private let builder: MessageBuilder
    private let checks: ResidentChecks
    private let timing: DispatcherTiming
    private let log: Logger
    private let progress: ProgressCounter
    let queue: DispatchQueue

    private var bucket: TokenBucket
    private var random: SeededGenerator
    private var phase = Phase.running
    private var wakePending = false
    private var timerDeadline: Date?
    private var inFlight: [Int64: Lease] = [:]
    private var counters = QueueActivity.Counters()
    private var waiting: QueueActivity.Waiting = .idle
    private var paused: String?
    private var idleWaiters: [@Sendable () -> Void] = []

    enum Phase { case running, draining, stopped }

    init(configuration: QueueConfiguration, channel: any Channel, jobs: JobQueue, committer: GroupCommitter,
         breaker: GatewayBreaker, templates: TemplateCatalog, timing: DispatcherTiming, seed: UInt64, progress: ProgressCounter, logger: Logger) {
        self.progress = progress
        self.configuration = configuration
        self.channel = channel
        self.jobs = jobs
        self.committer = committer
        self.breaker = breaker
        self.builder = MessageBuilder(templates: templates)
        self.checks = ResidentChecks(window: configuration.sendWindow, caps: configuration.caps)
        self.timing = timing
        self.log = logger
        self.queue = DispatchQueue(label: "herald.dispatch.\(configuration.name)")
        self.bucket = TokenBucket(rate: configuration.rate, burst: configuration.burst, now: jobs.clock.now())
        self.random = SeededGenerator(seed: seed)
    }

    var name: String { configuration.name }

    // MARK: Waking

    /// Makes sure a claim cycle runs soon (coalesced).
    func kick() {
        queue.async { self.scheduleCycle() }
    }

    private func scheduleCycle() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !wakePending, phase == .running else { return }
        wakePending = true
        queue.async { self.cycle() }
    }

    /// In automatic timing, runs a cycle at `date` (by the injected clock),
    /// and at least every second so work from other processes is seen.
    private func wake(at date: Date?) {
        guard timing == .automatic, phase == .running else { return }
        let now = jobs.clock.now()
        let target = min(date ?? now + 1, now + 1)
        if let existing = timerDeadline, existing <= target, existing > now { return }
        timerDeadline = target
        let delay = max(0.001, target.timeIntervalSince(now))
        queue.asyncAfter(deadline: .now() + delay) {
            if self.timerDeadline == target { self.timerDeadline = nil }
            self.scheduleCycle()
        }
    }

    // MARK: The claim cycle

    private func cycle() {
        wakePending = false
        defer { notifyIfIdle() }
        guard phase == .running else { return }
        let now = jobs.clock.now()
        if !configuration.sendWindow.contains(now) {
            let opening = configuration.sendWindow.nextOpening(atOrAfter: now)
            waiting = .sendWindow(until: opening)
            wake(at: opening)
            return
        }
        let permits = breaker.permits(now: now)
        if permits == 0 {
            let probe = breaker.snapshot.nextProbe
            waiting = .circuitOpen(until: probe)
            wake(at: probe)
            return
        }
        let free = configuration.concurrency - inFlight.count
        if free <= 0 {
            waiting = .concurrency
            counters.concurrencyWaits += 1
            return  // a finishing send wakes the group
        }
        let tokens = bucket.available(now: now)
        if tokens == 0 {
            let next = bucket.nextAvailable(now: now)
            waiting = .rate(until: next)
            counters.rateWaits += 1
            wake(at: next)
            return
        }
        let limit = min(free, tokens, configuration.batch, permits)
        let claimed: ClaimedSends
        do {
            claimed = try committer.claimSends(queue: name, limit: limit, leaseFor: configuration.leaseSeconds) {
                context, db, now in try checks.check(context, db: db, now: now)
            }
        } catch {
            log.error("claim failed; retrying in a second", ["queue": .string(name), "error": "\(error)"])
            waiting = .error(String(describing: error))
            wake(at: now + 1)
            return
        }
        counters.record(claimed)
        if claimed.claimed > 0 { progress.bump() }
        let started = bucket.take(upTo: claimed.sends.count, now: now)
        if started < claimed.sends.count {
            log.warning("token bucket granted fewer sends than it had tokens", ["queue": .string(name)])
        }
        breaker.started(claimed.sends.count)
        for send in claimed.sends { start(send) }
        if claimed.claimed == limit {
            waiting = .none
            scheduleCycle()
        } else if claimed.claimed == 0 {
            refreshIdleState(now: now)
        } else {
            waiting = .idle
            wake(at: nil)
        }
    }

    /// Nothing was due: find out why (paused?) and when the next job is.
    private func refreshIdleState(now: Date) {
        paused = (try? jobs.pausedReason(queue: name)) ?? nil
        if let paused {
            waiting = .paused(paused)
            wake(at: nil)
            return
        }
        let next = try? jobs.nextDue(queue: name)
        waiting = .idle
        wake(at: next.flatMap { $0 })
    }

    // MARK: Sends

    private func start(_ send: ClaimedSend) {
        let message: OutboundMessage
        do {
            message = try builder.message(for: send, adapter: configuration.adapter, kind: configuration.channel)
        } catch {
            // A template that cannot make this message never will: the plan moves on.
            record(SendResult(send, .failed(reason: "template: \(error.message)"), gateway: configuration.adapter),
                   outcome: "template_error")
            return
        }
        inFlight[send.job.id] = send.job.lease
        let began = jobs.clock.now()
        channel.send(message) { outcome in
            self.queue.async { self.finish(send, outcome, began: began) }
        }
    }

    private func finish(_ send: ClaimedSend, _ outcome: SendOutcome, began: Date) {
        inFlight[send.job.id] = nil
        progress.bump()
        let now = jobs.clock.now()
        counters.latency.record(now.timeIntervalSince(began))
        let result: SendResult.Outcome
        switch outcome {
        case .accepted(let gatewayID):
            breaker.recordSuccess(now: now)
            counters.enqueueToAccepted.record(now.timeIntervalSince(send.job.enqueuedAt))
            counters.dueToAccepted.record(now.timeIntervalSince(send.job.runAt))
            result = .accepted(gatewayID: gatewayID)
        case .permanent(let reason):
            // The gateway answered sensibly: it is up.
            breaker.recordSuccess(now: now)
            result = .failed(reason: reason)
        case .retry(let after, let reason):
            if let probe = breaker.recordFailure(now: now) {
                // The gateway is down: wait for it without using up attempts.
                result = .snooze(until: max(probe, now + (after.map(\.seconds) ?? 0)), reason: reason)
            } else {
                result = retry(send, reason: reason, after: after.map(\.seconds), now: now)
            }
        case .rateLimited(let after, let reason):
            // Pacing, not failure: hold the bucket and try again without using an attempt.
            let pause = after.map(\.seconds) ?? max(1, 1 / configuration.rate)
            bucket.hold(until: now + pause)
            result = .snooze(until: now + pause, reason: reason)
        case .gatewayFailure(let reason):
            pause(because: reason, now: now)
            result = .snooze(until: now + 60, reason: reason)
        }
        record(SendResult(send, result, gateway: configuration.adapter), outcome: outcome.name)
        scheduleCycle()
        notifyIfIdle()
    }

    /// A transient failure: back off (the gateway's Retry-After wins), or
    /// give the step up once the queue's attempts are used.
    private func retry(_ send: ClaimedSend, reason: String, after: TimeInterval?, now: Date) -> SendResult.Outcome {
        let attempts = min(send.job.maxAttempts, configuration.retry.maxAttempts)
        if send.job.attempt >= attempts {
            return .failed(reason: "gave up after \(send.job.attempt) attempts: \(reason)")
        }
        let delay = configuration.retry.delay(afterAttempt: send.job.attempt, retryAfter: after, using: &random)
        return .retry(error: reason, after: delay)
    }

    private func record(_ result: SendResult, outcome: String) {
        counters.outcomes[outcome, default: 0] += 1
        committer.submit(results: [result])
    }

    /// Bad credentials, no balance: nothing on this gateway works until an
    /// operator acts. The pause persists (`herald queue resume` lifts it).
    private func pause(because reason: String, now: Date) {
        guard paused == nil else { return }
        paused = reason
        waiting = .paused(reason)
        log.error("queue paused: the gateway refused every send", ["queue": .string(name), "reason": .string(reason)])
        do {
            try jobs.pause(queue: name, reason: "gateway failure: \(reason)", now: now)
        } catch {
            log.error("could not record the pause", ["queue": .string(name), "error": "\(error)"])
        }
    }

    // MARK: Driving, status, shutdown

    /// Runs a cycle now if none is pending (manual timing: after the clock moved).
    func tick() {
        queue.async { self.scheduleCycle() }
    }

    /// Calls `done` (on the group's queue) once no send is in flight and no cycle is pending.
    func whenIdle(_ done: @escaping @Sendable () -> Void) {
        queue.async {
            self.idleWaiters.append(done)
            self.notifyIfIdle()
        }
    }

    private func notifyIfIdle() {
        guard inFlight.isEmpty, !wakePending, !idleWaiters.isEmpty else { return }
        let waiters = idleWaiters
        idleWaiters = []
        for waiter in waiters { waiter() }
    }

    /// Stops claiming; in-flight sends still finish and report.
    func drain() {
        queue.sync { phase = .draining }
    }

    /// Leases of sends still in flight (for heartbeats, and for handing
    /// back at a shutdown deadline).
    var heldLeases: [Lease] { queue.sync { Array(inFlight.values) } }

    var inFlightCount: Int { queue.sync { inFlight.count } }

    func activity(now: Date) -> QueueActivity {
        queue.sync {
            QueueActivity(queue: name, channel: configuration.channel.rawValue, adapter: configuration.adapter,
                          rate: configuration.rate, burst: configuration.burst, tokens: bucket.available(now: now),
                          concurrency: configuration.concurrency, inFlight: inFlight.count,
                          sendWindow: configuration.sendWindow.description,
                          windowOpen: configuration.sendWindow.contains(now),
                          circuit: breaker.snapshot.name, circuitOpens: breaker.snapshot.timesOpened,
                          circuitNextProbe: breaker.snapshot.nextProbe, waiting: waiting, counters: counters,
                          updatedAt: now)
        }
    }
}

extension Duration {
    var seconds: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}

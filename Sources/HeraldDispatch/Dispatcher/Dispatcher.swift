import Dispatch
import Foundation
import HeraldChannels
import HeraldCore
import HeraldStore
import Synchronization

/// Runs Herald's sending: one `WorkerGroup` per queue file, the
/// `Housekeeper`'s chores, and the receipt side's escalation
/// (`ReceiptProcessor`). Start, run and stop happen here, in one place:
/// `start()` rescues leases left by a previous process and wakes every
/// group; `stop(deadline:)` stops claiming, lets the sends in flight
/// finish, commits their outcomes and hands back what did not finish.
///
/// `@unchecked Sendable`: immutable after init except `started`, which is
/// behind a `Mutex`.
public final class Dispatcher: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var queues: QueueCatalog
        public var templates: TemplateCatalog
        /// Where credentials are read (the process environment in production).
        public var environment: [String: String]
        public var timing: DispatcherTiming
        /// Only these queues run (nil: every queue in the catalog).
        public var enabledQueues: Set<String>?
        /// How long before an activity its reminder goes out.
        public var reminderOffset: TimeInterval
        public var reminderTemplate: String
        /// Residents per fan-out transaction.
        public var fanoutChunk: Int
        /// Seeds the retry jitter (tests and simulations).
        public var seed: UInt64?

        public init(queues: QueueCatalog, templates: TemplateCatalog, environment: [String: String],
                    timing: DispatcherTiming = .automatic, enabledQueues: Set<String>? = nil,
                    reminderOffset: TimeInterval = 24 * 3600, reminderTemplate: String = "activity-reminder",
                    fanoutChunk: Int = 2_000, seed: UInt64? = nil) {
            self.queues = queues
            self.templates = templates
            self.environment = environment
            self.timing = timing
            self.enabledQueues = enabledQueues
            self.reminderOffset = reminderOffset
            self.reminderTemplate = reminderTemplate
            self.fanoutChunk = fanoutChunk
            self.seed = seed
        }
    }

    /// What `stop` found.
    public struct ShutdownReport: Sendable, Hashable {
        /// Sends that finished while draining.
        public var drained = 0
        /// Sends still in flight at the deadline, whose jobs were handed
        /// back to run again (the gateway may have taken them).
        public var handedBack = 0
    }

    public let configuration: Configuration
    public let jobs: JobQueue
    public let committer: GroupCommitter
    public let receipts: ReceiptProcessor
    let groups: [WorkerGroup]
    let housekeeper: Housekeeper
    /// Queues left out because their channel could not be built (when no
    /// queue was named explicitly): name → why.
    public let skippedQueues: [String: String]
    private let log: Logger
    private let started = Mutex(false)
    let progress = ProgressCounter()

    /// Builds a worker group for every enabled queue, with its channel from
    /// `ChannelFactory` (credentials from `configuration.environment`).
    /// Throws the first queue whose channel cannot be built, naming it.
    public init(configuration: Configuration, jobs: JobQueue, transport: any HTTPTransport,
                factory: ChannelFactory = ChannelFactory(), logger: Logger = Logger(label: "dispatch")) throws {
        self.configuration = configuration
        self.jobs = jobs
        self.log = logger
        committer = GroupCommitter(queue: jobs)
        receipts = ReceiptProcessor(queue: jobs, queues: configuration.queues)
        var breakers: [String: GatewayBreaker] = [:]
        var groups: [WorkerGroup] = []
        var skipped: [String: String] = [:]
        var seeds = SeededGenerator(seed: configuration.seed ?? UInt64.random(in: .min ... .max))
        for queue in configuration.queues.queues {
            if let enabled = configuration.enabledQueues, !enabled.contains(queue.name) { continue }
            let channel: any Channel
            do {
                channel = try factory.makeChannel(queueName: queue.name, adapter: queue.adapter, gateway: queue.gateway,
                                                  environment: configuration.environment, transport: transport,
                                                  clock: jobs.clock, channel: queue.channel)
            } catch {
                // Named queues must run; otherwise a queue without its credentials is left out.
                guard configuration.enabledQueues == nil else { throw error }
                skipped[queue.name] = error.description
                continue
            }
            let breaker = breakers[queue.gatewayKey] ?? GatewayBreaker(key: queue.gatewayKey, breaker: queue.makeBreaker())
            breakers[queue.gatewayKey] = breaker
            groups.append(WorkerGroup(configuration: queue, channel: channel, jobs: jobs, committer: committer,
                                      breaker: breaker, templates: configuration.templates, timing: configuration.timing,
                                      seed: seeds.next(), progress: progress, logger: logger))
        }
        if let enabled = configuration.enabledQueues {
            let unknown = enabled.subtracting(configuration.queues.queues.map(\.name))
            if let name = unknown.sorted().first {
                throw QueueConfigurationError(.invalidValue, "no queue file defines the queue \"\(name)\"", key: "queues")
            }
        }
        self.groups = groups
        self.skippedQueues = skipped
        let reminders = Reminders(jobs: jobs, offset: configuration.reminderOffset,
                                  template: configuration.reminderTemplate, log: logger)
        let snapshot = groups
        housekeeper = Housekeeper(
            jobs: jobs, reminders: reminders, fanoutChunk: configuration.fanoutChunk, intervals: .init(),
            heldLeases: { snapshot.flatMap { group in group.heldLeases.map { ($0, group.configuration.leaseSeconds) } } },
            logger: logger)
        housekeeper.activity = { [weak self] in self?.activity() ?? [] }
    }

    /// The queues this dispatcher sends through.
    public var queueNames: [String] { groups.map(\.name) }

    /// Starts every group and the housekeeping. Safe to call once.
    public func start() {
        let first = started.withLock { started -> Bool in
            defer { started = true }
            return !started
        }
        guard first else { return }
        let byName = Dictionary(uniqueKeysWithValues: groups.map { ($0.name, $0) })
        jobs.onWork { [housekeeper] queue in
            if let group = byName[queue] { group.kick() } else if queue == Reminders.queueName { housekeeper.kick() }
        }
        do {
            let rescued = try jobs.rescueExpiredLeases()
            if rescued.requeued + rescued.dead > 0 {
                log.notice("took back jobs a previous process left running",
                           ["requeued": .int(rescued.requeued), "dead": .int(rescued.dead)])
            }
        } catch {
            log.error("could not rescue expired leases at start", ["error": "\(error)"])
        }
        if configuration.timing == .automatic {
            housekeeper.startTimer(period: 1)
        } else {
            housekeeper.runNow()
        }
        for group in groups { group.kick() }
        log.info("dispatcher started", ["queues": .string(queueNames.joined(separator: ","))])
    }

    /// A broadcast was created: fan it out soon.
    public func broadcastCreated() {
        housekeeper.kick()
    }

    /// Manual timing: after moving the clock, run the due chores and a claim
    /// cycle in every group.
    public func tick() {
        housekeeper.runNow()
        for group in groups { group.tick() }
    }

    /// Waits until nothing is in flight, no cycle is pending and every
    /// outcome is committed, and stays so (new work started by commits,
    /// such as escalations due now, is run too). Returns false on timeout.
    @discardableResult
    public func settle(timeout: TimeInterval = 30) -> Bool {
        let deadline = Date() + timeout
        var quiet = 0
        while Date() < deadline {
            let before = (committer.applied, progress.value)
            for group in groups {
                let done = DispatchSemaphore(value: 0)
                group.whenIdle { done.signal() }
                guard done.wait(timeout: .now() + max(0, deadline.timeIntervalSinceNow)) == .success else { return false }
            }
            do { try committer.flush() } catch { return false }
            housekeeper.runNow()
            for group in groups { group.tick() }
            if committer.applied == before.0, progress.value == before.1, groups.allSatisfy({ $0.inFlightCount == 0 }) {
                quiet += 1
                if quiet >= 2 { return true }
            } else {
                quiet = 0
            }
        }
        return false
    }

    /// Graceful shutdown: stop claiming, wait up to `deadline` seconds for
    /// the sends in flight, commit every outcome, then hand back the jobs of
    /// sends still unfinished so the next start sends them.
    @discardableResult
    public func stop(deadline: TimeInterval) -> ShutdownReport {
        var report = ShutdownReport()
        housekeeper.stop()
        let inFlight = groups.reduce(0) { $0 + $1.inFlightCount }
        for group in groups { group.drain() }
        let until = DispatchTime.now() + max(0, deadline)
        for group in groups {
            let done = DispatchSemaphore(value: 0)
            group.whenIdle { done.signal() }
            _ = done.wait(timeout: until)
        }
        do { try committer.flush() } catch {
            log.error("could not commit the last outcomes; their jobs will be rescued", ["error": "\(error)"])
        }
        let leftover = groups.flatMap(\.heldLeases)
        report.handedBack = leftover.count
        report.drained = max(0, inFlight - leftover.count)
        if !leftover.isEmpty {
            let now = jobs.clock.now()
            do {
                try jobs.complete(leftover.map { Completion($0, .snooze(until: now)) }, now: now)
            } catch {
                log.error("could not hand back unfinished jobs; their leases will expire and be rescued",
                          ["jobs": .int(leftover.count), "error": "\(error)"])
            }
        }
        log.info("dispatcher stopped", ["drained": .int(report.drained), "handed_back": .int(report.handedBack)])
        return report
    }

    /// Every group's limiters and counters.
    public func activity() -> [QueueActivity] {
        let now = jobs.clock.now()
        return groups.map { $0.activity(now: now) }
    }
}

/// Counts claims and finished sends across groups, so `settle` can tell
/// "quiet" from "between two steps". Sendable: behind a `Mutex`.
final class ProgressCounter: Sendable {
    private let count = Mutex(0)
    func bump() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

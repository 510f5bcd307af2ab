import Dispatch
import Foundation
import HeraldCore
import HeraldStore

/// The dispatcher's background chores, on one serial queue: fan out new
/// broadcasts, create due reminders, rescue expired leases, heartbeat the
/// leases of sends in flight, mark finished broadcasts done, prune.
///
/// Each chore runs when its interval (by the injected clock) has passed.
/// `@unchecked Sendable`: the `last` times are touched only on `queue`.
final class Housekeeper: @unchecked Sendable {
    struct Intervals: Sendable {
        var rescue: TimeInterval = 15
        var heartbeat: TimeInterval = 10
        var finish: TimeInterval = 5
        var prune: TimeInterval = 3600
    }

    let queue = DispatchQueue(label: "herald.dispatch.housekeeping")
    private let jobs: JobQueue
    private let reminders: Reminders
    private let fanoutChunk: Int
    private let intervals: Intervals
    private let heldLeases: @Sendable () -> [(lease: Lease, leaseFor: TimeInterval)]
    /// The groups' status, written for `herald status` every second.
    var activity: @Sendable () -> [QueueActivity] = { [] }
    private let log: Logger
    private var last: [String: Date] = [:]
    private var stopped = false

    init(jobs: JobQueue, reminders: Reminders, fanoutChunk: Int, intervals: Intervals,
         heldLeases: @escaping @Sendable () -> [(lease: Lease, leaseFor: TimeInterval)], logger: Logger) {
        self.jobs = jobs
        self.reminders = reminders
        self.fanoutChunk = fanoutChunk
        self.intervals = intervals
        self.heldLeases = heldLeases
        self.log = logger
    }

    /// Runs every chore that is due, now, and waits for it.
    func runNow() {
        queue.sync { runChores() }
    }

    /// Runs the chores every `period` seconds of real time until `stop`.
    func startTimer(period: TimeInterval) {
        queue.async { self.repeatEvery(period) }
    }

    private func repeatEvery(_ period: TimeInterval) {
        guard !stopped else { return }
        runChores()
        queue.asyncAfter(deadline: .now() + period) { self.repeatEvery(period) }
    }

    /// Runs the chores soon (a broadcast was created).
    func kick() {
        queue.async { self.runChores() }
    }

    func stop() {
        queue.sync { stopped = true }
    }

    private func due(_ chore: String, every interval: TimeInterval, now: Date) -> Bool {
        if let previous = last[chore], now.timeIntervalSince(previous) < interval, now >= previous { return false }
        last[chore] = now
        return true
    }

    private func runChores() {
        guard !stopped else { return }
        let now = jobs.clock.now()
        attempt("reminders") { try reminders.runDue() }
        attempt("fan-out") { try fanOutPending() }
        if due("rescue", every: intervals.rescue, now: now) {
            attempt("rescue") {
                let rescued = try jobs.rescueExpiredLeases(now: now)
                if rescued.requeued + rescued.dead > 0 {
                    log.warning("rescued jobs whose worker stopped", ["requeued": .int(rescued.requeued),
                                                                       "dead": .int(rescued.dead)])
                }
            }
        }
        if due("heartbeat", every: intervals.heartbeat, now: now) {
            attempt("heartbeat") {
                let held = heldLeases()
                for (leaseFor, group) in Dictionary(grouping: held, by: \.leaseFor) {
                    try jobs.heartbeat(group.map(\.lease), leaseFor: leaseFor, now: now)
                }
            }
        }
        if due("finish", every: intervals.finish, now: now) {
            attempt("finish broadcasts") { try finishBroadcasts(now: now) }
        }
        if due("status", every: 1, now: now) {
            attempt("status") {
                let encoder = JSONEncoder()
                encoder.dateEncodingStrategy = .millisecondsSince1970
                let snapshots = try activity().map { ($0.queue, String(decoding: try encoder.encode($0), as: UTF8.self)) }
                guard !snapshots.isEmpty else { return }
                try jobs.writer.write { db in try RuntimeStore.save(snapshots, at: now.unixMilliseconds, db: db) }
            }
        }
        if due("prune", every: intervals.prune, now: now) {
            attempt("prune") { try jobs.pruneSucceeded(finishedBefore: now - 24 * 3600) }
        }
    }

    private func attempt(_ chore: String, _ body: () throws -> Void) {
        do {
            try body()
        } catch {
            log.error("housekeeping failed; it runs again on the next round", ["chore": .string(chore),
                                                                                "error": "\(error)"])
        }
    }

    /// Fans out every broadcast that is scheduled or was interrupted
    /// mid-fan-out (a restart resumes it), then schedules invitations' reminders.
    private func fanOutPending() throws {
        let pending = try jobs.readers.read { db in
            try db.cached("""
                SELECT id FROM broadcasts WHERE state IN ('scheduled', 'fanning_out') ORDER BY priority, id LIMIT 20
                """).rows([]) { $0.int64(0) }
        }
        for id in pending {
            let result = try Fanout(queue: jobs, chunk: fanoutChunk).run(broadcast: id)
            log.info("broadcast fanned out", ["broadcast": .int(Int(id)), "queued": .int(result.queued),
                                              "unreachable": .int(result.unreachable), "opted_out": .int(result.optedOut)])
            if let broadcast = try jobs.readers.read({ db in try BroadcastStore.find(id: id, db: db) }) {
                try reminders.schedule(after: broadcast)
            }
        }
    }

    /// A broadcast is done once no delivery waits for a first send and no
    /// job of it is pending or running (retries, escalations, re-calls).
    private func finishBroadcasts(now: Date) throws {
        let sending = try jobs.readers.read { db in
            try db.cached("SELECT id FROM broadcasts WHERE state = 'sending' ORDER BY id LIMIT 100").rows([]) { $0.int64(0) }
        }
        for id in sending {
            try jobs.writer.write { db in
                let queued = try db.scalarInt("SELECT count(*) FROM deliveries WHERE broadcast_id = ? AND state = 0", [id]) ?? 0
                guard queued == 0 else { return }
                let open = try db.scalarInt("SELECT count(*) FROM jobs WHERE group_id = ? AND state IN (0, 1)", [id]) ?? 0
                guard open == 0 else { return }
                try db.cached("UPDATE broadcasts SET state = 'done' WHERE id = ? AND state = 'sending'").execute([id])
            }
        }
    }
}

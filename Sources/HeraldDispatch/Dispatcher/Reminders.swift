import Foundation
import HeraldCore
import HeraldStore

/// Activity reminders: a reminder broadcast to the residents signed up for
/// an activity, a configured time before it starts.
///
/// When an invitation's fan-out finishes, a job goes to the reminders queue
/// due at `startsAt - offset` (its unique key is the activity, so several
/// invitations to one activity make one reminder). Jobs survive restarts
/// like any other. When it comes due, the reminder broadcast is created,
/// addressed to the residents signed up at that moment, through the
/// invitation's channels without confirmation windows (a reminder moves to
/// the next channel only when one fails), and fanned out like any broadcast.
struct Reminders: Sendable {
    static let queueName = "herald.reminders"

    let jobs: JobQueue
    let offset: TimeInterval
    let template: String
    let log: Logger

    /// Schedules the reminder for the activity an invitation invites to;
    /// nothing when the activity has no start time or has already started.
    func schedule(after invitation: Broadcast) throws {
        guard invitation.kind == .invitation, let activityID = invitation.activityID else { return }
        let activities = ActivityStore(writer: jobs.writer, readers: jobs.readers, clock: jobs.clock)
        guard let activity = try activities.activity(activityID), let startsAt = activity.startsAt else { return }
        let now = jobs.clock.now()
        guard startsAt > now else { return }
        let due = max(now, startsAt - offset)
        try jobs.enqueue([NewJob(queue: Self.queueName, payload: Self.payload(invitation.id),
                                 priority: invitation.priority.jobPriority, runAt: due, maxAttempts: 5,
                                 uniqueKey: "reminder-activity-\(activityID)", committee: invitation.committeeID)])
    }

    /// Creates the reminder broadcasts that are due; returns how many.
    @discardableResult
    func runDue() throws -> Int {
        let claimed = try jobs.claim(queue: Self.queueName, limit: 20, leaseFor: 60)
        var created = 0
        var completions: [Completion] = []
        for job in claimed {
            do {
                if try createReminder(invitation: Self.broadcastID(job.payload)) { created += 1 }
                completions.append(Completion(job.lease, .succeeded))
            } catch {
                log.error("could not create an activity reminder", ["job": .int(Int(job.id)), "error": "\(error)"])
                completions.append(Completion(job.lease, .retry(error: "\(error)", retryAfter: 60)))
            }
        }
        try jobs.complete(completions)
        return created
    }

    private func createReminder(invitation id: Int64) throws -> Bool {
        let now = jobs.clock.now()
        return try jobs.writer.write { db in
            guard let invitation = try BroadcastStore.find(id: id, db: db), invitation.state != .cancelled,
                  let activity = invitation.activityID else { return false }
            let starts = try db.scalarInt("SELECT starts_at FROM activities WHERE id = ?", [activity])
            if let starts, starts <= now.unixMilliseconds { return false }
            let residents = try db.cached("""
                SELECT resident_id FROM signups WHERE activity_id = ?1 AND state = 1 ORDER BY resident_id
                """).rows([activity]) { $0.int64(0) }
            guard !residents.isEmpty else { return false }
            let plan = ChannelPlan(steps: invitation.plan.steps.map {
                ChannelPlan.Step(channel: $0.channel, queue: $0.queue)
            })
            _ = try BroadcastStore.create(
                NewBroadcast(committeeID: invitation.committeeID, kind: .reminder, template: template,
                             variables: invitation.variables, audience: .residents(residents), plan: plan,
                             activityID: activity, priority: invitation.priority,
                             idempotencyKey: "reminder-activity-\(activity)"),
                at: now.unixMilliseconds, db: db)
            return true
        }
    }

    static func payload(_ broadcast: Int64) -> Data {
        withUnsafeBytes(of: broadcast.bigEndian) { Data($0) }
    }

    static func broadcastID(_ payload: Data) throws -> Int64 {
        guard payload.count == 8 else { throw QueueError.invalidJob("a reminder job carries an 8-byte broadcast id") }
        return payload.reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }
}

import Foundation
import HeraldCore

/// Everything a send job needs at send time, read in one place.
public struct SendContext: Sendable, Hashable {
    public var deliveryID: Int64
    public var broadcastID: Int64
    public var committeeID: Int64
    public var committeeName: String
    public var kind: BroadcastKind
    public var template: String
    public var variables: [String: String]
    public var step: Int
    public var channel: String
    public var queue: String
    public var activityID: Int64?
    public var residentID: Int64
    public var residentName: String
    public var phone: PhoneNumber?
    public var openID: String?
    /// The resident's own do-not-disturb span (minutes after midnight), if any.
    public var quietStart: Int?
    public var quietEnd: Int?
    /// The broadcast's channel plan (the step after this one, its window).
    public var plan: ChannelPlan

    /// The resident's do-not-disturb span, when one is on record and valid.
    public var residentQuiet: QuietHoursOverride? {
        guard let start = quietStart, let end = quietEnd else { return nil }
        return try? QuietHoursOverride(startMinute: start, endMinute: end % (24 * 60))
    }
}

/// What to do with a claimed send job.
public enum SendDecision: Sendable, Hashable {
    case send(SendContext)
    /// Do not send this step: why, and the plan's next step that can still
    /// reach the resident (nil: none; the delivery is done).
    case skip(reason: String, nextStep: Int?)
}

/// The checks made again at send time, because the world changed since
/// fan-out: the resident opted out, the broadcast was cancelled, the delivery
/// was confirmed, the activity filled.
public enum SendPreparation {
    static let cancelledReason = "the broadcast was cancelled"
    static let activityFullReason = "the activity is full"

    public static func prepare(_ job: DeliveryJob, db: Database) throws -> SendDecision {
        guard let row = try db.cached("""
            SELECT d.state, d.broadcast_id, d.committee_id, c.name, b.kind, b.template, b.variables, b.plan, b.state,
                   b.activity_id, r.id, r.name, r.phone, r.openid, r.voice_ok, r.quiet_start, r.quiet_end,
                   (SELECT group_concat(o.channel) FROM opt_outs o WHERE o.resident_id = r.id),
                   (SELECT a.signed_up >= a.capacity FROM activities a WHERE a.id = b.activity_id), d.step
            FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id JOIN committees c ON c.id = d.committee_id
                 JOIN residents r ON r.id = d.resident_id
            WHERE d.id = ?
            """).firstRow([job.deliveryID], Row.init) else {
            return .skip(reason: "the delivery no longer exists", nextStep: nil)
        }
        if row.broadcastState == "cancelled" { return .skip(reason: cancelledReason, nextStep: nil) }
        guard let state = DeliveryState(rawValue: row.state), !state.isFinal else {
            return .skip(reason: "the delivery is already confirmed or cancelled", nextStep: nil)
        }
        let plan = try JSONValueDecoding.plan(row.plan)
        guard plan.steps.indices.contains(job.step) else { return .skip(reason: "the plan has no step \(job.step + 1)", nextStep: nil) }
        if row.kind == .invitation, row.activityFull {
            return .skip(reason: activityFullReason, nextStep: nil)
        }
        // A confirmation window ran out after an earlier step. For a notice
        // or a reminder, a delivery receipt is confirmation enough; an
        // invitation or a poll waits for the resident's answer.
        if job.step > row.step, state == .delivered, row.kind == .notice || row.kind == .reminder {
            return .skip(reason: "step \(row.step + 1) was delivered", nextStep: nil)
        }
        let step = plan.steps[job.step]
        if row.optedOut.contains(step.channel) || !step.reaches(hasPhone: row.phone != nil, hasOpenID: row.openID != nil,
                                                               voiceOK: row.voiceOK) {
            let next = plan.firstStep(from: job.step + 1, hasPhone: row.phone != nil, hasOpenID: row.openID != nil,
                                      voiceOK: row.voiceOK, optedOut: row.optedOut)
            let why = row.optedOut.contains(step.channel)
                ? "the resident opted out of \(step.channel)" : "\(step.channel) cannot reach the resident"
            return .skip(reason: why, nextStep: next)
        }
        return .send(SendContext(
            deliveryID: job.deliveryID, broadcastID: row.broadcastID, committeeID: row.committeeID,
            committeeName: row.committeeName, kind: row.kind, template: row.template,
            variables: try JSONValueDecoding.variables(row.variables), step: job.step, channel: step.channel,
            queue: step.queue, activityID: row.activityID, residentID: row.residentID, residentName: row.residentName,
            phone: row.phone, openID: row.openID, quietStart: row.quietStart, quietEnd: row.quietEnd, plan: plan))
    }

    private struct Row {
        var state: Int, broadcastID: Int64, committeeID: Int64, committeeName: String, kind: BroadcastKind
        var template: String, variables: String, plan: String, broadcastState: String, activityID: Int64?
        var residentID: Int64, residentName: String, phone: PhoneNumber?, openID: String?, voiceOK: Bool
        var quietStart: Int?, quietEnd: Int?, optedOut: Set<String>, activityFull: Bool, step: Int

        init(_ row: Statement) {
            state = row.int(0)
            broadcastID = row.int64(1)
            committeeID = row.int64(2)
            committeeName = row.string(3)
            kind = BroadcastKind(rawValue: row.string(4)) ?? .notice
            template = row.string(5)
            variables = row.string(6)
            plan = row.string(7)
            broadcastState = row.string(8)
            activityID = row.optionalInt64(9)
            residentID = row.int64(10)
            residentName = row.string(11)
            phone = row.optionalString(12).flatMap { try? PhoneNumber(parsing: $0) }
            openID = row.optionalString(13)
            voiceOK = row.bool(14)
            quietStart = row.optionalInt64(15).map(Int.init)
            quietEnd = row.optionalInt64(16).map(Int.init)
            optedOut = Set((row.optionalString(17) ?? "").split(separator: ",").map(String.init))
            activityFull = !row.isNull(18) && row.bool(18)
            step = row.int(19)
        }
    }
}

/// The broadcast's JSON columns, decoded.
enum JSONValueDecoding {
    static func plan(_ text: String) throws -> ChannelPlan {
        try JSONDecoder().decode(ChannelPlan.self, from: Data(text.utf8))
    }

    static func variables(_ text: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }
}

import Foundation
import HeraldCore
import HeraldStore

/// Turns what comes back — receipts, key presses, SMS replies, mini-program
/// sign-ups — into delivery states, sign-ups, poll answers and opt-outs.
///
/// Every receipt is first recorded (`ReceiptStore.apply`); then the
/// resident's intent, read in the context of the broadcast it answers
/// (`ReplyIntent`), is acted on. Sendable: it holds only Sendable stores.
public final class ReceiptProcessor: Sendable {
    /// What processing a receipt did, for the callback's answer, metrics and
    /// the replies Herald sends back (activity full).
    public enum Action: Sendable, Hashable {
        /// A delivery report or call result: recorded, state moved.
        case recorded
        /// No delivery or resident matched: kept as an orphan event.
        case orphan
        case signedUp(activity: Int64, count: Int, becameFull: Bool)
        case alreadySignedUp(activity: Int64)
        /// No place left: answer the resident with the activity-full template.
        case activityFull(activity: Int64)
        case signUpClosed(activity: Int64)
        case signUpCancelled(activity: Int64)
        case optedOut(OptOutChannel)
        case pollAnswered(PollChoice)
        case acknowledged
        /// A reply Herald could not read ("1 王阿姨 3号楼"): kept for staff.
        case unreadReply
    }

    public struct Result: Sendable {
        public var applied: AppliedReceipt
        public var action: Action
        /// Pending invitations cancelled because this sign-up filled the activity.
        public var invitationsCancelled: InvitationCancellation?
    }

    let queue: JobQueue
    let queues: QueueCatalog?
    let activities: ActivityStore
    let polls: PollStore
    let optOuts: OptOutStore

    /// - Parameter queues: the queue files, for the voice queues' no-answer
    ///   policy; without them an unanswered call moves straight to the plan's next step.
    public init(queue: JobQueue, queues: QueueCatalog? = nil) {
        self.queue = queue
        self.queues = queues
        activities = ActivityStore(writer: queue.writer, readers: queue.readers, clock: queue.clock)
        polls = PollStore(writer: queue.writer, readers: queue.readers, clock: queue.clock)
        optOuts = OptOutStore(writer: queue.writer, readers: queue.readers, clock: queue.clock)
    }

    public func process(_ receipt: Receipt) throws -> Result {
        let now = queue.clock.now()
        let applied = try queue.writer.write { db in try ReceiptStore.apply(receipt, at: now.unixMilliseconds, db: db) }
        let kind = applied.broadcastKind ?? .notice
        let intent: ReplyIntent? = switch receipt.event {
        case .signUp: .signUp
        case .cancelSignUp: .cancel
        case .keyPress(let keys): ReplyIntent.parse(keys: keys, for: kind)
        case .reply(let text): ReplyIntent.parse(text: text, for: kind)
        default: nil
        }
        var result = Result(applied: applied, action: applied.isOrphan ? .orphan : .recorded, invitationsCancelled: nil)
        if let delivery = applied.deliveryID {
            switch receipt.event {
            case .notAnswered(let reason): try afterStepFailed(delivery, channel: receipt.channel, reason: reason, noAnswer: true, now)
            case .failed(let reason): try afterStepFailed(delivery, channel: receipt.channel, reason: reason, noAnswer: false, now)
            default: break
            }
        }
        guard let intent, let resident = applied.residentID else { return result }
        let source: ReplySource = switch receipt.channel {
        case "voice": .voiceKey
        case "push": .miniProgram
        default: .smsReply
        }
        switch intent {
        case .signUp:
            guard let activity = applied.activityID else { result.action = .unreadReply; break }
            switch try activities.signUp(activity: activity, resident: resident, source: source,
                                         deliveryID: applied.deliveryID, at: now) {
            case .signedUp(let count, let becameFull):
                result.action = .signedUp(activity: activity, count: count, becameFull: becameFull)
                try confirm(applied, "signed up", now)
                if becameFull { result.invitationsCancelled = try activities.cancelPendingInvitations(activity: activity, at: now) }
            case .alreadySignedUp: result.action = .alreadySignedUp(activity: activity)
            case .full:
                result.action = .activityFull(activity: activity)
                try replyActivityFull(applied, activity: activity, channel: receipt.channel, now)
            case .closed: result.action = .signUpClosed(activity: activity)
            case .unknownActivity, .unknownResident, .wrongCommittee: result.action = .orphan
            }
        case .cancel:
            guard let activity = applied.activityID else { result.action = .unreadReply; break }
            _ = try activities.cancelSignUp(activity: activity, resident: resident, source: source,
                                            deliveryID: applied.deliveryID, at: now)
            result.action = .signUpCancelled(activity: activity)
            try confirm(applied, "declined", now)
        case .optOut:
            let channel = OptOutChannel(rawValue: receipt.channel) ?? .sms
            try optOuts.optOut(resident: resident, channel: channel, source: source, at: now)
            result.action = .optedOut(channel)
        case .pollAnswer(let choice):
            guard let broadcast = applied.broadcastID else { result.action = .unreadReply; break }
            _ = try polls.recordAnswer(broadcast: broadcast, resident: resident, choice: choice, source: source, at: now)
            result.action = .pollAnswered(choice)
            try confirm(applied, "answered the poll", now)
        case .acknowledge:
            result.action = .acknowledged
            try confirm(applied, "acknowledged", now)
        case .unknown:
            result.action = .unreadReply
        }
        return result
    }

    /// A step that reached the gateway failed at the resident's end: an
    /// unanswered call is placed again after the voice queue's spacing (up
    /// to its number of calls); otherwise, and after the last call, the
    /// plan's next step starts now. Nothing happens when the delivery was
    /// confirmed or cancelled, or has moved to another channel meanwhile.
    private func afterStepFailed(_ delivery: Int64, channel: String, reason: String, noAnswer: Bool, _ now: Date) throws {
        try queue.writer.write { db in
            guard let position = try DeliverySteps.position(of: delivery, db: db), !position.state.isFinal,
                  position.channel == channel else { return }
            let at = now.unixMilliseconds
            if noAnswer, let policy = queues?.queue(named: position.queue)?.noAnswer {
                let calls = try DeliverySteps.sends(of: delivery, channel: channel, db: db)
                if calls < policy.maxCalls {
                    try DeliverySteps.repeatStep(delivery: delivery, step: position.step,
                                                 at: at + Int64(policy.retryAfter * 1000), queue: queue, db: db)
                    return
                }
                try DeliverySteps.advance(delivery: delivery, after: position.step,
                                          reason: "no answer after \(calls) calls", at: at, queue: queue, db: db)
                return
            }
            try DeliverySteps.advance(delivery: delivery, after: position.step, reason: reason, at: at, queue: queue, db: db)
        }
    }

    /// A "1" that came after the last place went: the resident is told,
    /// once per activity, with the `activity-full` template on the channel
    /// they answered on (a key press is answered by SMS), through the queue
    /// the invitation's plan uses for it. A one-step broadcast to that
    /// resident, so quiet hours, caps and receipts apply as to any message.
    /// Nothing when the plan has no such step, or the resident opted out of it.
    private func replyActivityFull(_ applied: AppliedReceipt, activity: Int64, channel: String, _ now: Date) throws {
        guard let broadcast = applied.broadcastID, let resident = applied.residentID else { return }
        let replyChannel = channel == "voice" ? "sms" : channel
        guard replyChannel == "sms" else { return }
        try queue.writer.write { db in
            guard let invitation = try BroadcastStore.find(id: broadcast, db: db),
                  let step = invitation.plan.steps.first(where: { $0.channel == replyChannel }) else { return }
            // A resident who opted out of SMS gets no answer by SMS either
            // (a broadcast that could reach nobody would only be noise).
            guard try !OptOutStore.isOptedOut(resident: resident, channel: .sms, db: db) else { return }
            _ = try BroadcastStore.create(
                NewBroadcast(committeeID: invitation.committeeID, kind: .notice, template: Self.activityFullTemplate,
                             variables: invitation.variables.filter { ["activity", "time"].contains($0.key) },
                             audience: .residents([resident]),
                             plan: ChannelPlan(steps: [ChannelPlan.Step(channel: replyChannel, queue: step.queue)]),
                             priority: invitation.priority,
                             idempotencyKey: "activity-full-\(activity)-resident-\(resident)"),
                at: now.unixMilliseconds, db: db)
        }
    }

    /// The template that tells a resident the places are gone.
    public static let activityFullTemplate = "activity-full"

    private func confirm(_ applied: AppliedReceipt, _ reason: String, _ now: Date) throws {
        guard let delivery = applied.deliveryID else { return }
        try queue.writer.write { db in try ReceiptStore.confirm(delivery: delivery, reason: reason, at: now.unixMilliseconds, db: db) }
    }
}

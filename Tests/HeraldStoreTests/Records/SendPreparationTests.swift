import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

/// The checks made again when a job is about to send.
@Suite struct SendPreparationTests {
    typealias Neighbourhood = BroadcastFanoutTests.Neighbourhood

    /// Claims the queue's next job and prepares it.
    static func prepare(_ n: Neighbourhood, queue: String) throws -> SendDecision {
        let job = try firstJob(n, queue: queue)
        return try n.queue.writer.withConnection { try SendPreparation.prepare(job, db: $0) }
    }

    static func firstJob(_ n: Neighbourhood, queue: String) throws -> DeliveryJob {
        let claimed = try n.queue.claim(queue: queue, limit: 1, leaseFor: 60)
        return try #require(claimed.first.flatMap { DeliveryJob(payload: $0.payload) })
    }

    @Test func aSendCarriesTheResidentAndTheBroadcast() throws {
        let n = try Neighbourhood()
        try n.resident("王阿姨", phone: "13800000001", openID: "oWang")
        let (broadcast, _) = try n.broadcast()
        try Fanout(queue: n.queue).run(broadcast: broadcast.id)
        let decision = try Self.prepare(n, queue: "wechat-subscribe")
        guard case .send(let context) = decision else {
            Issue.record("expected a send, got \(decision)")
            return
        }
        #expect(context.residentName == "王阿姨")
        #expect(context.committeeName == "阳光社区居委会")
        #expect(context.channel == "push" && context.queue == "wechat-subscribe")
        #expect(context.variables == ["title": "更换灭火器"])
        #expect(context.openID == "oWang")
    }

    @Test func anOptOutAfterFanOutSkipsToTheNextReachableStep() throws {
        let n = try Neighbourhood()
        let resident = try n.resident("李伯伯", phone: "13800000002")
        let (broadcast, _) = try n.broadcast()  // push → sms → voice; no openid: starts at sms
        try Fanout(queue: n.queue).run(broadcast: broadcast.id)
        try n.queue.writer.write { db in
            try db.cached("INSERT INTO opt_outs (resident_id, channel, committee_id, source, created_at) VALUES (?, 'sms', ?, 'sms_reply', 5)")
                .execute([resident, n.committee])
        }
        let decision = try Self.prepare(n, queue: "alibaba-sms")
        #expect(decision == .skip(reason: "the resident opted out of sms", nextStep: 2))
    }

    @Test func cancelledBroadcastsAndFullActivitiesSendNothing() throws {
        let n = try Neighbourhood()
        try n.resident("张奶奶", phone: "13800000003")
        let sms = ChannelPlan(steps: [.init(channel: "sms", queue: "alibaba-sms")])
        let (broadcast, _) = try n.broadcast(plan: sms)
        try Fanout(queue: n.queue).run(broadcast: broadcast.id)
        let job = try Self.firstJob(n, queue: "alibaba-sms")
        _ = try n.queue.writer.write { db in try BroadcastStore.cancel(broadcast.id, at: 50, db: db) }
        #expect(try n.queue.writer.withConnection { try SendPreparation.prepare(job, db: $0) }
                == .skip(reason: "the broadcast was cancelled", nextStep: nil))

        let activity = try n.queue.writer.write { db in
            try db.cached("INSERT INTO activities (committee_id, title, capacity, signed_up, created_at) VALUES (?, '更换灭火器', 1, 1, 1)")
                .execute([n.committee])
            return db.lastInsertRowID
        }
        let (invitation, _) = try n.queue.writer.write { db in
            try BroadcastStore.create(NewBroadcast(committeeID: n.committee, kind: .invitation, template: "activity-invitation",
                                                   audience: .all, plan: sms, activityID: activity), at: 60, db: db)
        }
        try Fanout(queue: n.queue).run(broadcast: invitation.id)
        #expect(try Self.prepare(n, queue: "alibaba-sms")
                == .skip(reason: "the activity is full", nextStep: nil))
        #expect(try n.queue.writer.withConnection { try SendPreparation.prepare(DeliveryJob(deliveryID: 777, step: 0), db: $0) }
                == .skip(reason: "the delivery no longer exists", nextStep: nil))
    }
}

@Suite struct DeliveryStateTests {
    @Test func receiptsMoveForwardOnly() {
        #expect(DeliveryState.queued.canMove(to: .sent))
        #expect(DeliveryState.sent.canMove(to: .delivered))
        #expect(DeliveryState.delivered.canMove(to: .confirmed))
        #expect(DeliveryState.failed.canMove(to: .confirmed))
        #expect(!DeliveryState.delivered.canMove(to: .sent))
        #expect(!DeliveryState.delivered.canMove(to: .failed))
        #expect(!DeliveryState.confirmed.canMove(to: .cancelled))
        #expect(!DeliveryState.cancelled.canMove(to: .sent))
    }

    @Test func escalationStartsTheNextStepOverUnlessTheDeliveryEnded() {
        #expect(DeliveryState.failed.canMove(to: .queued, escalating: true))
        #expect(DeliveryState.delivered.canMove(to: .queued, escalating: true))
        #expect(!DeliveryState.confirmed.canMove(to: .queued, escalating: true))
        #expect(!DeliveryState.cancelled.canMove(to: .queued, escalating: true))
        #expect(!DeliveryState.queued.canMove(to: .queued))
    }
}

import Foundation
import HeraldCore
import Testing
@testable import HeraldDispatch
@testable import HeraldStore

/// Replies, key presses and sign-ups, from the gateway's callback to the
/// activity's count.
@Suite struct ReceiptProcessorTests {
    final class Committee {
        let path = NSTemporaryDirectory() + "herald-receipts-\(UUID().uuidString).db"
        let clock = ManualClock(Date(timeIntervalSince1970: 1_796_000_000))
        let queue: JobQueue
        let processor: ReceiptProcessor
        let id: Int64
        var residents: [String: Int64] = [:]

        init(phones: [String]) throws {
            queue = try JobQueue(path: path, clock: clock)
            processor = ReceiptProcessor(queue: queue)
            let now = clock.now().unixMilliseconds
            id = try queue.writer.write { db in try CommitteeStore.create(slug: "yangguang", name: "阳光社区居委会", at: now, db: db).id }
            for (index, phone) in phones.enumerated() {
                residents[phone] = try queue.writer.write { db in
                    try db.cached("INSERT INTO residents (committee_id, name, phone, created_at, updated_at) VALUES (?, ?, ?, 1, 1)")
                        .execute([id, "居民\(index)", try PhoneNumber(parsing: phone).e164])
                    return db.lastInsertRowID
                }
            }
        }

        deinit {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }

        func activity(capacity: Int) throws -> Int64 {
            try ActivityStore(writer: queue.writer, readers: queue.readers, clock: clock).create(NewActivity(
                committee: id, title: "楼道微整治 · 更换灭火器", place: "3号楼前", startsAt: clock.now().addingTimeInterval(86_400 * 3),
                capacity: capacity)).id
        }

        /// Fans a broadcast out over SMS and marks every delivery sent; resident id → delivery id.
        func sendSMS(kind: BroadcastKind, activity: Int64? = nil) throws -> (broadcast: Int64, deliveries: [Int64: Int64]) {
            let now = clock.now().unixMilliseconds
            let (broadcast, _) = try queue.writer.write { db in
                try BroadcastStore.create(NewBroadcast(committeeID: id, kind: kind, template: "activity-invitation",
                                                       audience: .all, plan: ChannelPlan(steps: [.init(channel: "sms", queue: "kannel-sms")]),
                                                       activityID: activity), at: now, db: db)
            }
            try Fanout(queue: queue).run(broadcast: broadcast.id)
            // The SMS queue's worker sends them all.
            let claimed = try queue.claim(queue: "kannel-sms", limit: 1_000, leaseFor: 60)
            try queue.complete(claimed.map { Completion($0.lease, .succeeded) })
            let deliveries = try queue.writer.write { db in
                let rows = try db.cached("SELECT resident_id, id FROM deliveries WHERE broadcast_id = ?").rows([broadcast.id]) { ($0.int64(0), $0.int64(1)) }
                for (_, delivery) in rows {
                    try ReceiptStore.recordAccepted(delivery: delivery, channel: "sms", gateway: "kannel", gatewayID: nil, at: now, db: db)
                }
                return Dictionary(uniqueKeysWithValues: rows)
            }
            return (broadcast.id, deliveries)
        }

        func reply(_ phone: String, _ text: String) throws -> ReceiptProcessor.Result {
            try processor.process(try ReceiptParser.kannelReply(query: ["from": phone, "text": text]))
        }

        func signedUp(_ activity: Int64) throws -> (count: Int64, rows: Int64) {
            try queue.writer.withConnection { db in
                (try db.scalarInt("SELECT signed_up FROM activities WHERE id = ?", [activity]) ?? -1,
                 try db.scalarInt("SELECT count(*) FROM signups WHERE activity_id = ? AND state = 1", [activity]) ?? -1)
            }
        }
    }

    @Test func aDuplicateOneCountsOnceAndConfirmsTheDelivery() throws {
        let c = try Committee(phones: ["13800000001"])
        let activity = try c.activity(capacity: 10)
        let (_, deliveries) = try c.sendSMS(kind: .invitation, activity: activity)
        #expect(try c.reply("13800000001", "1").action == .signedUp(activity: activity, count: 1, becameFull: false))
        #expect(try c.reply("+86 138 0000 0001", "报名").action == .alreadySignedUp(activity: activity))
        #expect(try c.signedUp(activity) == (1, 1))
        let delivery = try #require(deliveries.values.first)
        let state = try c.queue.writer.withConnection { try $0.scalarInt("SELECT state FROM deliveries WHERE id = ?", [delivery]) }
        #expect(state == Int64(DeliveryState.confirmed.rawValue))
    }

    @Test func aLateOneIsAnsweredOnceWithTheActivityFullTemplate() throws {
        let c = try Committee(phones: ["13800000001", "13800000002"])
        let activity = try c.activity(capacity: 1)
        let (invitation, _) = try c.sendSMS(kind: .invitation, activity: activity)
        _ = try c.reply("13800000001", "1")
        #expect(try c.reply("13800000002", "1").action == .activityFull(activity: activity))
        #expect(try c.reply("13800000002", "报名").action == .activityFull(activity: activity))
        let late = try #require(c.residents["13800000002"])
        let replies = try c.queue.writer.withConnection { db in
            try db.prepare("SELECT id FROM broadcasts WHERE template = 'activity-full'").rows([]) { $0.int64(0) }
                .compactMap { try BroadcastStore.find(id: $0, db: db) }
        }
        // One reply, however often the resident tries: to them alone, by SMS through the invitation's SMS queue.
        #expect(replies.count == 1)
        let reply = try #require(replies.first)
        #expect(reply.audience == .residents([late]))
        #expect(reply.plan.steps.map { "\($0.channel) \($0.queue)" } == ["sms kannel-sms"])
        #expect(reply.kind == .notice && reply.activityID == nil && reply.id != invitation)
        #expect(try c.signedUp(activity) == (1, 1))
    }

    @Test func aLateOneFromAResidentWhoOptedOutOfSMSGetsNoSMS() throws {
        let c = try Committee(phones: ["13800000001", "13800000002"])
        let activity = try c.activity(capacity: 1)
        _ = try c.sendSMS(kind: .invitation, activity: activity)
        _ = try c.reply("13800000001", "1")
        _ = try c.reply("13800000002", "TD")
        #expect(try c.reply("13800000002", "1").action == .activityFull(activity: activity))
        let replies = try c.queue.writer.withConnection { db in
            try db.scalarInt("SELECT count(*) FROM broadcasts WHERE template = 'activity-full'")
        }
        #expect(replies == 0)
    }

    @Test func theLastPlaceGoesOnceAndLaterOnesHearTheActivityIsFull() throws {
        let c = try Committee(phones: ["13800000001", "13800000002", "13800000003"])
        let activity = try c.activity(capacity: 1)
        _ = try c.sendSMS(kind: .invitation, activity: activity)
        let first = try c.reply("13800000001", "1")
        #expect(first.action == .signedUp(activity: activity, count: 1, becameFull: true))
        #expect(try c.reply("13800000002", "1").action == .activityFull(activity: activity))
        #expect(try c.signedUp(activity) == (1, 1))
        // "2"/取消 frees the place for the next "1".
        #expect(try c.reply("13800000001", "取消").action == .signUpCancelled(activity: activity))
        #expect(try c.reply("13800000003", "1").action == .signedUp(activity: activity, count: 1, becameFull: true))
        #expect(try c.signedUp(activity) == (1, 1))
    }

    @Test func fillingTheActivityCancelsInvitationsNotYetSent() throws {
        let c = try Committee(phones: ["13800000001", "13800000002"])
        let activity = try c.activity(capacity: 1)
        _ = try c.sendSMS(kind: .invitation, activity: activity)
        // A second invitation broadcast whose jobs are still waiting.
        let now = c.clock.now().unixMilliseconds
        let (second, _) = try c.queue.writer.write { db in
            try BroadcastStore.create(NewBroadcast(committeeID: c.id, kind: .invitation, template: "activity-invitation",
                                                   audience: .all, plan: ChannelPlan(steps: [.init(channel: "voice", queue: "alibaba-ivr")]),
                                                   activityID: activity), at: now, db: db)
        }
        try Fanout(queue: c.queue).run(broadcast: second.id)
        let result = try c.reply("13800000001", "1")
        #expect(result.invitationsCancelled?.jobs == 2)
        #expect(try c.queue.claim(queue: "alibaba-ivr", limit: 10, leaseFor: 60).isEmpty)
    }

    @Test func tdOptsOutOfSMSAndTheNextBroadcastSendsNoSMS() throws {
        let c = try Committee(phones: ["13800000001", "13800000002"])
        _ = try c.sendSMS(kind: .notice)
        #expect(try c.reply("13800000001", "TD").action == .optedOut(.sms))
        #expect(try c.reply("13800000001", "退订").action == .optedOut(.sms))
        let (_, next) = try c.sendSMS(kind: .notice)
        #expect(Set(next.keys) == [c.residents["13800000002"]!])
    }

    @Test func aVoiceKeyOneSignsUpAndAMiniProgramSignUpToo() throws {
        let c = try Committee(phones: ["13800000001", "13800000002"])
        let activity = try c.activity(capacity: 5)
        let (_, deliveries) = try c.sendSMS(kind: .invitation, activity: activity)
        let first = try #require(deliveries[c.residents["13800000001"]!])
        let call = try ReceiptParser.alibabaVoiceReports(Array(
            #"[{"call_id":"c1","status_code":"200000","out_id":"\#(first)","callee":"13800000001","dtmf":"1"}]"#.utf8))
        let actions = try call.map { try c.processor.process($0).action }
        #expect(actions == [.recorded, .signedUp(activity: activity, count: 1, becameFull: false)])
        let second = try #require(deliveries[c.residents["13800000002"]!])
        let push = try ReceiptParser.miniProgramSignUp(Array(#"{"delivery_id":"\#(second)","action":"signup"}"#.utf8))
        #expect(try c.processor.process(push).action == .signedUp(activity: activity, count: 2, becameFull: false))
        #expect(try c.signedUp(activity) == (2, 2))
    }

    @Test func unknownRepliesAndOrphansAreKeptNotActedOn() throws {
        let c = try Committee(phones: ["13800000001"])
        _ = try c.sendSMS(kind: .notice)
        #expect(try c.reply("13800000001", "1 王阿姨 3号楼").action == .unreadReply)
        let orphan = try c.processor.process(try ReceiptParser.kannelReport(query: ["delivery": "4040404", "status": "1"]))
        #expect(orphan.action == .orphan)
    }
}

import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

@Suite struct BroadcastFanoutTests {
    /// A queue on a fresh database with one committee and a small neighbourhood.
    final class Neighbourhood {
        let directory = TemporaryDirectory()
        let clock = ManualClock(Date(timeIntervalSince1970: 1_796_000_000))
        let queue: JobQueue
        let committee: Int64

        init() throws {
            queue = try JobQueue(path: directory.file("fanout.db"), clock: clock)
            committee = try queue.writer.write { db in
                try CommitteeStore.create(slug: "yangguang", name: "阳光社区居委会", at: 1, db: db).id
            }
        }

        /// Adds a resident; returns its id.
        @discardableResult
        func resident(_ name: String, phone: String? = nil, openID: String? = nil, building: String = "3号楼",
                      voiceOK: Bool = true, tags: [String] = [], optedOut: [String] = [], committee: Int64? = nil) throws -> Int64 {
            try queue.writer.write { db in
                try db.cached("""
                    INSERT INTO residents (committee_id, name, phone, openid, building, voice_ok, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, 1, 1)
                    """).execute([committee ?? self.committee, name, try phone.map { try PhoneNumber(parsing: $0).e164 }, openID, building, voiceOK])
                let id = db.lastInsertRowID
                for tag in tags {
                    try db.cached("INSERT INTO resident_tags (committee_id, tag, resident_id) VALUES (?, ?, ?)")
                        .execute([committee ?? self.committee, tag, id])
                }
                for channel in optedOut {
                    try db.cached("INSERT INTO opt_outs (resident_id, channel, committee_id, source, created_at) VALUES (?, ?, ?, 'sms-reply', 1)")
                        .execute([id, channel, committee ?? self.committee])
                }
                return id
            }
        }

        func broadcast(_ audience: Audience = .all, plan: ChannelPlan = Neighbourhood.plan, key: String? = nil,
                       kind: BroadcastKind = .notice) throws -> (broadcast: Broadcast, created: Bool) {
            try queue.writer.write { db in
                try BroadcastStore.create(NewBroadcast(committeeID: committee, kind: kind, template: "notice",
                                                       variables: ["title": "更换灭火器"], audience: audience, plan: plan,
                                                       idempotencyKey: key), at: 10, db: db)
            }
        }

        static let plan = ChannelPlan(steps: [
            .init(channel: "push", queue: "wechat-subscribe", escalateAfterSeconds: 1800),
            .init(channel: "sms", queue: "alibaba-sms", escalateAfterSeconds: 7200),
            .init(channel: "voice", queue: "alibaba-ivr"),
        ])

        /// (resident, state, step, channel) for every delivery of a broadcast.
        func deliveries(_ broadcast: Int64) throws -> [Int64: (state: DeliveryState, step: Int, channel: String?)] {
            try queue.writer.withConnection { db in
                Dictionary(uniqueKeysWithValues: try db.cached(
                    "SELECT resident_id, state, step, channel FROM deliveries WHERE broadcast_id = ?").rows([broadcast]) {
                        ($0.int64(0), (DeliveryState(rawValue: $0.int(1)) ?? .queued, $0.int(2), $0.optionalString(3)))
                    })
            }
        }
    }

    @Test func fanOutPicksEachResidentsFirstReachableStepAndQueuesItsJob() throws {
        let n = try Neighbourhood()
        let pushable = try n.resident("王阿姨", phone: "13800000001", openID: "oWang")
        let smsOnly = try n.resident("李伯伯", phone: "13800000002")
        let noSMS = try n.resident("张奶奶", phone: "13800000003", optedOut: ["sms"])
        let unreachable = try n.resident("赵先生", phone: "13800000004", voiceOK: false, optedOut: ["sms"])
        let optedOutOfAll = try n.resident("钱女士", phone: "13800000005", openID: "oQian", optedOut: ["push", "sms", "voice"])
        let (broadcast, _) = try n.broadcast()

        let result = try Fanout(queue: n.queue).run(broadcast: broadcast.id)
        #expect(result.queued == 3)
        #expect(result.unreachable == 1)
        #expect(result.optedOut == 1)

        let rows = try n.deliveries(broadcast.id)
        #expect(rows[pushable]?.channel == "push")
        #expect(rows[smsOnly]?.channel == "sms")
        #expect(rows[noSMS]?.channel == "voice")
        #expect(rows[unreachable]?.state == .failed)
        #expect(!rows.keys.contains(optedOutOfAll))

        // One job per queued delivery, in its step's queue, for this broadcast.
        let push = try n.queue.claim(queue: "wechat-subscribe", limit: 10, leaseFor: 60)
        let sms = try n.queue.claim(queue: "alibaba-sms", limit: 10, leaseFor: 60)
        let voice = try n.queue.claim(queue: "alibaba-ivr", limit: 10, leaseFor: 60)
        #expect([push.count, sms.count, voice.count] == [Int](repeating: 1, count: 3))
        #expect((push + sms + voice).allSatisfy { $0.group == broadcast.id && $0.committee == n.committee })
        #expect(DeliveryJob(payload: voice[0].payload)?.step == 2)
        let after = try n.queue.writer.withConnection { try BroadcastStore.find(id: broadcast.id, db: $0) }
        #expect(after?.state == .sending)
        #expect(after?.recipients == 4)
    }

    @Test func audiencesSelectByBuildingTagAndID() throws {
        let n = try Neighbourhood()
        let a = try n.resident("甲", phone: "13800000011", building: "3号楼", tags: ["独居老人"])
        let b = try n.resident("乙", phone: "13800000012", building: "5号楼", tags: ["志愿者"])
        let c = try n.resident("丙", phone: "13800000013", building: "5号楼", tags: ["独居老人", "志愿者"])
        _ = try n.resident("外", phone: "13800000014", committee: try n.queue.writer.write { db in
            try CommitteeStore.create(slug: "other", name: "另一个居委会", at: 1, db: db).id
        })
        let sms = ChannelPlan(steps: [.init(channel: "sms", queue: "alibaba-sms")])
        for (audience, expected) in [(Audience.all, [a, b, c]), (.buildings(["5号楼"]), [b, c]),
                                     (.tags(["独居老人"]), [a, c]), (.residents([a, b, 999]), [a, b])] {
            let (broadcast, _) = try n.broadcast(audience, plan: sms)
            try Fanout(queue: n.queue).run(broadcast: broadcast.id)
            #expect(Set(try n.deliveries(broadcast.id).keys) == Set(expected), "\(audience)")
        }
    }

    @Test func anSMSOptOutMeansTheNextSMSBroadcastSkipsTheResident() throws {
        let n = try Neighbourhood()
        let stays = try n.resident("留", phone: "13800000021")
        _ = try n.resident("退", phone: "13800000022", optedOut: ["sms"])
        let (broadcast, _) = try n.broadcast(plan: ChannelPlan(steps: [.init(channel: "sms", queue: "alibaba-sms")]))
        let result = try Fanout(queue: n.queue).run(broadcast: broadcast.id)
        #expect(result.optedOut == 1)
        #expect(Array(try n.deliveries(broadcast.id).keys) == [stays])
        #expect(try n.queue.claim(queue: "alibaba-sms", limit: 10, leaseFor: 60).count == 1)
    }

    @Test func aRerunAfterAPartialFanOutWritesNoDuplicates() throws {
        let n = try Neighbourhood()
        for index in 0..<25 { try n.resident("居民\(index)", phone: "1380000\(String(format: "%04d", 100 + index))") }
        let (broadcast, _) = try n.broadcast(plan: ChannelPlan(steps: [.init(channel: "sms", queue: "alibaba-sms")]))
        let fanout = Fanout(queue: n.queue, chunk: 10)
        // The process dies after the first chunk commits.
        let (first, more) = try n.queue.writer.write { db in try fanout.step(broadcast: broadcast.id, db: db) }
        #expect(first.queued == 10 && more)
        let rest = try fanout.run(broadcast: broadcast.id)
        #expect(rest.queued == 15)
        #expect(try n.deliveries(broadcast.id).count == 25)
        #expect(try n.queue.claim(queue: "alibaba-sms", limit: 100, leaseFor: 60).count == 25)
        // Once sending, running it again writes nothing.
        #expect(try fanout.run(broadcast: broadcast.id).queued == 0)
    }

    @Test func anIdempotencyKeyReturnsTheFirstBroadcast() throws {
        let n = try Neighbourhood()
        let (first, created) = try n.broadcast(key: "console-7f3a")
        let (again, createdAgain) = try n.broadcast(key: "console-7f3a")
        #expect(created && !createdAgain)
        #expect(again.id == first.id)
        #expect(try n.queue.writer.withConnection { try BroadcastStore.list(committee: n.committee, db: $0).count } == 1)
    }

    @Test func badBroadcastsAreRefusedWithTheField() throws {
        let n = try Neighbourhood()
        let cases: [(NewBroadcast, String)] = [
            (NewBroadcast(committeeID: n.committee, kind: .invitation, template: "activity-invitation", audience: .all,
                          plan: Neighbourhood.plan), "activity_id"),
            (NewBroadcast(committeeID: n.committee, kind: .notice, template: "notice", audience: .buildings([]),
                          plan: Neighbourhood.plan), "audience"),
            (NewBroadcast(committeeID: n.committee, kind: .notice, template: "notice", audience: .all,
                          plan: ChannelPlan(steps: [.init(channel: "fax", queue: "x")])), "plan"),
            (NewBroadcast(committeeID: n.committee, kind: .notice, template: "", audience: .all,
                          plan: Neighbourhood.plan), "template"),
            (NewBroadcast(committeeID: 999, kind: .notice, template: "notice", audience: .all,
                          plan: Neighbourhood.plan), "committee"),
        ]
        for (new, field) in cases {
            let error = #expect(throws: RecordError.self) {
                try n.queue.writer.write { db in try BroadcastStore.create(new, at: 1, db: db) }
            }
            #expect(error?.field == field)
        }
        #expect(try n.queue.writer.withConnection { try $0.scalarInt("SELECT count(*) FROM broadcasts") } == 0)
    }

    @Test func cancellingStopsWhatHasNotBeenSent() throws {
        let n = try Neighbourhood()
        for index in 0..<5 { try n.resident("居民\(index)", phone: "1380000\(String(format: "%04d", 200 + index))") }
        let (broadcast, _) = try n.broadcast(plan: ChannelPlan(steps: [.init(channel: "sms", queue: "alibaba-sms")]))
        try Fanout(queue: n.queue).run(broadcast: broadcast.id)
        let cancelled = try n.queue.writer.write { db in try BroadcastStore.cancel(broadcast.id, at: 99, db: db) }
        #expect(cancelled == 5)
        #expect(try n.queue.cancel(group: broadcast.id) == 5)
        #expect(try n.queue.claim(queue: "alibaba-sms", limit: 10, leaseFor: 60).isEmpty)
        let progress = try n.queue.writer.withConnection { try BroadcastStore.progress(of: broadcast.id, db: $0) }
        #expect(progress == [.cancelled: 5])
        let events = try n.queue.writer.withConnection { try $0.scalarInt("SELECT count(*) FROM delivery_events WHERE kind = 'cancelled'") }
        #expect(events == 5)
        #expect(try n.queue.writer.write { db in try BroadcastStore.cancel(broadcast.id, at: 100, db: db) } == 0)
    }
}

import Foundation
import HeraldChannels
import HeraldCore
import HeraldStore

/// Residents, activities and sends already accepted by a gateway, so a test
/// can post that gateway's callbacks about them.
extension ServerHarness {
    /// The phone number of resident `index` of `committee`.
    static func phone(committee: Int64, index: Int) -> String {
        String(format: "+86139%08d", Int(committee) * 1_000_000 + index)
    }

    /// Adds `count` residents with phones (and openids `o-<committee>-<index>`); returns their ids.
    @discardableResult
    func residents(_ count: Int, committee: Int64) throws -> [Int64] {
        try jobs.writer.write { db in
            let insert = try db.cached("""
                INSERT INTO residents (committee_id, name, phone, openid, created_at, updated_at) VALUES (?, ?, ?, ?, 1, 1)
                """)
            return try (0..<count).map { index in
                try insert.execute([committee, "居民\(index)", Self.phone(committee: committee, index: index),
                                    "o-\(committee)-\(index)"])
                return db.lastInsertRowID
            }
        }
    }

    func activity(committee: Int64, capacity: Int) throws -> Int64 {
        try ActivityStore(writer: jobs.writer, readers: jobs.readers, clock: clock).create(NewActivity(
            committee: committee, title: "楼道微整治 · 更换灭火器", place: "3号楼前",
            startsAt: clock.now().addingTimeInterval(3 * 86_400), capacity: capacity)).id
    }

    /// `count` residents of committee A and an activity of theirs with `capacity` places.
    func residentsAndActivity(_ count: Int, capacity: Int) throws -> (residents: [Int64], activity: Int64) {
        (try residents(count, committee: committeeA), try activity(committee: committeeA, capacity: capacity))
    }

    /// An invitation to `activity` fanned out over one channel, every
    /// delivery's job done and the send accepted by `gateway` under the id
    /// `G<delivery>`; resident id → delivery id.
    func sent(_ activity: Int64, channel: String, queue: String, gateway: String) throws -> [Int64: Int64] {
        let committee = try count("SELECT committee_id FROM activities WHERE id = ?", [activity])
        let now = clock.now().unixMilliseconds
        let broadcast = try jobs.writer.write { db in
            try BroadcastStore.create(NewBroadcast(
                committeeID: Int64(committee), kind: .invitation, template: "activity-invitation",
                variables: ["activity": "灭火器免费更换", "time": "2026年12月5日 09:00", "place": "3号楼前", "seats": "400"],
                audience: .all, plan: ChannelPlan(steps: [.init(channel: channel, queue: queue)]), activityID: activity),
                at: now, db: db).broadcast.id
        }
        _ = try Fanout(queue: jobs).run(broadcast: broadcast)
        let claimed = try jobs.claim(queue: queue, limit: 10_000, leaseFor: 60)
        _ = try jobs.complete(claimed.map { Completion($0.lease, .succeeded) })
        return try jobs.writer.write { db in
            let rows = try db.cached("SELECT resident_id, id FROM deliveries WHERE broadcast_id = ?")
                .rows([broadcast]) { ($0.int64(0), $0.int64(1)) }
            for (_, delivery) in rows {
                try ReceiptStore.recordAccepted(delivery: delivery, channel: channel, gateway: gateway,
                                                gatewayID: "G\(delivery)", at: now, db: db)
            }
            return Dictionary(uniqueKeysWithValues: rows)
        }
    }

    func state(of delivery: Int64) throws -> DeliveryState? {
        try jobs.writer.withConnection { db in
            try db.scalarInt("SELECT state FROM deliveries WHERE id = ?", [delivery]).flatMap { DeliveryState(rawValue: Int($0)) }
        }
    }

    func signedUp(_ activity: Int64) throws -> Int {
        try count("SELECT signed_up FROM activities WHERE id = ?", [activity])
    }

    /// Headers signing `body` for the webhook routes at the harness clock (or `at`).
    func signature(_ body: String, at: Date? = nil, secret: String = ServerHarness.webhookSecret) throws -> [HTTPHeader] {
        try WebhookSignature.headers(secret: Array(secret.utf8),
                                     timestamp: Int((at ?? clock.now()).timeIntervalSince1970), body: Array(body.utf8))
    }
}

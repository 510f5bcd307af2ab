import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

@Suite struct ReceiptStoreTests {
    /// One SMS broadcast fanned out to two residents.
    static func sent() throws -> (BroadcastFanoutTests.Neighbourhood, broadcast: Int64, wang: Int64, li: Int64,
                                  deliveries: [Int64: Int64]) {
        let n = try BroadcastFanoutTests.Neighbourhood()
        let wang = try n.resident("王阿姨", phone: "13800000001")
        let li = try n.resident("李伯伯", phone: "13800000002")
        let (broadcast, _) = try n.broadcast(plan: ChannelPlan(steps: [.init(channel: "sms", queue: "kannel-sms")]))
        try Fanout(queue: n.queue).run(broadcast: broadcast.id)
        let deliveries = try n.queue.writer.withConnection { db in
            Dictionary(uniqueKeysWithValues: try db.cached("SELECT resident_id, id FROM deliveries WHERE broadcast_id = ?")
                .rows([broadcast.id]) { ($0.int64(0), $0.int64(1)) })
        }
        return (n, broadcast.id, wang, li, deliveries)
    }

    @Test func reportsMoveDeliveriesForwardAndNeverBack() throws {
        let (n, _, wang, _, deliveries) = try Self.sent()
        let delivery = try #require(deliveries[wang])
        try n.queue.writer.write { db in
            try ReceiptStore.recordAccepted(delivery: delivery, channel: "sms", gateway: "kannel", gatewayID: nil, at: 20, db: db)
            // Kannel can report "on the phone" (1) before "at the SMSC" (8).
            let delivered = try ReceiptStore.apply(try ReceiptParser.kannelReport(query: ["delivery": "\(delivery)", "status": "1"]), at: 21, db: db)
            #expect(delivered.state == .delivered)
            let late = try ReceiptStore.apply(try ReceiptParser.kannelReport(query: ["delivery": "\(delivery)", "status": "8"]), at: 22, db: db)
            #expect(late.state == .delivered)
            #expect(try ReceiptStore.events(of: delivery, db: db).map(\.kind) == ["sent", "delivered", "smsc"])
        }
    }

    @Test func gatewayIDsFindTheirDelivery() throws {
        let (n, broadcast, _, li, deliveries) = try Self.sent()
        let delivery = try #require(deliveries[li])
        try n.queue.writer.write { db in
            try ReceiptStore.recordAccepted(delivery: delivery, channel: "sms", gateway: "tencent", gatewayID: "sid-9", at: 20, db: db)
            let receipt = try ReceiptParser.tencentSMSStatus(Array(#"[{"mobile":"13800000002","nationcode":"86","report_status":"FAIL","errmsg":"UNDELIV","sid":"sid-9"}]"#.utf8))[0]
            let applied = try ReceiptStore.apply(receipt, at: 21, db: db)
            #expect(applied.deliveryID == delivery)
            #expect(applied.broadcastID == broadcast)
            #expect(applied.state == .failed)
            let detail = try ReceiptStore.events(of: delivery, db: db).last?.detail ?? ""
            #expect(detail.contains("UNDELIV"))
            #expect(!detail.contains("13800000002"))
            #expect(detail.contains("138****0002"))
        }
    }

    @Test func anUnknownIDIsAnOrphanNotAnError() throws {
        let (n, _, _, _, _) = try Self.sent()
        try n.queue.writer.write { db in
            let applied = try ReceiptStore.apply(try ReceiptParser.kannelReport(query: ["delivery": "999999", "status": "1"]), at: 30, db: db)
            #expect(applied.isOrphan)
            #expect(try db.scalarInt("SELECT count(*) FROM delivery_events WHERE delivery_id IS NULL AND kind = 'delivered'") == 1)
        }
    }

    @Test func aReplyAnswersTheLatestSMSSentToThatNumber() throws {
        let (n, broadcast, wang, _, deliveries) = try Self.sent()
        let delivery = try #require(deliveries[wang])
        try n.queue.writer.write { db in
            try ReceiptStore.recordAccepted(delivery: delivery, channel: "sms", gateway: "kannel", gatewayID: nil, at: 20, db: db)
            let applied = try ReceiptStore.apply(try ReceiptParser.kannelReply(query: ["from": "+86 138 0000 0001", "text": "1"]), at: 25, db: db)
            #expect(applied.deliveryID == delivery)
            #expect(applied.residentID == wang)
            #expect(applied.broadcastID == broadcast)
            #expect(applied.broadcastKind == .notice)
            // A reply from a resident Herald never texted still finds the resident.
            let stranger = try ReceiptStore.apply(try ReceiptParser.kannelReply(query: ["from": "13900000009", "text": "TD"]), at: 26, db: db)
            #expect(stranger.isOrphan && stranger.residentID == nil)
        }
    }
}

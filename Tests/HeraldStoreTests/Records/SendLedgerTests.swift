import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

/// A gateway's report can reach Herald before the group commit records that
/// the gateway accepted the send; the report must still count.
@Suite struct SendLedgerTests {
    typealias Neighbourhood = BroadcastFanoutTests.Neighbourhood

    /// Fans out to one resident without the mini program (the plan starts at
    /// SMS) and claims that send.
    static func claimedSMS(_ n: Neighbourhood) throws -> (GroupCommitter, ClaimedSend, Int64) {
        let resident = try n.resident("李伯伯", phone: "13800000002")
        let (broadcast, _) = try n.broadcast()
        try Fanout(queue: n.queue).run(broadcast: broadcast.id)
        let committer = GroupCommitter(queue: n.queue)
        let claimed = try committer.claimSends(queue: "alibaba-sms", limit: 1, leaseFor: 60) { _, _, _ in .send }
        let send = try #require(claimed.sends.first)
        #expect(send.context.residentID == resident)
        return (committer, send, broadcast.id)
    }

    static func report(_ send: ClaimedSend, _ event: Receipt.Event, _ n: Neighbourhood) throws {
        let receipt = Receipt(gateway: "alibaba-sms", channel: "sms", reference: .delivery(send.context.deliveryID),
                              event: event, raw: [:])
        _ = try n.queue.writer.write { try ReceiptStore.apply(receipt, at: n.clock.now().unixMilliseconds, db: $0) }
    }

    static func accept(_ send: ClaimedSend, _ committer: GroupCommitter) throws {
        committer.submit(results: [SendResult(send, .accepted(gatewayID: "biz-1"), gateway: "alibaba-sms")])
        try committer.flush()
    }

    @Test func aDeliveryReportThatBeatsTheCommitLeavesTheDeliveryDelivered() throws {
        let n = try Neighbourhood()
        let (committer, send, broadcast) = try Self.claimedSMS(n)
        n.clock.advance(by: 1)
        try Self.report(send, .delivered, n)
        // Still queued: the report could not move it yet.
        #expect(try n.deliveries(broadcast).values.first?.state == .queued)
        n.clock.advance(by: 1)
        try Self.accept(send, committer)
        let delivery = try #require(n.deliveries(broadcast).values.first)
        #expect(delivery.state == .delivered && delivery.channel == "sms")
    }

    @Test func anEarlyFailureReportLeavesItFailedAndASuccessWins() throws {
        let n = try Neighbourhood()
        let (committer, send, broadcast) = try Self.claimedSMS(n)
        try Self.report(send, .failed("MOBILE_NOT_ON"), n)
        try Self.accept(send, committer)
        #expect(try n.deliveries(broadcast).values.first?.state == .failed)

        let m = try Neighbourhood()
        let (other, second, secondBroadcast) = try Self.claimedSMS(m)
        try Self.report(second, .failed("MOBILE_NOT_ON"), m)
        try Self.report(second, .delivered, m)
        try Self.accept(second, other)
        #expect(try m.deliveries(secondBroadcast).values.first?.state == .delivered)
    }

    @Test func aReportFromBeforeTheClaimIsNotThisSendsReport() throws {
        let n = try Neighbourhood()
        let resident = try n.resident("李伯伯", phone: "13800000002")
        let (broadcast, _) = try n.broadcast()
        try Fanout(queue: n.queue).run(broadcast: broadcast.id)
        let delivery = try n.queue.writer.withConnection { db in
            try db.scalarInt("SELECT id FROM deliveries WHERE resident_id = ?", [resident]) ?? 0
        }
        // An older SMS report on this delivery, then the claim a minute later.
        let old = Receipt(gateway: "alibaba-sms", channel: "sms", reference: .delivery(delivery), event: .delivered, raw: [:])
        _ = try n.queue.writer.write { try ReceiptStore.apply(old, at: n.clock.now().unixMilliseconds, db: $0) }
        n.clock.advance(by: 60)
        let committer = GroupCommitter(queue: n.queue)
        let send = try #require(try committer.claimSends(queue: "alibaba-sms", limit: 1, leaseFor: 60) { _, _, _ in .send }
            .sends.first)
        try Self.accept(send, committer)
        #expect(try n.deliveries(broadcast.id).values.first?.state == .sent)
    }
}

import Foundation
import HeraldCore
import HeraldSim
import Testing
@testable import HeraldDispatch
@testable import HeraldStore

/// Channel plans, retries, outages and reminders, end to end through the
/// simulator on an injected clock.
@Suite(.serialized) struct DispatcherEscalationTests {
    static let push = (adapter: "wechat-subscribe", json: """
        {"name": "push", "channel": "push", "adapter": "wechat-subscribe", "rate": 100, "burst": 100, "concurrency": 16}
        """)
    static let sms = (adapter: "kannel", json: """
        {"name": "sms", "channel": "sms", "adapter": "kannel", "rate": 100, "burst": 100, "concurrency": 16}
        """)
    static let voice = (adapter: "alibaba-ivr", json: """
        {"name": "voice", "channel": "voice", "adapter": "alibaba-ivr", "rate": 10, "burst": 10, "concurrency": 4,
         "noAnswer": {"retryAfterSeconds": 600, "maxCalls": 3}}
        """)

    /// Phone number → resident id for a committee's residents.
    static func phones(_ h: DispatchHarness) throws -> [Int64: String] {
        try h.jobs.readers.read { db in
            Dictionary(uniqueKeysWithValues: try db.prepare("SELECT id, phone FROM residents").rows([]) {
                ($0.int64(0), $0.string(1))
            })
        }
    }

    @Test func pushRefusedThenSMSThenVoiceReachesExactlyTheResidentsWhoDidNotConfirm() throws {
        // Residents 0-9 never subscribed to the mini program's notices (43101).
        let refused = Set((0..<10).map { "oSim1-\($0)" })
        let h = try DispatchHarness(queues: [Self.push, Self.sms, Self.voice],
                                    behaviour: DispatchHarness.behaviour { $0.unsubscribedOpenIDs = refused })
        let committee = try h.committee("yangguang")
        let residents = try h.residents(20, committee: committee, openID: true)
        let activity = try h.activity(committee: committee, capacity: 100)
        let broadcast = try h.broadcast(committee: committee, plan: [("push", "push", 1_800), ("sms", "sms", 7_200),
                                                                      ("voice", "voice", nil)],
                                        kind: .invitation, activity: activity)
        h.start()
        #expect(h.simulator.requests().filter { $0.gateway == .wechat && $0.deliveryID != nil }.count == 20)
        #expect(h.sends(.wechat).count == 10)
        // The refused pushes went to SMS at once; the others wait out their 30 minutes.
        #expect(h.sends(.kannel).count == 10)
        h.run(for: 1_800, step: 300)
        #expect(h.sends(.kannel).count == 20)

        // Residents 0-4 sign up by replying "1" to the SMS.
        let phones = try Self.phones(h)
        for resident in residents.prefix(5) {
            let result = try h.dispatcher.receipts.process(try ReceiptParser.kannelReply(query: [
                "from": phones[resident] ?? "", "text": "1"]))
            guard case .signedUp = result.action else {
                Issue.record("expected a sign-up, got \(result.action)")
                continue
            }
        }
        h.run(for: 2 * 3600, step: 600)
        let called = Set(h.sends(.alibaba).flatMap(\.recipients))
        let notConfirmed = residents.dropFirst(5).compactMap { phones[$0] }.map(Self.masked)
        #expect(called == Set(notConfirmed))
        #expect(h.sends(.alibaba).count == 15)
        let states = try h.deliveries(broadcast: broadcast)
        #expect(states.values.filter { $0.state == .confirmed }.count == 5)
        #expect(states.values.filter { $0.step == 2 }.count == 15)

        // A sign-up stops further attempts: a late voice job for a confirmed resident sends nothing.
        let confirmedDelivery = try #require(states.first { $0.value.resident == residents[0] }?.key)
        try h.jobs.enqueue([NewJob(queue: "voice", payload: DeliveryJob(deliveryID: confirmedDelivery, step: 2).payload,
                                   committee: committee, group: broadcast)])
        h.settle()
        #expect(h.sends(.alibaba).count == 15)
        #expect(try h.deliveries(broadcast: broadcast)[confirmedDelivery]?.state == .confirmed)
    }

    /// "+8613900000001" → "+86 139****0001", as the simulator logs it.
    static func masked(_ e164: String) -> String {
        let digits = e164.dropFirst(3)
        return "+86 " + digits.prefix(3) + "****" + digits.suffix(4)
    }

    @Test func anUnansweredCallIsPlacedAgainAfterTheSpacingThenTheDeliveryFails() throws {
        let tts = (adapter: "alibaba-tts", json: """
            {"name": "voice", "channel": "voice", "adapter": "alibaba-tts", "rate": 10, "burst": 10, "concurrency": 4,
             "noAnswer": {"retryAfterSeconds": 600, "maxCalls": 3}}
            """)
        let h = try DispatchHarness(queues: [tts])
        let committee = try h.committee("yangguang")
        try h.residents(1, committee: committee)
        let broadcast = try h.broadcast(committee: committee, plan: [("voice", "voice", nil)])
        h.start()
        for call in 1...3 {
            #expect(h.sends(.alibaba).count == call)
            let delivery = try #require(try h.deliveries(broadcast: broadcast).keys.first)
            _ = try h.dispatcher.receipts.process(Receipt(
                gateway: "alibaba", channel: "voice", reference: .delivery(delivery),
                event: .notAnswered("no answer"), raw: [:]))
            h.run(for: 600, step: 300)
        }
        let times = h.sends(.alibaba).map { $0.time.timeIntervalSince(DispatchHarness.morning) }
        #expect(times == [0, 600, 1_200])
        #expect(try h.deliveries(broadcast: broadcast).values.first?.state == .failed)
    }

    @Test func aGatewayDownForFiveMinutesOpensTheCircuitLosesNothingAndDrains() throws {
        let sms = (adapter: "kannel", json: """
            {"name": "sms", "channel": "sms", "adapter": "kannel", "rate": 20, "burst": 20, "concurrency": 8,
             "sendWindow": "00:00-24:00", "caps": {}, "circuit": {"failureThreshold": 5, "openSeconds": 30, "maxOpenSeconds": 120}}
            """)
        let h = try DispatchHarness(queues: [sms], behaviour: DispatchHarness.behaviour { $0.faults.status5xx = 1 })
        let committee = try h.committee("yangguang")
        try h.residents(200, committee: committee)
        let broadcast = try h.broadcast(committee: committee, plan: [("sms", "sms", nil)])
        h.start()
        h.run(for: 300, step: 5)
        let duringOutage = h.simulator.requests().count
        // The threshold, the sends already in flight, and a probe now and then: not 200 × retries.
        #expect(duringOutage < 30, "\(duringOutage) requests reached a gateway that was down")
        let activity = try #require(h.dispatcher.activity().first)
        #expect(activity.circuitOpens >= 2)
        #expect(try h.scalar("SELECT count(*) FROM jobs WHERE state = 3") == 0)

        _ = h.simulator.updateBehaviour { $0.faults.status5xx = 0 }
        h.run(for: 300, step: 5)
        #expect(h.dispatcher.activity().first?.circuit == "closed")
        let states = try h.deliveries(broadcast: broadcast)
        #expect(states.values.allSatisfy { $0.state == .sent })
        #expect(h.sends(.kannel).count == 200)
        #expect(h.simulator.duplicates().isEmpty)
    }

    @Test func noBalancePausesTheQueueAndSaysWhy() throws {
        let sms = (adapter: "alibaba-sms", json: """
            {"name": "sms", "channel": "sms", "adapter": "alibaba-sms", "rate": 50, "burst": 50, "concurrency": 8}
            """)
        let h = try DispatchHarness(queues: [sms])
        h.simulator.setBalance(0)
        let committee = try h.committee("yangguang")
        try h.residents(10, committee: committee)
        let broadcast = try h.broadcast(committee: committee, plan: [("sms", "sms", nil)])
        h.start()
        h.run(for: 60, step: 10)
        let reason = try #require(try h.jobs.pausedReason(queue: "sms"))
        #expect(reason.contains("gateway failure"))
        guard case .paused = h.dispatcher.activity().first?.waiting else {
            Issue.record("status should say the queue is paused")
            return
        }
        #expect(try h.scalar("SELECT count(*) FROM jobs WHERE state = 3") == 0)
        #expect(try h.deliveries(broadcast: broadcast).values.allSatisfy { $0.state == .queued })
        // Another process's `herald status` sees it too.
        let snapshot = try h.jobs.readers.read { db in try RuntimeStore.load(db: db) }.first { $0.queue == "sms" }
        #expect(snapshot?.json.contains("gateway failure") == true)

        // The operator tops up and resumes: everything goes out.
        h.simulator.setBalance(nil)
        try h.jobs.resume(queue: "sms")
        h.run(for: 120, step: 10)
        #expect(try h.deliveries(broadcast: broadcast).values.allSatisfy { $0.state == .sent })
    }

    @Test func theGatewaysRetryAfterIsObeyed() throws {
        let h = try DispatchHarness(queues: [Self.sms])
        let committee = try h.committee("yangguang")
        try h.residents(1, committee: committee)
        let broadcast = try h.broadcast(committee: committee, plan: [("sms", "sms", nil)])
        h.simulator.inject(.status5xx(status: 503, retryAfter: 40), gateway: .kannel)
        h.start()
        #expect(h.simulator.requests().count == 1)
        h.run(for: 30, step: 10)
        #expect(h.simulator.requests().count == 1, "retried before the gateway's Retry-After")
        h.run(for: 10, step: 10)
        #expect(h.sends(.kannel).count == 1)
        #expect(try h.deliveries(broadcast: broadcast).values.first?.state == .sent)
    }

    @Test func aReminderGoesToTheSignedUpResidentsADayBeforeTheActivity() throws {
        let h = try DispatchHarness(queues: [Self.sms])
        let committee = try h.committee("yangguang")
        let residents = try h.residents(6, committee: committee)
        let activity = try h.activity(committee: committee, capacity: 10, startsIn: 2 * 86_400)
        try h.broadcast(committee: committee, plan: [("sms", "sms", nil)], kind: .invitation, activity: activity)
        h.start()
        #expect(h.sends(.kannel).count == 6)
        let activities = ActivityStore(writer: h.jobs.writer, readers: h.jobs.readers, clock: h.clock)
        for resident in residents.prefix(2) {
            _ = try activities.signUp(activity: activity, resident: resident, source: .smsReply)
        }
        h.run(for: 86_400 - 3_600, step: 3_600)
        #expect(h.sends(.kannel).count == 6, "the reminder went out early")
        h.run(for: 7_200, step: 600)
        #expect(h.sends(.kannel).count == 8)
        let reminder = try h.scalar("SELECT id FROM broadcasts WHERE kind = 'reminder'")
        #expect(Set(try h.deliveries(broadcast: reminder).values.map(\.resident)) == Set(residents.prefix(2)))
    }
}

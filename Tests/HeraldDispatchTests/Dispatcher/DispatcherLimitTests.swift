import Foundation
import HeraldCore
import HeraldSim
import Testing
@testable import HeraldDispatch
@testable import HeraldStore

/// The limiters, end to end: a dispatcher on an injected clock sending to
/// the gateway simulator, which records when (by the same clock) each send
/// arrived and how many it was working on at once.
@Suite(.serialized) struct DispatcherLimitTests {
    static let sms = (adapter: "kannel", json: """
        {"name": "sms", "channel": "sms", "adapter": "kannel", "rate": 200, "burst": 20, "concurrency": 64,
         "sendWindow": "00:00-24:00", "caps": {}}
        """)

    @Test func aQueueSetTo200PerSecondSends200PerSecondAndNeverMoreThanItsBurst() throws {
        let h = try DispatchHarness(queues: [Self.sms])
        let committee = try h.committee("yangguang")
        try h.residents(2_500, committee: committee)
        try h.broadcast(committee: committee, plan: [("sms", "sms", nil)])
        let start = h.clock.now()
        h.start()
        h.run(for: 10, step: 0.01)

        let times = h.sends(.kannel).map { $0.time.timeIntervalSince(start) }.sorted()
        let inTenSeconds = times.filter { $0 <= 10 }.count
        // 200/s for 10 s, plus the full bucket at the start.
        #expect(abs(Double(inTenSeconds - 20) - 2_000) <= 40, "sent \(inTenSeconds) in 10 s")
        // The last 9 seconds alone, bucket long spent: the steady rate.
        let steady = times.filter { $0 > 1 && $0 <= 10 }.count
        #expect(abs(Double(steady) - 1_800) <= 36, "sent \(steady) from 1 s to 10 s")
        // No window of any length holds more than burst + rate × length.
        for window in [0.01, 0.1, 0.5, 1, 5] {
            var low = 0
            var most = 0
            for high in times.indices {
                while times[high] - times[low] > window + 1e-9 { low += 1 }
                most = max(most, high - low + 1)
            }
            #expect(Double(most) <= 20 + 200 * window + 1e-6, "\(most) sends within \(window) s")
        }
        #expect(h.simulator.duplicates().isEmpty)
    }

    @Test func theVoiceConcurrencyCapIsNeverExceededAtTheGateway() throws {
        let voice = (adapter: "alibaba-tts", json: """
            {"name": "voice", "channel": "voice", "adapter": "alibaba-tts", "rate": 100, "burst": 100, "concurrency": 3}
            """)
        let h = try DispatchHarness(queues: [voice], behaviour: DispatchHarness.behaviour { $0.latencyMilliseconds = 15...40 })
        let committee = try h.committee("yangguang")
        try h.residents(24, committee: committee)
        let broadcast = try h.broadcast(committee: committee, plan: [("voice", "voice", nil)])
        h.start()
        h.run(for: 10, step: 1)
        #expect(h.sends(.alibaba).count == 24)
        #expect(h.simulator.stats().maxConcurrent[.alibaba] == 3)
        #expect(try h.deliveries(broadcast: broadcast).values.allSatisfy { $0.state == .sent })
        #expect(h.dispatcher.activity().first?.counters.concurrencyWaits ?? 0 > 0)
    }

    @Test func aVoiceJobDueAt2130GoesOutAt0900TheNextDay() throws {
        let voice = (adapter: "alibaba-tts", json: """
            {"name": "voice", "channel": "voice", "adapter": "alibaba-tts", "rate": 5, "burst": 10, "concurrency": 8}
            """)
        // 2026-12-01 21:30 in Shanghai.
        let evening = DispatchHarness.morning.addingTimeInterval(11.5 * 3600)
        let h = try DispatchHarness(queues: [voice], start: evening)
        let committee = try h.committee("yangguang")
        try h.residents(3, committee: committee)
        try h.broadcast(committee: committee, plan: [("voice", "voice", nil)])
        h.start()
        guard case .sendWindow(let until) = h.dispatcher.activity().first?.waiting else {
            Issue.record("expected the voice queue to wait for its window, got \(String(describing: h.dispatcher.activity().first?.waiting))")
            return
        }
        let nineNextDay = DispatchHarness.morning.addingTimeInterval(23 * 3600)
        #expect(until == nineNextDay)
        h.run(for: 11.5 * 3600 - 600, step: 600)
        #expect(h.sends(.alibaba).isEmpty, "a call went out at night")
        h.run(for: 600, step: 600)
        let calls = h.sends(.alibaba)
        #expect(calls.count == 3)
        #expect(calls.allSatisfy { $0.time == nineNextDay })
    }

    @Test func aResidentsQuietHoursDeferTheirCallToTheEndOfTheSpan() throws {
        let voice = (adapter: "alibaba-tts", json: """
            {"name": "voice", "channel": "voice", "adapter": "alibaba-tts", "rate": 5, "burst": 10, "concurrency": 8}
            """)
        let h = try DispatchHarness(queues: [voice])
        let committee = try h.committee("yangguang")
        try h.residents(1, committee: committee)
        // 10:00-11:30 is this resident's do-not-disturb span.
        try h.residents(1, committee: committee, first: 1, quiet: (600, 690))
        try h.broadcast(committee: committee, plan: [("voice", "voice", nil)])
        h.start()
        h.run(for: 2 * 3600, step: 300)
        let times = h.sends(.alibaba).map { $0.time.timeIntervalSince(DispatchHarness.morning) }.sorted()
        #expect(times == [0, 5_400])
        #expect(h.dispatcher.activity().first?.counters.deferredQuietHours == 1)
    }

    @Test func perResidentCapsDeferCallsNeverDropThem() throws {
        let voice = (adapter: "alibaba-tts", json: """
            {"name": "voice", "channel": "voice", "adapter": "alibaba-tts", "rate": 5, "burst": 10, "concurrency": 8,
             "caps": {"perMinute": 1, "perHour": 2}}
            """)
        let h = try DispatchHarness(queues: [voice])
        let committee = try h.committee("yangguang")
        try h.residents(1, committee: committee)
        for _ in 0..<3 { try h.broadcast(committee: committee, plan: [("voice", "voice", nil)]) }
        h.start()
        h.run(for: 2 * 3600, step: 30)
        let times = h.sends(.alibaba).map { $0.time.timeIntervalSince(DispatchHarness.morning) }.sorted()
        // One a minute, two an hour: the third waits for the first to leave the hour.
        #expect(times == [0, 60, 3_600])
        #expect(try h.scalar("SELECT count(*) FROM deliveries WHERE state = 1") == 3)
        #expect(try h.scalar("SELECT count(*) FROM jobs WHERE state = 3") == 0)
        #expect(h.dispatcher.activity().first?.counters.deferredFrequencyCap ?? 0 >= 2)
    }

    @Test func oneCommitteesBigBroadcastDoesNotHoldUpAnothersSmallOne() throws {
        let sms = (adapter: "kannel", json: """
            {"name": "sms", "channel": "sms", "adapter": "kannel", "rate": 100, "burst": 100, "concurrency": 100,
             "batch": 100, "sendWindow": "00:00-24:00", "caps": {}}
            """)
        let h = try DispatchHarness(queues: [sms])
        let big = try h.committee("dahua")
        let small = try h.committee("xiaoqu")
        try h.residents(5_000, committee: big)
        try h.residents(10, committee: small)
        try h.broadcast(committee: big, plan: [("sms", "sms", nil)])
        h.start()
        h.run(for: 2, step: 0.1)
        let before = h.sends(.kannel).count
        let smallBroadcast = try h.broadcast(committee: small, plan: [("sms", "sms", nil)])
        h.run(for: 2, step: 0.1)
        let smallDeliveries = Set(try h.deliveries(broadcast: smallBroadcast).keys.map(String.init))
        let order = h.sends(.kannel).dropFirst(before).map { smallDeliveries.contains($0.deliveryID ?? "") }
        guard let last = order.lastIndex(of: true) else {
            Issue.record("the small committee's notice was not sent")
            return
        }
        #expect(order.filter { $0 }.count == 10)
        // Round-robin within the priority: all ten within the first claim batch or two.
        #expect(last < 100, "the small committee's last SMS was the \(last + 1)th after it was created")
    }
}

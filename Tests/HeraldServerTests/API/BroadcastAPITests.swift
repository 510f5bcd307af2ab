import Foundation
import HeraldChannels
import HeraldCore
import HeraldStore
import Testing
@testable import HeraldServer

@Suite struct BroadcastAPITests {
    static let activityBody = """
        {"title": "楼道微整治 · 更换灭火器", "place": "5号楼底层活动室", "starts_at": "2026-12-06T09:00:00+08:00",
         "capacity": 400}
        """

    static func invitation(activity: Int64, queue: String = "alibaba-sms") -> String {
        """
        {"template": "activity-invitation",
         "variables": {"activity": "更换灭火器", "time": "12月6日 09:00", "place": "5号楼活动室", "seats": "400"},
         "audience": {"all": true}, "activity_id": \(activity),
         "plan": {"steps": [{"channel": "sms", "queue": "\(queue)", "escalate_after_seconds": 7200},
                            {"channel": "voice", "queue": "alibaba-ivr"}]}}
        """
    }

    /// Residents and an activity for committee A; returns the activity id.
    static func setUp(_ harness: ServerHarness) async throws -> Int64 {
        let residents = try await harness.request("POST", "/v1/residents", token: harness.tokenA,
                                                  body: ResidentAPITests.roster)
        #expect(residents.status == 200)
        let created = try await harness.request("POST", "/v1/activities", token: harness.tokenA, body: activityBody)
        #expect(created.status == 201, "\(created.text)")
        return try #require(harness.object(created)["id"] as? Int).int64
    }

    @Test func createIsIdempotentByKeyAndShowsProgressAfterFanout() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let activity = try await Self.setUp(harness)
        let key = [HeraldChannelsHeader.idempotency("invite-2026-12-06")]
        let first = try await harness.request("POST", "/v1/broadcasts", token: harness.tokenA,
                                              body: Self.invitation(activity: activity), headers: key)
        #expect(first.status == 201, "\(first.text)")
        let created = try harness.object(first)
        let id = try #require(created["id"] as? Int)
        #expect(created["kind"] as? String == "invitation")
        #expect(created["state"] as? String == "scheduled")
        #expect(first.header("Location") == "/v1/broadcasts/\(id)")

        let repeated = try await harness.request("POST", "/v1/broadcasts", token: harness.tokenA,
                                                 body: Self.invitation(activity: activity), headers: key)
        #expect(repeated.status == 201)
        #expect(try harness.object(repeated)["id"] as? Int == id)
        #expect(repeated.header("Idempotent-Replayed") == "true")
        #expect(try harness.count("SELECT count(*) FROM broadcasts") == 1)

        let reused = try await harness.request("POST", "/v1/broadcasts", token: harness.tokenA,
                                               body: Self.invitation(activity: activity, queue: "tencent-sms"), headers: key)
        #expect(reused.status == 409)
        #expect(harness.errorCode(reused) == "idempotency_key_reused")

        _ = try Fanout(queue: harness.jobs).run(broadcast: Int64(id))
        let shown = try await harness.request("GET", "/v1/broadcasts/\(id)", token: harness.tokenA)
        #expect(shown.status == 200)
        let body = try harness.object(shown)
        let progress = try #require(body["progress"] as? [String: Any])
        #expect(progress["total"] as? Int == 2)
        #expect((progress["by_state"] as? [String: Int])?["queued"] == 2)
        #expect(body["signups"] as? Int == 0)
        let place = try #require(body["activity"] as? [String: Any])
        #expect(place["capacity"] as? Int == 400)
        #expect(place["remaining"] as? Int == 400)

        let list = try await harness.request("GET", "/v1/broadcasts", token: harness.tokenA)
        #expect((try harness.object(list)["broadcasts"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id])
    }

    @Test func cancelStopsQueuedDeliveriesAndJobs() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let activity = try await Self.setUp(harness)
        let created = try await harness.request("POST", "/v1/broadcasts", token: harness.tokenA,
                                                body: Self.invitation(activity: activity))
        let id = try #require(harness.object(created)["id"] as? Int)
        _ = try Fanout(queue: harness.jobs).run(broadcast: Int64(id))
        #expect(try harness.count("SELECT count(*) FROM jobs WHERE state = 0") == 2)

        let cancelled = try await harness.request("POST", "/v1/broadcasts/\(id)/cancel", token: harness.tokenA)
        #expect(cancelled.status == 200, "\(cancelled.text)")
        let body = try harness.object(cancelled)
        #expect(body["state"] as? String == "cancelled")
        #expect(((body["progress"] as? [String: Any])?["by_state"] as? [String: Int])?["cancelled"] == 2)
        #expect(try harness.count("SELECT count(*) FROM jobs WHERE state = 0") == 0)
        let again = try await harness.request("POST", "/v1/broadcasts/\(id)/cancel", token: harness.tokenA)
        #expect(again.status == 200)
    }

    @Test func invalidBroadcastsSayWhatAndWriteNothing() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let activity = try await Self.setUp(harness)
        let valid = Self.invitation(activity: activity)
        let cases: [(body: String, code: String)] = [
            (valid.replacingOccurrences(of: "activity-invitation", with: "no-such"), "unknown_template"),
            (valid.replacingOccurrences(of: "\"alibaba-sms\"", with: "\"no-queue\""), "unknown_queue"),
            (valid.replacingOccurrences(of: "\"alibaba-sms\"", with: "\"alibaba-ivr\""), "invalid"),
            (valid.replacingOccurrences(of: #""seats": "400""#, with: #""seets": "400""#), "unknown_variable"),
            (valid.replacingOccurrences(of: #", "seats": "400""#, with: ""), "template_error"),
            (valid.replacingOccurrences(of: #""all": true"#, with: #""everyone": true"#), "unknown_field"),
            (valid.replacingOccurrences(of: "7200", with: "\"2h\""), "invalid"),
            (valid.replacingOccurrences(of: "\"activity_id\": \(activity)", with: "\"activity_id\": 999"), "not_found"),
            (valid.replacingOccurrences(of: "\"plan\"", with: "\"scheduled_at\": \"tomorrow\", \"plan\""), "invalid"),
        ]
        for item in cases {
            let response = try await harness.request("POST", "/v1/broadcasts", token: harness.tokenA, body: item.body)
            #expect((400..<500).contains(response.status), "\(item.code)")
            #expect(harness.errorCode(response) == item.code, "\(item.code): \(response.text)")
        }
        #expect(try harness.count("SELECT count(*) FROM broadcasts") == 0)
    }
}

@Suite struct ActivityAPITests {
    @Test func createGetListAndStaffCancelASignUp() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let activity = try await BroadcastAPITests.setUp(harness)
        let resident = try harness.jobs.readers.read { db in
            try db.scalarInt("SELECT id FROM residents ORDER BY id LIMIT 1") ?? 0
        }
        _ = try ActivityStore(writer: harness.jobs.writer, readers: harness.jobs.readers, clock: harness.clock)
            .signUp(activity: activity, resident: resident, source: .smsReply)

        let shown = try await harness.request("GET", "/v1/activities/\(activity)", token: harness.tokenA)
        let body = try harness.object(shown)
        #expect(body["signed_up"] as? Int == 1)
        #expect(body["remaining"] as? Int == 399)
        #expect(body["starts_at"] as? String == "2026-12-06T01:00:00Z")

        let list = try await harness.request("GET", "/v1/activities", token: harness.tokenA)
        #expect((try harness.object(list)["activities"] as? [[String: Any]])?.count == 1)

        let removed = try await harness.request("DELETE", "/v1/activities/\(activity)/signups/\(resident)",
                                                token: harness.tokenA)
        #expect(removed.status == 200)
        #expect(try harness.object(removed)["result"] as? String == "cancelled")
        #expect((try harness.object(removed)["activity"] as? [String: Any])?["signed_up"] as? Int == 0)
        let twice = try await harness.request("DELETE", "/v1/activities/\(activity)/signups/\(resident)",
                                              token: harness.tokenA)
        #expect(try harness.object(twice)["result"] as? String == "not_signed_up")
    }

    @Test func invalidActivitiesAreRefused() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let cases: [(body: String, code: String)] = [
            (#"{"title": "更换灭火器", "starts_at": "2026-12-06T09:00:00+08:00", "capacity": 0}"#, "invalid"),
            (#"{"title": "更换灭火器", "starts_at": "2026-11-06T09:00:00+08:00", "capacity": 10}"#, "invalid"),
            (#"{"title": "更换灭火器", "starts_at": "next week", "capacity": 10}"#, "invalid"),
            (#"{"title": "更换灭火器", "starts_at": "2026-12-06T09:00:00+08:00", "capcity": 10}"#, "unknown_field"),
            (#"{"title": "更换灭火器", "starts_at": "2026-12-06T09:00:00+08:00", "capacity": "400"}"#, "invalid"),
            (#"{"title": "更换灭火器", "starts_at": "2026-12-06T09:00:00+08:00"}"#, "invalid"),
        ]
        for item in cases {
            let response = try await harness.request("POST", "/v1/activities", token: harness.tokenA, body: item.body)
            #expect((400..<500).contains(response.status), "\(item.body)")
            #expect(harness.errorCode(response) == item.code, "\(item.body): \(response.text)")
        }
        #expect(try harness.count("SELECT count(*) FROM activities") == 0)
    }
}

@Suite struct TemplateAPITests {
    @Test func listAndPreviewEveryChannel() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let list = try await harness.request("GET", "/v1/templates", token: harness.tokenA)
        let templates = try harness.object(list)["templates"] as? [[String: Any]] ?? []
        #expect(templates.contains { $0["name"] as? String == "activity-invitation" })

        let preview = try await harness.request("POST", "/v1/templates/activity-invitation/preview", token: harness.tokenA,
                                                body: #"{"variables": {"seats": "50"}, "resident_name": "陈阿婆"}"#)
        #expect(preview.status == 200, "\(preview.text)")
        let body = try harness.object(preview)
        let sms = try #require(body["sms"] as? [String: Any])
        #expect((sms["text"] as? String)?.contains("50") == true)
        #expect((sms["segments"] as? Int ?? 0) >= 1)
        #expect(sms["encoding"] as? String != nil)
        #expect(body["voice"] != nil)

        let unknown = try await harness.request("POST", "/v1/templates/nope/preview", token: harness.tokenA)
        #expect(unknown.status == 404)
        let badVariable = try await harness.request("POST", "/v1/templates/notice/preview", token: harness.tokenA,
                                                    body: #"{"variables": {"nope": "x"}}"#)
        #expect(badVariable.status == 422)
    }
}

/// Header helpers for the tests.
enum HeraldChannelsHeader {
    static func idempotency(_ key: String) -> HeraldChannels.HTTPHeader { .init("Idempotency-Key", key) }
}

extension Int {
    var int64: Int64 { Int64(self) }
}

import Foundation
import HeraldStore
import Testing
@testable import HeraldServer

/// `/v1/queues`: the person on call pauses and resumes a queue through the API.
@Suite struct QueueRoutesTests {
    @Test func anAdminPausesListsAndResumesAQueue() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        try harness.jobs.enqueue([NewJob(queue: "alibaba-ivr", payload: Data("call".utf8))])

        let paused = try await harness.request("POST", "/v1/queues/alibaba-ivr/pause", token: harness.adminToken,
                                               body: #"{"reason": "线路维护至18:00"}"#)
        #expect(paused.status == 200, "\(paused.text)")
        let change = try harness.object(paused)
        #expect(change["queue"] as? String == "alibaba-ivr" && change["paused"] as? Bool == true)
        #expect(change["previous_reason"] is NSNull)
        #expect(try harness.jobs.pausedReason(queue: "alibaba-ivr") == "线路维护至18:00")
        #expect(try harness.jobs.claim(queue: "alibaba-ivr", limit: 10, leaseFor: 30).isEmpty)

        let again = try await harness.request("POST", "/v1/queues/alibaba-ivr/pause", token: harness.adminToken,
                                              body: #"{"reason": "still down"}"#)
        #expect(try harness.object(again)["previous_reason"] as? String == "线路维护至18:00")

        let listed = try await harness.request("GET", "/v1/queues", token: harness.adminToken)
        let queues = try #require(try harness.object(listed)["queues"] as? [[String: Any]])
        let ivr = try #require(queues.first { $0["queue"] as? String == "alibaba-ivr" })
        #expect(ivr["paused"] as? Bool == true && ivr["paused_reason"] as? String == "still down")
        #expect(ivr["available"] as? Int == 1)
        #expect(queues.contains { $0["queue"] as? String == "kannel-sms" && $0["paused"] as? Bool == false },
                "the queue files' queues, even unused")

        let resumed = try await harness.request("POST", "/v1/queues/alibaba-ivr/resume", token: harness.adminToken)
        #expect(resumed.status == 200)
        #expect(try harness.object(resumed)["previous_reason"] as? String == "still down")
        #expect(try harness.jobs.pausedReason(queue: "alibaba-ivr") == nil)
        #expect(try harness.jobs.claim(queue: "alibaba-ivr", limit: 10, leaseFor: 30).count == 1)
    }

    @Test func committeeTokensTyposAndMissingReasonsAreRefusedAndChangeNothing() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        for path in ["/v1/queues/alibaba-ivr/pause", "/v1/queues/alibaba-ivr/resume"] {
            let refused = try await harness.request("POST", path, token: harness.tokenA, body: #"{"reason": "x"}"#)
            #expect(refused.status == 403 && harness.errorCode(refused) == "forbidden", "\(path)")
        }
        let list = try await harness.request("GET", "/v1/queues", token: harness.tokenA)
        #expect(list.status == 403)

        let typo = try await harness.request("POST", "/v1/queues/alibaba-ivx/pause", token: harness.adminToken,
                                             body: #"{"reason": "typo"}"#)
        #expect(typo.status == 404 && harness.errorCode(typo) == "not_found")
        #expect(typo.text.contains("no queue 'alibaba-ivx'; queues: alibaba-ivr"))
        for body in [#"{"reason": "  "}"#, #"{}"#, #"{"reason": "x", "until": "18:00"}"#, #"{"reason": 5}"#] {
            let bad = try await harness.request("POST", "/v1/queues/alibaba-ivr/pause", token: harness.adminToken,
                                                body: body)
            #expect(bad.status == 422, "\(body): \(bad.text)")
        }
        #expect(try harness.jobs.stats().isEmpty, "nothing was created or paused")
    }
}

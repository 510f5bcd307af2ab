import Foundation
import HeraldStore
import Testing
@testable import HeraldServer

/// `/v1/dead`: bad requests are refused with the error shape and change nothing.
@Suite struct DeadLetterRoutesTests {
    @Test func badPurgesAndRetriesAreRefusedAndDeleteNothing() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let id = try harness.jobs.enqueue([NewJob(queue: "kannel-sms", payload: Data("x".utf8), maxAttempts: 1)])[0].id
        let claimed = try harness.jobs.claim(queue: "kannel-sms", limit: 1, leaseFor: 30)
        try harness.jobs.complete([Completion(claimed[0].lease, .dead(error: "invalid destination"))])

        for body in [#"{}"#, #"{"all": true, "older_than_seconds": 60}"#, #"{"older_than_seconds": -1}"#,
                     #"{"all": "yes"}"#, #"{"all": true, "confirm": true}"#, #"{"all": false}"#] {
            let refused = try await harness.request("POST", "/v1/dead/purge", token: harness.adminToken, body: body)
            #expect(refused.status == 422, "\(body): \(refused.text)")
        }
        let committee = try await harness.request("POST", "/v1/dead/purge", token: harness.tokenA, body: #"{"all": true}"#)
        #expect(committee.status == 403)
        #expect(try harness.jobs.stats().first?.dead == 1, "nothing deleted")

        let young = try await harness.request("POST", "/v1/dead/purge", token: harness.adminToken,
                                              body: #"{"older_than_seconds": 60}"#)
        #expect(try harness.object(young)["deleted"] as? Int == 0, "it died just now")

        let shown = try await harness.request("GET", "/v1/dead/\(id)", token: harness.adminToken)
        #expect(shown.status == 200)
        #expect(try harness.object(shown)["last_error"] as? String == "invalid destination")
        let badLimit = try await harness.request("GET", "/v1/dead?limit=0", token: harness.adminToken)
        #expect(badLimit.status == 422)

        let retried = try await harness.request("POST", "/v1/dead/\(id)/retry", token: harness.adminToken)
        #expect(try harness.object(retried)["retried"] as? Int == 1)
        let notDead = try await harness.request("GET", "/v1/dead/\(id)", token: harness.adminToken)
        #expect(notDead.status == 409 && harness.errorCode(notDead) == "not_dead")
    }
}

import Foundation
import HeraldStore
import Testing
@testable import HeraldServer

/// `/v1/tokens`: the platform's backend gives a new committee its token.
@Suite struct TokenRoutesTests {
    @Test func aTokenIsShownOnceNeverListedAndBadBodiesMakeNone() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let before = try harness.jobs.readers.read { db in try TokenStore.list(db: db).count }

        let made = try await harness.request("POST", "/v1/tokens", token: harness.adminToken,
                                             body: #"{"name": "小程序后台", "committee_id": \#(harness.committeeB)}"#)
        #expect(made.status == 201, "\(made.text)")
        #expect(made.header("Cache-Control") == "no-store")
        let object = try harness.object(made)
        let token = try #require(object["token"] as? String)
        #expect(object["scope"] as? String == "committee" && object["committee"] as? Int == Int(harness.committeeB))
        #expect(object["revoked_at"] is NSNull)
        let own = try await harness.request("GET", "/v1/residents", token: token)
        #expect(own.status == 200, "the new token works at once")

        let listed = try await harness.request("GET", "/v1/tokens", token: harness.adminToken)
        #expect(listed.status == 200 && !listed.text.contains(token) && !listed.text.contains(harness.adminToken))
        #expect((try harness.object(listed)["tokens"] as? [[String: Any]])?.allSatisfy { $0["token"] == nil } == true)

        for body in [#"{"name": "x"}"#, #"{"name": "x", "admin": true, "committee_id": 1}"#, #"{"name": "", "admin": true}"#,
                     #"{"name": "x", "admin": true, "expires": "never"}"#, #"{"name": "x", "committee_id": "one"}"#] {
            let refused = try await harness.request("POST", "/v1/tokens", token: harness.adminToken, body: body)
            #expect(refused.status == 422, "\(body): \(refused.text)")
        }
        let noCommittee = try await harness.request("POST", "/v1/tokens", token: harness.adminToken,
                                                    body: #"{"name": "x", "committee_id": 99999}"#)
        #expect(noCommittee.status == 404)
        let escalate = try await harness.request("POST", "/v1/tokens", token: harness.tokenA,
                                                 body: #"{"name": "x", "admin": true}"#)
        #expect(escalate.status == 403)
        let after = try harness.jobs.readers.read { db in try TokenStore.list(db: db).count }
        #expect(after == before + 1, "only the one good request made a token")

        let id = try #require(object["id"] as? Int)
        let revoked = try await harness.request("POST", "/v1/tokens/\(id)/revoke", token: harness.adminToken)
        let revokedAt = try harness.object(revoked)["revoked_at"] as? String
        #expect(revoked.status == 200 && revokedAt != nil)
        let gone = try await harness.request("GET", "/v1/residents", token: token)
        #expect(gone.status == 401)
    }
}

import Foundation
import HeraldChannels
import HeraldCore
import HeraldStore
import Testing
@testable import HeraldServer

/// Committee A's token against every route that touches committee B's
/// records; requests with no token, a bad token and a revoked token; what
/// an admin may do.
@Suite struct AuthMatrixTests {
    /// Committee B's resident, activity and broadcast.
    struct Records {
        var resident: Int64
        var activity: Int64
        var broadcast: Int64
    }

    static func committeeBRecords(_ harness: ServerHarness) async throws -> Records {
        let residents = try await harness.request("POST", "/v1/residents", token: harness.tokenB,
                                                  body: ResidentAPITests.roster)
        #expect(residents.status == 200)
        let activity = try await harness.request("POST", "/v1/activities", token: harness.tokenB,
                                                 body: BroadcastAPITests.activityBody)
        let activityID = try #require(harness.object(activity)["id"] as? Int).int64
        let broadcast = try await harness.request("POST", "/v1/broadcasts", token: harness.tokenB,
                                                  body: BroadcastAPITests.invitation(activity: activityID))
        let broadcastID = try #require(harness.object(broadcast)["id"] as? Int).int64
        let resident = try harness.jobs.readers.read { db in
            try db.scalarInt("SELECT min(id) FROM residents WHERE committee_id = ?", [harness.committeeB]) ?? 0
        }
        return Records(resident: resident, activity: activityID, broadcast: broadcastID)
    }

    @Test func committeeATokenCannotSeeOrChangeCommitteeBRecords() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let b = try await Self.committeeBRecords(harness)
        let ownActivity = try await harness.request("POST", "/v1/activities", token: harness.tokenA,
                                                    body: BroadcastAPITests.activityBody)
        let activityA = try #require(harness.object(ownActivity)["id"] as? Int)
        let before = try harness.count("SELECT count(*) FROM residents")

        let refused: [(method: String, path: String, body: String?)] = [
            ("GET", "/v1/broadcasts/\(b.broadcast)", nil),
            ("POST", "/v1/broadcasts/\(b.broadcast)/cancel", nil),
            ("GET", "/v1/activities/\(b.activity)", nil),
            ("DELETE", "/v1/activities/\(b.activity)/signups/\(b.resident)", nil),
            ("DELETE", "/v1/activities/\(activityA)/signups/\(b.resident)", nil),
            ("GET", "/v1/residents?committee=\(harness.committeeB)", nil),
            ("POST", "/v1/residents?committee=\(harness.committeeB)", ResidentAPITests.roster),
            ("GET", "/v1/broadcasts?committee=\(harness.committeeB)", nil),
            ("GET", "/v1/activities?committee=\(harness.committeeB)", nil),
            ("POST", "/v1/broadcasts", BroadcastAPITests.invitation(activity: b.activity)),
        ]
        for route in refused {
            let response = try await harness.request(route.method, route.path, token: harness.tokenA, body: route.body)
            #expect(response.status == 404, "\(route.method) \(route.path): \(response.status) \(response.text)")
            #expect(harness.errorCode(response) == "not_found", "\(route.method) \(route.path)")
        }
        let upload = try await harness.request("POST", "/v1/residents/import?committee=\(harness.committeeB)",
                                               token: harness.tokenA, body: "姓名,手机号\n王秀英,13800000009\n",
                                               contentType: "text/csv")
        #expect(upload.status == 404, "import into B: \(upload.status) \(upload.text)")
        // A record of B answers exactly like a record that does not exist.
        let missing = try await harness.request("GET", "/v1/broadcasts/999999", token: harness.tokenA)
        let foreign = try await harness.request("GET", "/v1/broadcasts/\(b.broadcast)", token: harness.tokenA)
        #expect(missing.status == foreign.status)
        #expect(harness.errorCode(missing) == harness.errorCode(foreign))

        // Nothing of B's changed.
        #expect(try harness.count("SELECT count(*) FROM residents") == before)
        #expect(try harness.count("SELECT count(*) FROM broadcasts WHERE state = 'cancelled'") == 0)
        #expect(try harness.count("SELECT count(*) FROM broadcasts WHERE committee_id = ?", [harness.committeeA]) == 0)

        // Admin-only routes refuse a committee token with 403.
        for (method, path) in [("GET", "/v1/status"), ("GET", "/v1/committees"), ("POST", "/v1/committees")] {
            let response = try await harness.request(method, path, token: harness.tokenA,
                                                     body: method == "POST" ? #"{"slug": "x", "name": "x"}"# : nil)
            #expect(response.status == 403, "\(method) \(path)")
            #expect(harness.errorCode(response) == "forbidden")
        }
    }

    @Test func everyTokenRouteRefusesMissingBadAndRevokedTokens() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let revoked = try harness.jobs.writer.write { db in
            let made = try TokenStore.create(for: .committee(harness.committeeA), name: "old", at: 0, db: db)
            try TokenStore.revoke(String(made.record.id), at: 1, db: db)
            return made.token
        }
        let badTokens: [String?] = [nil, "", "hrd_" + String(repeating: "0", count: 64), "not-a-token",
                                    harness.tokenA + "x", revoked]
        // Open routes: health, metrics, callbacks and the signed sign-up webhook.
        let tokenRoutes = harness.server.routeTable.filter {
            $0.pattern.hasPrefix("/v1/") && $0.pattern != "/v1/signups"
        }
        #expect(tokenRoutes.count >= 14)
        for route in tokenRoutes {
            let path = route.pattern.replacingOccurrences(of: "{id}", with: "1")
                .replacingOccurrences(of: "{resident}", with: "1").replacingOccurrences(of: "{name}", with: "notice")
            for token in badTokens {
                var headers: [HTTPHeader] = []
                if let token { headers.append(HTTPHeader("Authorization", "Bearer \(token)")) }
                let response = try await harness.request(route.method, path, body: route.method == "GET" ? nil : "{}",
                                                         headers: headers)
                #expect(response.status == 401, "\(route.method) \(path) with \(token.map { "'\($0.prefix(8))…'" } ?? "no token")")
                #expect(harness.errorCode(response) == "unauthenticated")
            }
        }
        let wrongScheme = try await harness.request("GET", "/v1/residents",
                                                    headers: [HTTPHeader("Authorization", "Basic \(harness.tokenA)")])
        #expect(wrongScheme.status == 401)
    }

    @Test func adminSeesEveryCommitteeAndNamesOneToActForIt() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let b = try await Self.committeeBRecords(harness)
        let shown = try await harness.request("GET", "/v1/broadcasts/\(b.broadcast)", token: harness.adminToken)
        #expect(shown.status == 200)
        let activity = try await harness.request("GET", "/v1/activities/\(b.activity)", token: harness.adminToken)
        #expect(activity.status == 200)

        let unscoped = try await harness.request("GET", "/v1/residents", token: harness.adminToken)
        #expect(unscoped.status == 422)
        #expect(harness.errorCode(unscoped) == "committee_required")
        let scoped = try await harness.request("GET", "/v1/residents?committee=\(harness.committeeB)",
                                               token: harness.adminToken)
        #expect((try harness.object(scoped)["residents"] as? [Any])?.count == 2)

        let status = try await harness.request("GET", "/v1/status", token: harness.adminToken)
        #expect(status.status == 200)
        #expect(try harness.object(status)["schema_version"] as? Int == Schema.migrator.latestVersion)

        let committee = try await harness.request("POST", "/v1/committees", token: harness.adminToken,
                                                  body: #"{"slug": "jingan-1", "name": "静安一居委"}"#)
        #expect(committee.status == 201)
        let duplicate = try await harness.request("POST", "/v1/committees", token: harness.adminToken,
                                                  body: #"{"slug": "jingan-1", "name": "静安一居委"}"#)
        #expect(duplicate.status == 409)
        let list = try await harness.request("GET", "/v1/committees", token: harness.adminToken)
        #expect((try harness.object(list)["committees"] as? [Any])?.count == 3)
    }
}

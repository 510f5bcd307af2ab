import Foundation
import HeraldCore
import HeraldStore
import Testing

/// `herald status --url`: the report from a running server's `GET /v1/status`
/// is the one the local database gives.
@Suite struct RemoteStatusTests {
    @Test func theServersReportIsTheLocalOne() throws {
        let fixture = try CommandFixture()
        try fixture.addResidents()
        let activity = try fixture.run(["activity", "create", "--committee", "yangguang", "--title", "楼道微整治 · 更换灭火器",
                                        "--starts-at", "2030-12-06T09:00+08:00", "--capacity", "400"])
        #expect(activity.status == 0, "\(activity.stderr)")
        let server = try RemoteServer(fixture)

        let local = try fixture.run(["status", "--json"])
        let remote = try server.run(["status", "--json"], token: server.adminToken)
        #expect(remote.status == 0, "\(remote.stderr)")
        var localReport = try #require(JSONSerialization.jsonObject(with: Data(local.stdout.utf8)) as? [String: Any])
        var remoteReport = try #require(JSONSerialization.jsonObject(with: Data(remote.stdout.utf8)) as? [String: Any])
        // Read a moment apart: everything but the time matches.
        localReport["generated_at"] = nil
        remoteReport["generated_at"] = nil
        func text(_ report: [String: Any]) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self)
        }
        #expect(try text(localReport) == text(remoteReport))
        let activities = remoteReport["activities"] as? [[String: Any]] ?? []
        #expect(activities.map { $0["title"] as? String } == ["楼道微整治 · 更换灭火器"])

        let text = try server.run(["status"], token: server.adminToken)
        #expect(text.status == 0)
        #expect(text.stdout.contains("楼道微整治 · 更换灭火器") && text.stdout.contains("0/400"))
        let watched = try server.run(["status", "--watch", "--count", "2", "--interval", "0", "--json"],
                                     token: server.adminToken)
        #expect(watched.stdout.split(separator: "\n").count == 2)

        // A committee token may not read the whole machine's status.
        let refused = try server.run(["status"])
        #expect(refused.status == 77)
        #expect(refused.stderr.trimmingCharacters(in: .newlines).split(separator: "\n").count == 1)
    }
}

import Foundation
import Testing
@testable import HeraldServer

@Suite struct ResidentAPITests {
    static let roster = """
        {"residents": [
          {"name": "王秀英", "phone": "13800000001", "building": "3号楼", "tags": ["独居老人"], "voice_ok": true},
          {"name": "李建国", "phone": "+86 138 0000 0002", "openid": "o-li-2", "building": "5号楼"}
        ]}
        """

    @Test func bulkUpsertInsertsThenUpdatesAndListsMaskedPhones() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let first = try await harness.request("POST", "/v1/residents", token: harness.tokenA, body: Self.roster)
        #expect(first.status == 200)
        let report = try harness.object(first)
        #expect(report["inserted"] as? Int == 2)
        #expect(report["updated"] as? Int == 0)

        let again = try await harness.request("POST", "/v1/residents", token: harness.tokenA, body: Self.roster)
        #expect(try harness.object(again)["updated"] as? Int == 2)
        #expect(try harness.count("SELECT count(*) FROM residents") == 2)

        let list = try await harness.request("GET", "/v1/residents?limit=10", token: harness.tokenA)
        #expect(list.status == 200)
        let residents = try harness.object(list)["residents"] as? [[String: Any]] ?? []
        #expect(residents.map { $0["name"] as? String } == ["王秀英", "李建国"])
        #expect(residents.first?["phone"] as? String == "+86 138****0001")
        #expect(!list.text.contains("13800000001"))
        #expect(residents.last?["has_openid"] as? Bool == true)

        // Committee B sees none of them.
        let other = try await harness.request("GET", "/v1/residents", token: harness.tokenB)
        #expect((try harness.object(other)["residents"] as? [Any])?.isEmpty == true)
    }

    @Test func aBadRowRejectsTheWholeRosterWithARowReport() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let body = """
            {"residents": [{"name": "王秀英", "phone": "13800000001"}, {"name": "李建国", "phone": "12345"}]}
            """
        let response = try await harness.request("POST", "/v1/residents", token: harness.tokenA, body: body)
        #expect(response.status == 422)
        #expect(harness.errorCode(response) == "invalid_roster")
        let issues = (try harness.object(response)["report"] as? [String: Any])?["issues"] as? [[String: Any]] ?? []
        #expect(issues.contains { $0["code"] as? String == "invalid_phone" && $0["index"] as? Int == 1 })
        #expect(try harness.count("SELECT count(*) FROM residents") == 0)
    }

    @Test func malformedUnknownAndMistypedBodiesAreRefusedWithTheErrorShape() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let cases: [(body: String, status: Int, code: String)] = [
            (#"{"residents": [{"name": "王"#, 400, "malformed_json"),
            (#"{"residents": [{"name": "王秀英", "phone": "13800000001", "fone": "x"}]}"#, 422, "unknown_field"),
            (#"{"people": []}"#, 422, "unknown_field"),
            (#"{"residents": "王秀英"}"#, 422, "invalid"),
            (#"{"residents": []}"#, 422, "invalid"),
        ]
        for item in cases {
            let response = try await harness.request("POST", "/v1/residents", token: harness.tokenA, body: item.body)
            #expect(response.status == item.status, "\(item.body)")
            #expect(harness.errorCode(response) == item.code, "\(item.body): \(response.text)")
            let message = (try? harness.object(response)["error"] as? [String: Any])?["message"] as? String
            #expect(message?.isEmpty == false)
        }
        let wrongType = try await harness.request("POST", "/v1/residents", token: harness.tokenA,
                                                  body: "name,phone\n", contentType: "text/csv")
        #expect(wrongType.status == 415)
        #expect(try harness.count("SELECT count(*) FROM residents") == 0)
    }

    @Test func anOversizedBodyIs413AndNothingIsWritten() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let padding = String(repeating: " ", count: 70 * 1024)
        let response = try await harness.request("POST", "/v1/residents", token: harness.tokenA,
                                                 body: Self.roster + padding)
        #expect(response.status == 413)
        #expect(harness.errorCode(response) != nil)
        #expect(try harness.count("SELECT count(*) FROM residents") == 0)
    }

    @Test func csvImportStreamsPastTheJSONBodyCap() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        // ~150 KiB: more than the 64 KiB JSON cap, within the 1 MiB import cap.
        var csv = "姓名,手机号,楼栋,标签\n"
        for index in 0..<3_000 {
            csv += "居民\(index),1390000\(String(format: "%04d", index)),\(index % 12 + 1)号楼,志愿者\n"
        }
        #expect(csv.utf8.count > 64 * 1024)
        let response = try await harness.request("POST", "/v1/residents/import", token: harness.tokenA, body: csv,
                                                 contentType: "text/csv; charset=utf-8")
        #expect(response.status == 200, "\(response.text.prefix(300))")
        let report = try harness.object(response)
        #expect(report["inserted"] as? Int == 3_000)
        #expect((report["summary"] as? [String: Any])?["rows_read"] as? Int == 3_000)
        #expect(try harness.count("SELECT count(*) FROM residents WHERE committee_id = ?", [harness.committeeA]) == 3_000)
    }

    @Test func badCSVIsRefusedWhole() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let csv = "姓名,手机号\n王秀英,13800000001\n李建国,not-a-phone\n\"陈阿婆,13800000003\n"
        let response = try await harness.request("POST", "/v1/residents/import", token: harness.tokenA, body: csv,
                                                 contentType: "text/csv")
        #expect(response.status == 422)
        #expect(harness.errorCode(response) == "invalid_roster")
        let issues = (try harness.object(response)["report"] as? [String: Any])?["issues"] as? [[String: Any]] ?? []
        #expect(issues.contains { $0["line"] as? Int == 3 && $0["code"] as? String == "invalid_phone" })
        #expect(try harness.count("SELECT count(*) FROM residents") == 0)

        let headerOnly = try await harness.request("POST", "/v1/residents/import", token: harness.tokenA,
                                                   body: "姓名,手机号\n", contentType: "text/csv")
        #expect(headerOnly.status == 422)

        let tooBig = String(repeating: "王秀英,13800000001\n", count: 50_000)
        let oversized = try await harness.request("POST", "/v1/residents/import", token: harness.tokenA,
                                                  body: "姓名,手机号\n" + tooBig, contentType: "text/csv")
        #expect(oversized.status == 413)
        #expect(try harness.count("SELECT count(*) FROM residents") == 0)
    }
}

import Foundation
import HeraldCore
import HeraldStore
import Testing

/// `herald demo` on a small neighbourhood: the whole loop (API, dispatcher,
/// simulator, callbacks) runs, the summary matches the database it leaves,
/// and an earlier demo's database is replaced while any other is refused.
@Suite struct DemoCommandTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let templates = packageRoot.appendingPathComponent("Templates").path

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test func aSmallDemoFillsItsActivityAndLeavesTheDatabase() throws {
        let path = NSTemporaryDirectory() + "herald-demo-\(UUID().uuidString).db"
        defer { Self.remove(path) }
        let run = try HeraldProcess.run(["demo", "--db", path, "--templates", Self.templates,
                                         "--residents", "400", "--places", "40", "--seed", "7"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("楼道微整治 · 更换灭火器"))
        #expect(run.stdout.contains("报名 signed up"))

        let db = try Database(path: path, options: .reader)
        #expect(try db.scalarInt("SELECT count(*) FROM residents") == 400)
        #expect(try db.scalarInt("SELECT signed_up FROM activities") == 40)
        #expect(try db.scalarInt("SELECT count(*) FROM activities WHERE full_at IS NOT NULL") == 1)
        // The invitation is done; any other broadcast is an activity-full answer to a late "1".
        #expect(try db.scalarInt("""
            SELECT count(*) FROM broadcasts WHERE template = 'activity-invitation' AND state = 'done'
            """) == 1)
        #expect(try db.scalarInt("SELECT count(*) FROM broadcasts WHERE template NOT IN ('activity-invitation', 'activity-full')") == 0)
        // Sign-ups arrived through every path: the mini program, SMS replies, key presses.
        #expect(try db.scalarInt("SELECT count(DISTINCT source) FROM signups WHERE state = 1") ?? 0 >= 2)
        #expect(try db.scalarInt("SELECT count(*) FROM delivery_events WHERE kind = 'delivered'") ?? 0 > 0)
        let voice = try db.scalarInt("SELECT count(*) FROM delivery_events WHERE kind = 'sent' AND channel = 'voice'") ?? 0
        #expect(run.stdout.contains("\(voice) 拨出"))
        // No phone number appears unmasked in what the demo printed.
        #expect(run.stdout.range(of: #"1[3-9]\d{9}"#, options: .regularExpression) == nil)

        // `herald status` afterwards shows the finished broadcast and the filled activity.
        let status = try HeraldProcess.run(["status", "--db", path, "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let broadcasts = report["broadcasts"] as? [[String: Any]] ?? []
        let invitation = broadcasts.filter { $0["template"] as? String == "activity-invitation" }
        #expect(invitation.map { $0["state"] as? String } == ["done"], "\(status.stdout)")
        let activities = report["activities"] as? [[String: Any]] ?? []
        #expect(activities.first?["signed_up"] as? Int == 40 && activities.first?["full"] as? Bool == true,
                "\(status.stdout)")
        let text = try HeraldProcess.run(["status", "--db", path])
        #expect(text.stdout.contains("楼道微整治 · 更换灭火器") && text.stdout.contains("40/40"))
        // One-resident activity-full answers are summed up in a line, not listed.
        let answers = try db.scalarInt("SELECT count(*) FROM broadcasts WHERE template = 'activity-full'") ?? 0
        #expect(text.stdout.contains("activity-full answers to late sign-ups: \(answers) (") == (answers > 0), "\(text.stdout)")
        #expect(!text.stdout.contains("notice      activity-full"))

        // Run again over its own database: replaced, same seed, same story.
        let again = try HeraldProcess.run(["demo", "--db", path, "--templates", Self.templates,
                                           "--residents", "100", "--places", "10", "--seed", "7"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Database(path: path, options: .reader).scalarInt("SELECT count(*) FROM committees") == 1)
    }

    @Test func refusesAnotherDatabaseAndBadArguments() throws {
        let path = NSTemporaryDirectory() + "herald-demo-real-\(UUID().uuidString).db"
        defer { Self.remove(path) }
        let db = try Database(path: path)
        _ = try Schema.migrator.migrate(db)
        _ = try db.transaction { try CommitteeStore.create(slug: "hongqiao", name: "虹桥居委会", at: 0, db: db) }
        let refused = try HeraldProcess.run(["demo", "--db", path, "--templates", Self.templates])
        #expect(refused.status == 73)
        #expect(refused.stderr.contains("never overwrites real data"))
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(try db.scalarInt("SELECT count(*) FROM committees") == 1)

        for arguments in [["--residents", "0"], ["--places", "-1"], ["--seed", "x"], ["--templates", "/nonexistent"],
                          ["--db", "/nonexistent/dir/demo.db"]] {
            let result = try HeraldProcess.run(["demo"] + arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(!result.stderr.isEmpty, "\(arguments)")
        }
    }
}

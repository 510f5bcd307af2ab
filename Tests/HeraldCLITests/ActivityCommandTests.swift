import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct ActivityCommandTests {
    private static let now = Date()

    /// A time `days` from now, as staff type it (Shanghai offset, no seconds).
    private func time(inDays days: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:00xxxxx"
        return formatter.string(from: Self.now + Double(days) * 86_400)
    }

    private func create(_ title: String = "灭火器免费更换", capacity: String = "400", starts: Int = 7) -> [String] {
        ["activity", "create", "--committee", "yangguang", "--title", title, "--place", "3号楼门口",
         "--starts-at", time(inDays: starts), "--deadline", time(inDays: starts - 1), "--capacity", capacity]
    }

    @Test func everySubcommandHasHelp() throws {
        for command in ["create", "show", "list"] {
            let help = try HeraldProcess.run(["activity", command, "--help"])
            #expect(help.status == 0, "activity \(command) --help")
            #expect(help.stdout.contains("Usage: herald activity \(command)"))
        }
    }

    @Test func createShowAndListLocally() throws {
        let f = try CommandFixture()
        let created = try f.run(create() + ["--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(try created.json()["id"] as? Int)
        #expect(try created.json()["capacity"] as? Int == 400)
        let stored = try #require(try f.jobs.readers.read { db in try ActivityStore.find(id: Int64(id), db: db) })
        #expect(stored.title == "灭火器免费更换" && stored.place == "3号楼门口" && stored.committeeID == f.committee)
        #expect(stored.signupDeadline != nil)

        let shown = try f.run(["activity", "show", "\(id)"])
        #expect(shown.status == 0, "\(shown.stderr)")
        for line in ["capacity        400", "signed up       0", "remaining       400", "place           3号楼门口"] {
            #expect(shown.stdout.contains(line), "\(shown.stdout)")
        }
        // A sign-up shows at once.
        try f.addResidents()
        let resident = try #require(try f.jobs.readers.read { db in
            try ResidentStore.list(committee: f.committee, db: db).first?.id
        })
        let store = ActivityStore(writer: f.jobs.writer, readers: f.jobs.readers, clock: f.clock)
        _ = try store.signUp(activity: Int64(id), resident: resident, source: .staff)
        let json = try f.run(["activity", "show", "\(id)", "--json"])
        #expect(try json.json()["signed_up"] as? Int == 1 && json.json()["remaining"] as? Int == 399)

        let second = try f.run(create("社区义诊", capacity: "50", starts: 3))
        #expect(second.status == 0, "\(second.stderr)")
        let listed = try f.run(["activity", "list", "--committee", "yangguang"])
        #expect(listed.status == 0)
        let rows = listed.stdout.split(separator: "\n")
        #expect(rows.count == 3)
        #expect(rows[1].contains("社区义诊") && rows[2].contains("灭火器免费更换"), "soonest first")
        let everyCommittee = try f.run(["activity", "list", "--json"])
        #expect((try everyCommittee.json()["activities"] as? [[String: Any]])?.count == 2)
        #expect(try f.run(["activity", "list", "--committee", "hongqiao"]).stdout.contains("no activities"))
    }

    @Test func badInputSaysWhatAndWhereInOneLine() throws {
        let f = try CommandFixture()
        func expectFailure(_ arguments: [String], _ status: Int32, _ text: String,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
            let result = try f.run(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.errorLines.count == 1, "one line: \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(text), "\(result.stderr)", sourceLocation: sourceLocation)
        }
        try expectFailure(create().map { $0 == "yangguang" ? "nowhere" : $0 }, 66, "no committee 'nowhere'")
        try expectFailure(create().map { $0 == time(inDays: 7) ? "2026-12-06 9am" : $0 }, 64,
                          "--starts-at must be a time with its offset, like 2026-12-06T09:00+08:00; got '2026-12-06 9am'")
        try expectFailure(create().map { $0 == time(inDays: 6) ? "2026-12-06T09:00" : $0 }, 64, "--deadline must be a time")
        try expectFailure(create(capacity: "0"), 65, "capacity: capacity is 0: an activity needs at least 1 place")
        try expectFailure(create(capacity: "many"), 64, "--capacity must be a whole number")
        try expectFailure(create(starts: -2), 65, "has already passed")
        try expectFailure(["activity", "show", "4242"], 66, "no activity 4242")
        try expectFailure(["activity", "show", "-"], 64, "ACTIVITY must be an activity id")
        try expectFailure(["activity", "list", "--committee", "nowhere"], 66, "no committee 'nowhere'")
        let untitled = try f.run(["activity", "create", "--committee", "yangguang", "--capacity", "3"])
        #expect(untitled.status == 64 && untitled.stderr.contains("--title is required"))
    }

    @Test func remoteCreateShowAndList() throws {
        let f = try CommandFixture()
        let server = try RemoteServer(f)
        let created = try server.run(create().filter { $0 != "--committee" && $0 != "yangguang" } + ["--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(try created.json()["id"] as? Int)
        let shown = try server.run(["activity", "show", "\(id)"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("remaining       400"))
        let listed = try server.run(["activity", "list", "--committee", "\(f.committee)", "--json"], token: server.adminToken)
        #expect((try listed.json()["activities"] as? [[String: Any]])?.count == 1)
        let refused = try server.run(create(capacity: "0").filter { $0 != "--committee" && $0 != "yangguang" })
        #expect(refused.status == 65)
        #expect(refused.errorLines.count == 1 && refused.stderr.contains("at least 1 place"))
        let hidden = try server.run(["activity", "show", "\(id)"], token: server.otherToken)
        #expect(hidden.status == 66)
    }
}

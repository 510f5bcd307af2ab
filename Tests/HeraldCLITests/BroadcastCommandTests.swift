import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct BroadcastCommandTests {
    /// An activity starting in a week, made in the test process.
    private func activity(_ f: CommandFixture) throws -> Int64 {
        let store = ActivityStore(writer: f.jobs.writer, readers: f.jobs.readers, clock: f.clock)
        let now = f.clock.now()
        return try store.create(NewActivity(committee: f.committee, title: "灭火器免费更换", place: "3号楼门口",
                                            startsAt: now + 7 * 86_400, capacity: 400)).id
    }

    /// `arguments` for a committee token: no --committee (the token's own), and no
    /// --templates or --queues (the server checks against its own).
    private static func remote(_ arguments: [String]) -> [String] {
        var kept: [String] = []
        var skip = false
        for argument in arguments {
            if skip { skip = false; continue }
            if ["--committee", "--templates", "--queues"].contains(argument) { skip = true; continue }
            kept.append(argument)
        }
        return kept
    }

    @Test func everySubcommandHasHelp() throws {
        for command in ["create", "show", "list", "cancel"] {
            let help = try HeraldProcess.run(["broadcast", command, "--help"])
            #expect(help.status == 0, "broadcast \(command) --help")
            #expect(help.stdout.contains("Usage: herald broadcast \(command)"))
            #expect(help.stdout.contains("--url") && help.stdout.contains("--db"))
        }
    }

    @Test func createShowListAndCancelLocally() throws {
        let f = try CommandFixture()
        try f.addResidents()
        let activity = try activity(f)
        let created = try f.run(CommandFixture.invitation(activity: activity, key: "invite-1") + ["--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(try created.json()["id"] as? Int)
        #expect(try created.json()["state"] as? String == "scheduled")

        // What `herald serve` does next, in the test process.
        try Fanout(queue: f.jobs).run(broadcast: Int64(id))

        let shown = try f.run(["broadcast", "show", "\(id)", "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let progress = try #require(try shown.json()["progress"] as? [String: Any])
        #expect(progress["total"] as? Int == 3)
        let byChannel = try #require(progress["by_channel"] as? [String: [String: Int]])
        #expect(byChannel["push"]?["queued"] == 1 && byChannel["sms"]?["queued"] == 2)
        #expect((try shown.json()["activity"] as? [String: Any])?["remaining"] as? Int == 400)

        let text = try f.run(["broadcast", "show", "\(id)"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("activity-invitation"))
        #expect(text.stdout.contains("push via wechat-subscribe, next after 30m → sms via kannel-sms"))
        #expect(text.stdout.contains("灭火器免费更换: 400 places, 0 signed up, 400 left"))
        #expect(text.stdout.split(separator: "\n").contains { $0.hasPrefix("sms") && $0.contains(" 2 ") })

        let replayed = try f.run(CommandFixture.invitation(activity: activity, key: "invite-1"))
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(replayed.stdout.contains("broadcast \(id) already exists for idempotency key 'invite-1'"))

        let listed = try f.run(["broadcast", "list", "--committee", "yangguang", "--json"])
        #expect(listed.status == 0)
        #expect((try listed.json()["broadcasts"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id])
        let others = try f.run(["broadcast", "list", "--committee", "hongqiao"])
        #expect(others.stdout.contains("no broadcasts"))

        let cancelled = try f.run(["broadcast", "cancel", "\(id)"])
        #expect(cancelled.status == 0, "\(cancelled.stderr)")
        #expect(cancelled.stdout.contains("cancelled broadcast \(id): 3 deliveries not sent yet and 3 queued sends cancelled"))
        let after = try f.run(["broadcast", "show", "\(id)", "--json"])
        #expect(try after.json()["state"] as? String == "cancelled")
        #expect((try after.json()["progress"] as? [String: Any]).flatMap { $0["by_state"] as? [String: Int] }?["cancelled"] == 3)
        #expect(try f.jobs.stats().allSatisfy { $0.available == 0 })
    }

    @Test func badInputSaysWhatAndWhereInOneLine() throws {
        let f = try CommandFixture()
        let activity = try activity(f)
        let base = CommandFixture.invitation(activity: activity)
        func expectFailure(_ arguments: [String], _ status: Int32, _ text: String,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
            let result = try f.run(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.errorLines.count == 1, "one line: \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(text), "\(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        }
        try expectFailure(base.map { $0 == "yangguang" ? "nowhere" : $0 }, 66,
                          "no committee 'nowhere'; committees: yangguang, hongqiao")
        try expectFailure(base.map { $0 == "activity-invitation" ? "no-such-template" : $0 }, 65,
                          "no template 'no-such-template'; templates: ")
        try expectFailure(base + ["--var", "colour=red"], 65, "template 'activity-invitation' has no variable 'colour'")
        try expectFailure(base.map { $0.hasPrefix("push:") ? "sms:alibaba-ivr" : $0 }, 65,
                          "--plan step 1: queue 'alibaba-ivr' sends voice, not sms")
        try expectFailure(base.map { $0.hasPrefix("push:") ? "sms:nowhere" : $0 }, 65, "--plan step 1: no queue 'nowhere'")
        try expectFailure(base.map { $0.hasPrefix("push:") ? "sms" : $0 }, 64, "--plan step 1 must be CHANNEL:QUEUE")
        try expectFailure(base + ["--at", "tomorrow"], 64, "--at must be a time with its offset")
        try expectFailure(base + ["--audience", "floor:3"], 64, "--audience must be all")
        try expectFailure(base.map { $0 == "\(activity)" ? "999" : $0 }, 66, "activity 999 does not exist")
        try expectFailure(["broadcast", "show", "4242"], 66, "no broadcast 4242")
        try expectFailure(["broadcast", "show", "x"], 64, "BROADCAST must be a broadcast id")
        try expectFailure(["broadcast", "cancel", "4242"], 66, "no broadcast 4242")
        try expectFailure(["broadcast", "list", "--limit", "0"], 64, "--limit must be a whole number from 1 to 500")

        let reused = try f.run(CommandFixture.invitation(activity: activity, key: "k"))
        #expect(reused.status == 0)
        try expectFailure(CommandFixture.invitation(activity: activity, key: "k").map { $0 == "seats=400" ? "seats=300" : $0 },
                          65, "idempotency key 'k' was used for broadcast")

        let missing = try f.run(["broadcast", "create", "--committee", "yangguang", "--template", "notice"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("--plan is required"))
        let noDatabase = try HeraldProcess.run(["broadcast", "show", "1", "--db", f.directory + "/none.db"])
        #expect(noDatabase.status == 66)
        #expect(noDatabase.errorLines.count == 1 && noDatabase.stderr.contains("no database at"))
    }

    @Test func remoteCreateShowListAndCancelGoThroughTheAPI() throws {
        let f = try CommandFixture()
        try f.addResidents()
        let activity = try activity(f)
        let server = try RemoteServer(f)
        let create = Self.remote(CommandFixture.invitation(activity: activity, key: "remote-1"))
        let created = try server.run(create + ["--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(try created.json()["id"] as? Int)
        #expect(try f.jobs.readers.read { db in try BroadcastStore.find(id: Int64(id), db: db) }?.idempotencyKey == "remote-1")

        let replayed = try server.run(create)
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(replayed.stdout.contains("broadcast \(id) already exists for idempotency key 'remote-1'"))

        try Fanout(queue: f.jobs).run(broadcast: Int64(id))
        let shown = try server.run(["broadcast", "show", "\(id)"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("broadcast   \(id)  invitation  sending"))
        #expect(shown.stdout.split(separator: "\n").contains { $0.hasPrefix("all") && $0.contains(" 3 ") })
        let json = try server.run(["broadcast", "show", "\(id)", "--json"])
        #expect((try json.json()["progress"] as? [String: Any])?["total"] as? Int == 3)

        // An admin token names the committee, by slug or id.
        let listed = try server.run(["broadcast", "list", "--committee", "yangguang", "--json"], token: server.adminToken)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect((try listed.json()["broadcasts"] as? [[String: Any]])?.count == 1)

        let cancelled = try server.run(["broadcast", "cancel", "\(id)", "--json"])
        #expect(cancelled.status == 0, "\(cancelled.stderr)")
        #expect(try cancelled.json()["state"] as? String == "cancelled")
    }

    @Test func remoteRefusalsMapToExitCodes() throws {
        let f = try CommandFixture()
        let activity = try activity(f)
        let server = try RemoteServer(f)
        func expectFailure(_ result: HeraldProcess.Result, _ status: Int32, _ text: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.errorLines.count == 1, "one line: \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(text), "\(result.stderr)", sourceLocation: sourceLocation)
        }
        let create = Self.remote(CommandFixture.invitation(activity: activity))
        expectFailure(try server.run(["broadcast", "show", "1"], token: "hrd_not-a-token"), 77, "unauthenticated")
        expectFailure(try server.run(["broadcast", "show", "4242"]), 66, "broadcast 4242 does not exist")
        expectFailure(try server.run(create.map { $0 == "activity-invitation" ? "nope" : $0 }), 65,
                      "(HTTP 422 unknown_template): no template 'nope'")
        expectFailure(try server.run(create, token: server.adminToken), 64, "give --committee ID")
        expectFailure(try server.run(create + ["--committee", "yangguang"]), 64, "give its id, or leave out --committee")
        expectFailure(try server.run(create + ["--committee", "\(f.otherCommittee)"]), 66, "does not exist")
        expectFailure(try server.run(create + ["--committee", "nowhere"], token: server.adminToken), 66,
                      "no committee 'nowhere'")

        let made = try server.run(create + ["--json"])
        let id = try #require(try made.json()["id"] as? Int)
        // Another committee's broadcast is answered as if it did not exist.
        expectFailure(try server.run(["broadcast", "show", "\(id)"], token: server.otherToken), 66, "does not exist")

        let nobody = try HeraldProcess.run(["broadcast", "show", "1", "--url", "http://127.0.0.1:1", "--token", "t"])
        expectFailure(nobody, 69, "cannot reach the server at http://127.0.0.1:1")
        let both = try HeraldProcess.run(["broadcast", "show", "1", "--url", server.url, "--db", f.path])
        expectFailure(both, 64, "not both")
        let tokenless = try HeraldProcess.run(["broadcast", "show", "1", "--url", server.url])
        expectFailure(tokenless, 64, "needs an API token")
        let fromEnvironment = try HeraldProcess.run(["broadcast", "show", "\(id)"],
                                                    environment: ["HERALD_URL": server.url,
                                                                  "HERALD_TOKEN": server.committeeToken])
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
    }
}

import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct QueueCommandTests {
    @Test func everySubcommandHasHelp() throws {
        for command in ["pause", "resume", "list"] {
            let help = try HeraldProcess.run(["queue", command, "--help"])
            #expect(help.status == 0, "queue \(command) --help")
            #expect(help.stdout.contains("Usage: herald queue \(command)"))
        }
    }

    @Test func pauseStopsClaimsUntilResume() throws {
        let f = try CommandFixture()
        let queues = ["--queues", CommandFixture.queues]
        try f.jobs.enqueue([NewJob(queue: "alibaba-ivr", payload: Data("call".utf8))])

        let paused = try f.run(["queue", "pause", "alibaba-ivr", "--reason", "线路维护至18:00"] + queues)
        #expect(paused.status == 0, "\(paused.stderr)")
        #expect(paused.stdout.contains("paused queue alibaba-ivr: 线路维护至18:00"))
        #expect(try f.jobs.pausedReason(queue: "alibaba-ivr") == "线路维护至18:00")
        #expect(try f.jobs.claim(queue: "alibaba-ivr", limit: 10, leaseFor: 30).isEmpty, "a paused queue hands out nothing")

        let listed = try f.run(["queue", "list"] + queues)
        #expect(listed.status == 0, "\(listed.stderr)")
        let row = try #require(listed.stdout.split(separator: "\n").first { $0.hasPrefix("alibaba-ivr") })
        #expect(row.contains("paused") && row.contains("线路维护至18:00"))
        #expect(listed.stdout.contains("wechat-subscribe"), "queues from the files, even unused")
        let json = try f.run(["queue", "list", "--json"] + queues)
        let entries = try #require(try json.json()["queues"] as? [[String: Any]])
        let ivr = try #require(entries.first { $0["queue"] as? String == "alibaba-ivr" })
        #expect(ivr["paused"] as? Bool == true && ivr["available"] as? Int == 1)

        // A queue that has never had a job can be paused before its first one.
        let fresh = try f.run(["queue", "pause", "kannel-sms", "--reason", "SMSC 故障"] + queues)
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(try f.jobs.pausedReason(queue: "kannel-sms") == "SMSC 故障")

        let resumed = try f.run(["queue", "resume", "alibaba-ivr"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resumed queue alibaba-ivr"))
        #expect(try f.jobs.pausedReason(queue: "alibaba-ivr") == nil)
        #expect(try f.jobs.claim(queue: "alibaba-ivr", limit: 10, leaseFor: 30).count == 1)
        let again = try f.run(["queue", "resume", "alibaba-ivr"])
        #expect(again.stdout.contains("was not paused"))
    }

    @Test func remotePauseListAndResumeNeedAnAdminToken() throws {
        let f = try CommandFixture()
        let server = try RemoteServer(f)
        try f.jobs.enqueue([NewJob(queue: "alibaba-ivr", payload: Data("call".utf8))])

        let paused = try server.run(["queue", "pause", "alibaba-ivr", "--reason", "线路维护至18:00"], token: server.adminToken)
        #expect(paused.status == 0, "\(paused.stderr)")
        #expect(paused.stdout.contains("paused queue alibaba-ivr: 线路维护至18:00"))
        #expect(try f.jobs.pausedReason(queue: "alibaba-ivr") == "线路维护至18:00")

        let listed = try server.run(["queue", "list"], token: server.adminToken)
        let row = try #require(listed.stdout.split(separator: "\n").first { $0.hasPrefix("alibaba-ivr") })
        #expect(row.contains("paused") && row.contains("线路维护至18:00"))
        let json = try server.run(["queue", "list", "--json"], token: server.adminToken)
        let entries = try #require(try json.json()["queues"] as? [[String: Any]])
        #expect(entries.contains { $0["queue"] as? String == "alibaba-ivr" && $0["available"] as? Int == 1 })

        // A committee's token may not stop every committee's calls.
        let refused = try server.run(["queue", "resume", "alibaba-ivr"])
        #expect(refused.status == 77 && refused.errorLines.count == 1, "\(refused.stderr)")
        #expect(try f.jobs.pausedReason(queue: "alibaba-ivr") == "线路维护至18:00")
        let typo = try server.run(["queue", "resume", "alibaba-ivx"], token: server.adminToken)
        #expect(typo.status == 66 && typo.stderr.contains("no queue 'alibaba-ivx'"))
        let localOnly = try server.run(["queue", "list", "--queues", CommandFixture.queues], token: server.adminToken)
        #expect(localOnly.status == 64 && localOnly.stderr.contains("--queues is for the local database"))

        let resumed = try server.run(["queue", "resume", "alibaba-ivr"], token: server.adminToken)
        #expect(resumed.status == 0 && resumed.stdout.contains("resumed queue alibaba-ivr"), "\(resumed.stderr)")
        #expect(try f.jobs.pausedReason(queue: "alibaba-ivr") == nil)
    }

    @Test func badInputSaysWhatAndWhereInOneLine() throws {
        let f = try CommandFixture()
        let queues = ["--queues", CommandFixture.queues]
        let unknown = try f.run(["queue", "pause", "alibaba-ivx", "--reason", "typo"] + queues)
        #expect(unknown.status == 66)
        #expect(unknown.errorLines.count == 1)
        #expect(unknown.stderr.contains("no queue 'alibaba-ivx'; queues: alibaba-ivr, alibaba-sms"))
        #expect(try f.jobs.stats().isEmpty, "nothing was created for the typo")
        let resumeUnknown = try f.run(["queue", "resume", "nowhere"] + queues)
        #expect(resumeUnknown.status == 66 && resumeUnknown.errorLines.count == 1)
        let reasonless = try f.run(["queue", "pause", "alibaba-ivr"] + queues)
        #expect(reasonless.status == 64 && reasonless.stderr.contains("--reason is required"))
        let noDatabase = try HeraldProcess.run(["queue", "list", "--db", f.directory + "/none.db"])
        #expect(noDatabase.status == 66 && noDatabase.errorLines.count == 1)
    }
}

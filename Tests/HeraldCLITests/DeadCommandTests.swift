import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct DeadCommandTests {
    /// Enqueues a job on `queue`, claims it and kills it with `error`, at the fixture clock's time.
    @discardableResult
    private func deadJob(_ f: CommandFixture, queue: String = "tencent-sms", error: String = "gateway refused: 1016")
        throws -> Int64 {
        let id = try f.jobs.enqueue([NewJob(queue: queue, payload: Data("x".utf8), maxAttempts: 3, committee: f.committee)])[0].id
        let claimed = try f.jobs.claim(queue: queue, limit: 10, leaseFor: 30)
        try f.jobs.complete(claimed.map { Completion($0.lease, .dead(error: error)) })
        return id
    }

    /// A send job for 王秀英's delivery of a notice (the only resident tagged 独居老人), dead.
    private func deadSend(_ f: CommandFixture) throws -> (job: Int64, broadcast: Int64) {
        try f.addResidents()
        let now = f.clock.now().unixMilliseconds
        let broadcast = try f.jobs.writer.write { db in
            try BroadcastStore.create(NewBroadcast(committeeID: f.committee, kind: .notice, template: "notice",
                                                   audience: .tags(["独居老人"]),
                                                   plan: ChannelPlan(steps: [.init(channel: "sms", queue: "kannel-sms")])),
                                      at: now, db: db).broadcast.id
        }
        try Fanout(queue: f.jobs).run(broadcast: broadcast)
        let claimed = try f.jobs.claim(queue: "kannel-sms", limit: 1, leaseFor: 30)
        try f.jobs.complete([Completion(claimed[0].lease, .retry(error: "HTTP 503 from the gateway"))])
        f.clock.advance(by: 3600)
        let again = try f.jobs.claim(queue: "kannel-sms", limit: 1, leaseFor: 30)
        try f.jobs.complete([Completion(again[0].lease, .dead(error: "invalid destination"))])
        return (claimed[0].id, broadcast)
    }

    private func state(_ f: CommandFixture, _ id: Int64) throws -> (state: Int, attempts: Int) {
        try #require(try f.jobs.readers.read { db in
            try db.cached("SELECT state, attempts FROM jobs WHERE id = ?1").firstRow([id]) { ($0.int(0), $0.int(1)) }
        })
    }

    @Test func everySubcommandHasHelp() throws {
        for command in ["list", "show", "retry", "purge"] {
            let help = try HeraldProcess.run(["dead", command, "--help"])
            #expect(help.status == 0, "dead \(command) --help")
            #expect(help.stdout.contains("Usage: herald dead \(command)"))
        }
    }

    @Test func remoteListShowRetryAndPurgeNeedAnAdminToken() throws {
        let f = try CommandFixture()
        let server = try RemoteServer(f)
        let other = try deadJob(f)
        let (job, _) = try deadSend(f)
        let admin = server.adminToken

        let local = try f.run(["dead", "list", "--json"])
        let remote = try server.run(["dead", "list", "--json"], token: admin)
        #expect(remote.status == 0, "\(remote.stderr)")
        #expect(try remote.json()["total"] as? Int == 2)
        #expect(remote.stdout == local.stdout, "the same view either way")

        let shown = try server.run(["dead", "show", "\(job)"], token: admin)
        #expect(shown.status == 0 && shown.stdout.contains("invalid destination"), "\(shown.stderr)")
        #expect(shown.stdout.contains("138****") && shown.stdout.range(of: #"1[3-9]\d{9}"#, options: .regularExpression) == nil)
        #expect(shown.stdout == (try f.run(["dead", "show", "\(job)"])).stdout)

        // A committee's token sees no queue's dead letters.
        let refused = try server.run(["dead", "list"])
        #expect(refused.status == 77 && refused.errorLines.count == 1, "\(refused.stderr)")

        let retried = try server.run(["dead", "retry", "\(job)"], token: admin)
        #expect(retried.status == 0 && retried.stdout.contains("job \(job) is pending again"), "\(retried.stderr)")
        #expect(try state(f, job).state == 0)
        let notDead = try server.run(["dead", "retry", "\(job)"], token: admin)
        #expect(notDead.status == 65 && notDead.stderr.contains("job \(job) is not dead: it is pending"), "\(notDead.stderr)")
        let missing = try server.run(["dead", "show", "999999"], token: admin)
        #expect(missing.status == 66 && missing.errorLines.count == 1)

        let all = try server.run(["dead", "retry", "--all", "--queue", "tencent-sms"], token: admin)
        #expect(all.status == 0 && all.stdout.contains("1 dead jobs of queue tencent-sms are pending again"), "\(all.stderr)")
        #expect(try state(f, other).state == 0)

        _ = try deadJob(f, queue: "alibaba-sms")
        let purged = try server.run(["dead", "purge", "--all", "--yes"], token: admin)
        #expect(purged.status == 0 && purged.stdout.contains("deleted 1 dead jobs"), "\(purged.stderr)")
        #expect(try f.jobs.stats().reduce(0) { $0 + $1.dead } == 0)
    }

    @Test func listAndShowWithoutUnmaskedPhones() throws {
        let f = try CommandFixture()
        let other = try deadJob(f)
        let (job, broadcast) = try deadSend(f)

        let listed = try f.run(["dead", "list"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = listed.stdout.split(separator: "\n")
        #expect(rows.count == 3)
        let cells = rows.map { $0.split(separator: " ") }
        #expect(cells[1].first == "\(job)"[...] && rows[1].contains("kannel-sms") && rows[1].contains("invalid destination"))
        #expect(cells[2].first == "\(other)"[...] && rows[2].contains("tencent-sms"))
        let oneQueue = try f.run(["dead", "list", "--queue", "tencent-sms", "--json"])
        #expect(try oneQueue.json()["total"] as? Int == 1)
        #expect((try oneQueue.json()["dead"] as? [[String: Any]])?.map { $0["id"] as? Int } == [Int(other)])
        let limited = try f.run(["dead", "list", "--limit", "1"])
        #expect(limited.stdout.contains("showing 1 of 2 dead jobs"))

        let shown = try f.run(["dead", "show", "\(job)"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("attempts    2 of 8"))
        #expect(shown.stdout.contains("last error  invalid destination"))
        #expect(shown.stdout.contains("broadcast   \(broadcast)"))
        #expect(shown.stdout.contains("resident 1 王秀英 +86 138****8000"))
        #expect(shown.stdout.contains("HTTP 503 from the gateway"), "every attempt")
        let json = try f.run(["dead", "show", "\(job)", "--json"])
        let payload = try #require(try json.json()["payload"] as? [String: Any])
        #expect(payload["phone"] as? String == "+86 138****8000")
        #expect((try json.json()["history"] as? [[String: Any]])?.map { $0["outcome"] as? String } == ["retry", "dead"])
        for output in [listed.stdout, shown.stdout, json.stdout] {
            for digits in CommandFixture.phoneDigits { #expect(!output.contains(digits), "a phone leaked: \(output)") }
        }
        let plain = try f.run(["dead", "show", "\(other)"])
        #expect(plain.stdout.contains("payload     1 bytes (not a delivery send job)"))
    }

    @Test func retryPutsJobsBackDueNowWithAttemptsReset() throws {
        let f = try CommandFixture()
        let first = try deadJob(f)
        let second = try deadJob(f)
        let voice = try deadJob(f, queue: "alibaba-ivr")

        let one = try f.run(["dead", "retry", "\(first)"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.contains("job \(first) is pending again"))
        #expect(try state(f, first).state == JobState.pending.rawValue && state(f, first).attempts == 0)
        #expect(try state(f, second).state == JobState.dead.rawValue)
        // Due now: the queue hands it out at once.
        #expect(try f.jobs.claim(queue: "tencent-sms", limit: 10, leaseFor: 30, now: Date()).map(\.id) == [first])

        let queue = try f.run(["dead", "retry", "--all", "--queue", "tencent-sms"])
        #expect(queue.status == 0, "\(queue.stderr)")
        #expect(queue.stdout.contains("1 dead jobs of queue tencent-sms are pending again"))
        #expect(try state(f, voice).state == JobState.dead.rawValue)
        let all = try f.run(["dead", "retry", "--all"])
        #expect(all.stdout.contains("1 dead jobs are pending again"))
        #expect(try state(f, voice).state == JobState.pending.rawValue && state(f, voice).attempts == 0)
    }

    @Test func purgeByAgeOrAllWithYes() throws {
        let f = try CommandFixture(now: Date() - 10 * 86_400)
        let old = try deadJob(f)
        f.clock.set(Date())
        let recent = try deadJob(f, queue: "alibaba-ivr")
        let recentSMS = try deadJob(f)

        let aged = try f.run(["dead", "purge", "--older-than", "7d"])
        #expect(aged.status == 0, "\(aged.stderr)")
        #expect(aged.stdout.contains("deleted 1 dead jobs that died more than 7d ago"))
        let left = try f.jobs.readers.read { db in try db.cached("SELECT id FROM jobs ORDER BY id").rows([]) { $0.int64(0) } }
        #expect(left == [recent, recentSMS] && !left.contains(old))

        let unconfirmed = try f.run(["dead", "purge", "--all", "--queue", "alibaba-ivr"])
        #expect(unconfirmed.status == 64)
        #expect(unconfirmed.errorLines.count == 1 && unconfirmed.stderr.contains("add --yes"))
        let queue = try f.run(["dead", "purge", "--all", "--yes", "--queue", "alibaba-ivr"])
        #expect(queue.stdout.contains("deleted 1 dead jobs of queue alibaba-ivr"))
        let rest = try f.run(["dead", "purge", "--all", "--yes"])
        #expect(rest.stdout.contains("deleted 1 dead jobs"))
        #expect(try f.jobs.readers.read { db in try db.scalarInt("SELECT count(*) FROM jobs") } == 0)
    }

    @Test func badInputSaysWhatAndWhereInOneLine() throws {
        let f = try CommandFixture()
        let pending = try f.jobs.enqueue([NewJob(queue: "tencent-sms", payload: Data())])[0].id
        func expectFailure(_ arguments: [String], _ status: Int32, _ text: String,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
            let result = try f.run(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.errorLines.count == 1, "one line: \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(text), "\(result.stderr)", sourceLocation: sourceLocation)
        }
        try expectFailure(["dead", "show", "4242"], 66, "no job 4242")
        try expectFailure(["dead", "show", "\(pending)"], 65, "job \(pending) is not dead: it is pending")
        try expectFailure(["dead", "show", "abc"], 64, "JOB must be a job id")
        try expectFailure(["dead", "retry", "4242"], 66, "no job 4242")
        try expectFailure(["dead", "retry", "\(pending)"], 65, "is not dead")
        try expectFailure(["dead", "retry", "1", "--all"], 64, "not both")
        try expectFailure(["dead", "purge", "--older-than", "a week"], 64, "--older-than must be a duration")
        try expectFailure(["dead", "list", "--limit", "none"], 64, "--limit must be a whole number")
        let neither = try f.run(["dead", "retry"])
        #expect(neither.status == 64 && neither.stderr.contains("a job id, or --all"))
    }
}

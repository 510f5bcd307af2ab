import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

/// kill -9 must not lose a job: a worker process claims a batch and is
/// killed mid-batch; once its leases expire the jobs are rescued, claimed
/// again and completed, and the database is intact.
@Suite struct QueueCrashTests {
    static let drill: String = {
        let candidates = [Bundle.main.executablePath, CommandLine.arguments.first]
            .compactMap { $0 }
            .map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("herald-crash-drill").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? ".build/debug/herald-crash-drill"
    }()

    /// Starts the drill and returns once it printed "ready", with the lines read so far.
    func startDrill(_ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(Self.drill, arguments, errors: .inherit)
    }

    @Test(arguments: ["hold", "grind"])
    func killedWorkerLosesNothing(mode: String) throws {
        let directory = TemporaryDirectory()
        let path = directory.file("crash.db")
        let setup = try JobQueue(path: path)
        let jobs = (0..<300).map { NewJob(queue: "sms", payload: Data("delivery-\($0)".utf8), maxAttempts: 5) }
        var ids = try setup.enqueue(jobs).map(\.id)

        let child = try startDrill([path, "sms", "200", "30", "50", mode])
        let ready = child.readLine()
        #expect(ready == "ready 200")
        var extra = 0
        if mode == "grind" {
            // Two processes writing at once (this one enqueues while the drill
            // completes): neither may ever see "database is locked". Then kill
            // the drill in the middle of its stream of commits.
            for round in 0..<5 {
                #expect(child.readLine()?.hasPrefix("done ") == true)
                ids += try setup.enqueue((0..<10).map {
                    NewJob(queue: "sms", payload: Data("late-\(round)-\($0)".utf8), maxAttempts: 5)
                }).map(\.id)
                extra += 10
            }
        }
        child.send(SIGKILL)
        #expect(child.wait() == .signalled(SIGKILL))

        // A new process's view: its clock is past the dead worker's lease.
        let clock = ManualClock(Date())
        let queue = try JobQueue(path: path, clock: clock)
        let before = try queue.stats().first { $0.queue == "sms" }
        let succeededByChild = before?.succeeded ?? 0
        #expect(succeededByChild >= 50)
        #expect((before?.running ?? 0) + succeededByChild == 200)
        #expect(before?.available == 100 + extra)

        // Not yet expired: nothing to rescue, and the held jobs cannot be claimed.
        #expect(try queue.rescueExpiredLeases().requeued == 0)
        clock.advance(by: 31)
        let rescue = try queue.rescueExpiredLeases()
        #expect(rescue.requeued == 200 - succeededByChild)
        #expect(rescue.dead == 0)

        var claimedAgain = 0
        while true {
            let batch = try queue.claim(queue: "sms", limit: 64, leaseFor: 30)
            if batch.isEmpty { break }
            claimedAgain += batch.count
            let report = try queue.complete(batch.map { Completion($0.lease, .succeeded) })
            #expect(report.succeeded == batch.count)
        }
        #expect(claimedAgain == 300 + extra - succeededByChild)

        try queue.readers.read { db in
            let integrity = try db.prepare("PRAGMA integrity_check").firstRow { $0.string(0) }
            #expect(integrity == "ok")
            let states = try db.prepare("SELECT id, state, attempts FROM jobs ORDER BY id")
                .rows { ($0.int64(0), $0.int(1), $0.int(2)) }
            #expect(states.map(\.0) == ids, "every enqueued job is still there")
            #expect(states.allSatisfy { $0.1 == JobState.succeeded.rawValue }, "every job succeeded")
            // The rescued ones were tried twice; none more.
            #expect(states.filter { $0.2 == 2 }.count == 200 - succeededByChild)
            #expect(states.allSatisfy { $0.2 <= 2 })
        }
    }
}

import Foundation
import HeraldCore
import HeraldSim
import Testing
@testable import HeraldStore

/// `herald serve` as a process: SIGTERM in the middle of a 10,000-recipient
/// broadcast stops it cleanly, and a second run finishes the broadcast with
/// every resident sent exactly once.
@Suite(.serialized) struct ServeShutdownTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `herald` started with a clean signal mask, output appended to a file.
    struct Child {
        let process: ChildProcess

        init(_ arguments: [String], environment: [String: String], output: String) throws {
            process = try ChildProcess(HeraldProcess.binary, arguments, environment: environment,
                                       output: .file(output, append: true), errors: .sameAsOutput)
        }

        /// Sends `signal` and waits for the exit status.
        func stop(_ signal: Int32 = SIGTERM) -> Int32 {
            process.send(signal)
            return process.wait().code
        }
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` pass (the
    /// child works in real time; nothing here waits for a clock).
    static func wait(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date() + seconds
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    @Test func sigtermMidBroadcastExitsCleanlyAndARestartFinishesEveryDeliveryOnce() throws {
        let directory = NSTemporaryDirectory() + "herald-serve-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/queues", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let simulator = try GatewaySimulator(configuration: GatewaySimulator.Configuration(
            seed: 5, behaviour: SimulatorBehaviour(latencyMilliseconds: 2...6, frequencyLimits: .none),
            logger: Logger(label: "sim", system: LoggingSystem(sink: { _ in }))))
        defer { simulator.stop() }
        try """
            {"name": "sms", "channel": "sms", "adapter": "kannel", "rate": 2000, "burst": 200, "concurrency": 32,
             "sendWindow": "00:00-24:00", "caps": {},
             "gateway": {"endpoint": "\(simulator.baseURL)",
                         "credentials": {"username": "HERALD_KANNEL_USERNAME", "password": "HERALD_KANNEL_PASSWORD"},
                         "settings": {"from": "10690001", "callbackBase": "http://127.0.0.1:9"}}}
            """.write(toFile: directory + "/queues/sms.json", atomically: true, encoding: .utf8)

        let path = directory + "/herald.db"
        let jobs = try JobQueue(path: path)
        let now = Date().unixMilliseconds
        let broadcast = try jobs.writer.write { db in
            let committee = try CommitteeStore.create(slug: "yangguang", name: "阳光社区居委会", at: now, db: db).id
            let insert = try db.cached("INSERT INTO residents (committee_id, name, phone, created_at, updated_at) VALUES (?, ?, ?, 1, 1)")
            for index in 0..<10_000 {
                try insert.execute([committee, "居民\(index)", String(format: "+86139%08d", index)])
            }
            return try BroadcastStore.create(NewBroadcast(
                committeeID: committee, kind: .notice, template: "notice",
                variables: ["subject": "3号楼停水通知", "details": "6月14日9:00至12:00暂停供水，请提前储水", "contact": "021-64001234"],
                audience: .all, plan: ChannelPlan(steps: [.init(channel: "sms", queue: "sms")])), at: now, db: db).broadcast.id
        }
        let arguments = ["serve", "--db", path, "--queues", directory + "/queues",
                         "--templates", Self.root.appendingPathComponent("Templates").path, "--shutdown-timeout", "10",
                         "--listen", "127.0.0.1:0"]
        let environment = ["HERALD_KANNEL_USERNAME": "herald", "HERALD_KANNEL_PASSWORD": "herald-sim"]
        let log = directory + "/serve.out"
        func sent() -> Int { simulator.requests().filter(\.sent).count }

        let first = try Child(arguments, environment: environment, output: log)
        let started = Self.wait(seconds: 60) { sent() >= 2_000 }
        #expect(started, "the first run did not send 2,000 messages in a minute")
        #expect(first.stop() == 0)
        let afterFirst = sent()
        #expect(afterFirst < 10_000, "the first run finished before SIGTERM; the test proves nothing")
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(output.contains("SIGTERM received"))
        #expect(output.contains("herald serve: stopped"))
        // Whatever the first run sent is on record; nothing is left running.
        #expect(try jobs.readers.read { db in try db.scalarInt("SELECT count(*) FROM jobs WHERE state = 1") } == 0)

        let second = try Child(arguments, environment: environment, output: log)
        let finished = try Self.wait(seconds: 120) {
            try jobs.readers.read { db in
                try db.scalarInt("SELECT count(*) FROM deliveries WHERE broadcast_id = ? AND state = 1", [broadcast])
            } == 10_000
        }
        #expect(second.stop() == 0)
        #expect(finished, "the restart did not finish the broadcast")
        #expect(sent() == 10_000)
        #expect(simulator.duplicates().isEmpty, "some residents got the notice twice")
        let sentOnce = try jobs.readers.read { db in
            try db.scalarInt("""
                SELECT count(*) FROM (SELECT delivery_id FROM delivery_events WHERE kind = 'sent'
                                      GROUP BY delivery_id HAVING count(*) = 1)
                """)
        }
        #expect(sentOnce == 10_000)
    }
}

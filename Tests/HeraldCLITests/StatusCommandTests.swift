import Foundation
import HeraldCore
import HeraldStore
import Testing
@testable import herald

/// `herald status` run as a user runs it, against a database set up here:
/// two committees, a queue with jobs and a dispatcher snapshot, broadcasts
/// in every state, and activities past and open.
@Suite struct StatusCommandTests {
    /// A migrated database with known contents, removed at the end.
    final class Fixture {
        let directory: String
        let path: String
        let now = Date()
        var sending: Int64 = 0
        var cancelledRecently: Int64 = 0
        var doneRecently: Int64 = 0
        var doneLongAgo: Int64 = 0
        var reachedNobody: Int64 = 0
        var lunch: Int64 = 0

        init() throws {
            directory = NSTemporaryDirectory() + "herald-status-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            path = directory + "/herald.db"
            let migrate = try HeraldProcess.run(["migrate", "--db", path])
            guard migrate.status == 0 else { throw CommandFailure(.software, "migrate: \(migrate.stderr)") }
            try seed()
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        func ms(_ offset: TimeInterval) -> Int64 { now.addingTimeInterval(offset).unixMilliseconds }

        private func seed() throws {
            let db = try Database(path: path)
            try db.transaction {
                let sunny = try CommitteeStore.create(slug: "yangguang", name: "阳光社区居委会", at: ms(-86400), db: db)
                let river = try CommitteeStore.create(slug: "binjiang", name: "滨江居委会", at: ms(-86400), db: db)
                for index in 1...10 {
                    try db.cached("""
                        INSERT INTO residents (committee_id, name, phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
                        """).execute([sunny.id, "居民\(index)", "+86138000000\(String(format: "%02d", index))",
                                      ms(-86400), ms(-86400)])
                }
                let plan = ChannelPlan(steps: [.init(channel: "push", queue: "push"), .init(channel: "sms", queue: "sms")])
                func broadcast(_ committee: Int64, _ template: String, state: String, cancelledAt: Int64? = nil,
                               scheduledAt: Int64) throws -> Int64 {
                    let made = try BroadcastStore.create(
                        NewBroadcast(committeeID: committee, kind: .notice, template: template, audience: .all,
                                     plan: plan, scheduledAt: scheduledAt), at: scheduledAt, db: db).broadcast
                    try db.cached("UPDATE broadcasts SET state = ?, cancelled_at = ? WHERE id = ?")
                        .execute([state, cancelledAt, made.id])
                    return made.id
                }
                func deliveries(_ broadcast: Int64, committee: Int64, _ states: [(DeliveryState, String?)],
                                updatedAt: Int64) throws {
                    for (index, (state, channel)) in states.enumerated() {
                        try db.cached("""
                            INSERT INTO deliveries (broadcast_id, committee_id, resident_id, state, channel, updated_at)
                            VALUES (?, ?, ?, ?, ?, ?)
                            """).execute([broadcast, committee, Int64(index + 1), state.rawValue, channel, updatedAt])
                    }
                }
                sending = try broadcast(sunny.id, "停水通知", state: "sending", scheduledAt: ms(-600))
                try deliveries(sending, committee: sunny.id, [
                    (.confirmed, "sms"), (.confirmed, "sms"), (.confirmed, "voice"), (.delivered, "sms"),
                    (.delivered, "sms"), (.sent, "push"), (.failed, "voice"), (.queued, "push"), (.queued, "push"),
                    (.queued, nil),
                ], updatedAt: ms(-60))
                cancelledRecently = try broadcast(river.id, "垃圾分类讲座", state: "cancelled", cancelledAt: ms(-600),
                                                  scheduledAt: ms(-1200))
                try deliveries(cancelledRecently, committee: river.id, [(.sent, "sms"), (.cancelled, "sms")],
                               updatedAt: ms(-600))
                doneRecently = try broadcast(sunny.id, "电梯检修", state: "done", scheduledAt: ms(-7200))
                try deliveries(doneRecently, committee: sunny.id, [(.delivered, "sms")], updatedAt: ms(-300))
                doneLongAgo = try broadcast(sunny.id, "old-notice", state: "done", scheduledAt: ms(-4 * 86400))
                try deliveries(doneLongAgo, committee: sunny.id, [(.delivered, "sms")], updatedAt: ms(-3 * 86400))
                // Done without a delivery (everyone opted out): shown while recent, by the time it was due.
                reachedNobody = try broadcast(sunny.id, "无人可达", state: "done", scheduledAt: ms(-3600))
                _ = try broadcast(sunny.id, "old-nobody", state: "done", scheduledAt: ms(-3 * 86400))

                func activity(_ committee: Int64, _ title: String, startsAt: Int64?, capacity: Int, signedUp: Int) throws
                    -> Int64 {
                    try db.cached("""
                        INSERT INTO activities (committee_id, title, starts_at, capacity, signed_up, full_at, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """).execute([committee, title, startsAt, capacity, signedUp,
                                      signedUp == capacity ? ms(-60) : nil, ms(-86400)])
                    return db.lastInsertRowID
                }
                lunch = try activity(sunny.id, "重阳节敬老午餐", startsAt: ms(3 * 86400), capacity: 40, signedUp: 38)
                _ = try activity(river.id, "Tai chi 太极拳", startsAt: nil, capacity: 20, signedUp: 20)
                _ = try activity(sunny.id, "已经结束的讲座", startsAt: ms(-86400), capacity: 10, signedUp: 3)

                // The sms queue: 3 due, 2 not yet due, 1 dead; 300 sent two minutes ago.
                try db.execute("INSERT INTO queues (name, paused, reason) VALUES ('sms', 0, NULL)")
                try db.execute("INSERT INTO queues (name, paused, reason) VALUES ('voice', 1, '春节期间暂停外呼')")
                let queue = try db.scalarInt("SELECT id FROM queues WHERE name = 'sms'") ?? 0
                for (state, runAt) in [(0, ms(-90)), (0, ms(-30)), (0, ms(-5)), (0, ms(3600)), (0, ms(7200)), (3, ms(-900))] {
                    try db.cached("""
                        INSERT INTO jobs (queue_id, state, run_at, max_attempts, created_at) VALUES (?, ?, ?, 5, ?)
                        """).execute([queue, state, runAt, ms(-900)])
                }
                try db.cached("INSERT INTO queue_throughput (queue, minute, succeeded, dead) VALUES ('sms', ?, 300, 1)")
                    .execute([now.unixMilliseconds / 60_000 - 2])
                try RuntimeStore.save([(queue: "sms", json: Self.snapshot(updatedAt: now.unixMilliseconds))],
                                      at: now.unixMilliseconds, db: db)
            }
        }

        /// The sms worker group's snapshot as a dispatcher writes it (`QueueActivity`'s JSON).
        static func snapshot(updatedAt: Int64) -> String {
            let histogram = { (bounds: Int) in
                "{\"bounds\":[\((0..<bounds).map { "\($0 + 1)" }.joined(separator: ","))],"
                    + "\"counts\":[\(Array(repeating: "0", count: bounds + 1).joined(separator: ","))],"
                    + "\"sum\":0,\"count\":0}"
            }
            return """
                {"queue":"sms","channel":"sms","adapter":"kannel","rate":5,"burst":10,"tokens":7,"concurrency":4,\
                "inFlight":2,"sendWindow":"08:00-21:00","windowOpen":true,"circuit":"closed","circuitOpens":0,\
                "waiting":{"idle":{}},"updatedAt":\(updatedAt),"counters":{"claimed":0,"sent":0,"skipped":0,\
                "movedOn":0,"deferredQuietHours":0,"deferredFrequencyCap":0,"failedAtClaim":0,"outcomes":{},\
                "rateWaits":0,"concurrencyWaits":0,"latency":\(histogram(3)),"enqueueToAccepted":\(histogram(3)),\
                "dueToAccepted":\(histogram(3))}}
                """
        }
    }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try HeraldProcess.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return try #require(object as? [String: Any], "\(result.stdout)")
    }

    @Test func jsonMatchesTheDatabase() throws {
        let fixture = try Fixture()
        let report = try json(["status", "--json", "--db", fixture.path])
        #expect(report["schema_version"] as? Int == report["latest_schema_version"] as? Int)
        #expect(report["database_exists"] as? Bool == true)
        #expect(report["dispatcher_state"] as? String == "running")
        let generated = try #require(report["generated_at"] as? String)
        #expect(ISO8601DateFormatter().date(from: generated) != nil)

        let queues = try #require(report["queues"] as? [[String: Any]])
        #expect(queues.map { $0["name"] as? String } == ["sms", "voice"])
        let sms = queues[0]
        #expect(sms["available"] as? Int == 3)
        #expect(sms["scheduled"] as? Int == 2)
        #expect(sms["dead"] as? Int == 1)
        #expect(sms["running"] as? Int == 0)
        #expect(sms["retrying"] as? Int == 0)
        #expect((sms["oldest_waiting_seconds"] as? Double ?? 0) >= 89)
        #expect(sms["sends_per_second_5m"] as? Double == 1)
        #expect(sms["sends_per_second_1m"] as? Double == 0)
        let limits = try #require(sms["limits"] as? [String: Any])
        #expect(limits["rate"] as? Double == 5)
        #expect(limits["concurrency"] as? Int == 4)
        #expect(limits["in_flight"] as? Int == 2)
        #expect(limits["circuit"] as? String == "closed")
        let voice = queues[1]
        #expect(voice["paused"] as? Bool == true)
        #expect(voice["paused_reason"] as? String == "春节期间暂停外呼")
        #expect(voice["limits"] is NSNull)

        let broadcasts = try #require(report["broadcasts"] as? [[String: Any]])
        #expect(broadcasts.compactMap { ($0["id"] as? NSNumber)?.int64Value }
                == [fixture.sending, fixture.cancelledRecently, fixture.doneRecently, fixture.reachedNobody])
        let sending = broadcasts[0]
        #expect(sending["committee"] as? String == "阳光社区居委会")
        #expect(sending["template"] as? String == "停水通知")
        #expect(sending["state"] as? String == "sending")
        #expect(sending["total"] as? Int == 10)
        #expect(sending["last_changed_at"] is NSNull)
        let byState = try #require(sending["by_state"] as? [String: Int])
        #expect(byState == ["confirmed": 3, "delivered": 2, "sent": 1, "failed": 1, "queued": 3, "cancelled": 0])
        #expect(sending["channels"] as? [String: Int] == ["sms": 4, "voice": 2, "push": 3, "none": 1])
        let byChannel = try #require(sending["by_channel"] as? [String: [String: Int]])
        #expect(byChannel["voice"] == ["confirmed": 1, "failed": 1])
        #expect(broadcasts[1]["state"] as? String == "cancelled")
        #expect(broadcasts[1]["committee"] as? String == "滨江居委会")
        #expect(broadcasts[2]["last_changed_at"] as? String != nil)
        #expect(broadcasts[3]["total"] as? Int == 0 && broadcasts[3]["last_changed_at"] as? String != nil)

        let activities = try #require(report["activities"] as? [[String: Any]])
        #expect(activities.map { $0["title"] as? String } == ["重阳节敬老午餐", "Tai chi 太极拳"])
        #expect(activities[0]["id"] as? Int == Int(fixture.lunch))
        #expect(activities[0]["signed_up"] as? Int == 38)
        #expect(activities[0]["capacity"] as? Int == 40)
        #expect(activities[0]["remaining"] as? Int == 2)
        #expect(activities[0]["full"] as? Bool == false)
        #expect(activities[0]["signups_open"] as? Bool == true)
        #expect(activities[0]["starts_at"] as? String != nil)
        #expect(activities[1]["full"] as? Bool == true)
        #expect(activities[1]["starts_at"] is NSNull)
    }

    @Test func textViewKeepsChineseColumnsAligned() throws {
        let fixture = try Fixture()
        let result = try HeraldProcess.run(["status", "--db", fixture.path], environment: ["LANG": "C.UTF-8"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.components(separatedBy: "\n")
        #expect(lines[0].contains("(current)"))
        #expect(lines[1].hasPrefix("dispatcher: running"))
        for section in ["队列 Queues", "发送 Sending", "广播 Broadcasts", "活动 Activities"] {
            #expect(lines.contains { $0.hasPrefix(section) }, "\(section)")
        }
        #expect(result.stdout.contains("paused: 春节期间暂停外呼"))

        // Every table: the lines between a section title and the next blank line have one display width.
        for title in ["队列 Queues", "发送 Sending", "广播 Broadcasts", "活动 Activities"] {
            let start = try #require(lines.firstIndex { $0.hasPrefix(title) })
            var table = Array(lines[(start + 1)...].prefix { !$0.isEmpty })
            if title.hasPrefix("广播") { table.removeLast() }  // the legend
            #expect(table.count >= 2, "\(title)")
            #expect(Set(table.map(\.displayWidth)).count == 1, "\(title): \(table)")
        }

        let activities = Array(lines.drop { !$0.hasPrefix("活动 Activities") }.dropFirst().prefix { !$0.isEmpty })
        #expect(activities.count == 3)
        let lunch = try #require(activities.first { $0.contains("重阳节敬老午餐") })
        #expect(lunch.contains("阳光社区居委会") && lunch.contains("38/40") && lunch.contains("2 left"))
        #expect(activities.contains { $0.contains("Tai chi 太极拳") && $0.contains("20/20") && $0.contains("full") })
        #expect(!result.stdout.contains("已经结束的讲座"))
        // "signed up" is right-aligned: its numbers end where its title ends.
        let ends = zip(activities, ["signed up", "38/40", "20/20"]).map { line, cell in
            line.range(of: cell).map { line[..<$0.upperBound].displayWidth } ?? -1
        }
        #expect(Set(ends).count == 1, "\(ends)")

        let sending = try #require(lines.first { $0.contains("停水通知") })
        #expect(sending.contains("[") && sending.contains("█") && sending.contains("╳"))
        #expect(sending.contains("7/10"))
        #expect(!result.stdout.contains("old-notice"))
    }

    @Test func asciiBarsWithoutAUTF8Locale() throws {
        let fixture = try Fixture()
        let result = try HeraldProcess.run(["status", "--db", fixture.path], environment: ["LC_ALL": "C"])
        #expect(result.status == 0)
        let sending = try #require(result.stdout.components(separatedBy: "\n").first { $0.contains("停水通知") })
        #expect(sending.contains("#") && sending.contains("x") && !sending.contains("█"))
    }

    @Test func watchPrintsTheGivenNumberOfViews() throws {
        let fixture = try Fixture()
        let text = try HeraldProcess.run(["status", "--watch", "--count", "2", "--interval", "0", "--db", fixture.path])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("herald status, view 1 at"))
        #expect(text.stdout.contains("herald status, view 2 at"))
        #expect(!text.stdout.contains("view 3"))
        #expect(text.stdout.components(separatedBy: "重阳节敬老午餐").count == 3)
        #expect(!text.stdout.contains("\u{1B}["))

        let json = try HeraldProcess.run(["status", "--watch", "--json", "--count=2", "--interval=0", "--db", fixture.path])
        #expect(json.status == 0, "\(json.stderr)")
        let documents = json.stdout.split(separator: "\n")
        #expect(documents.count == 2)
        for document in documents {
            let object = try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any]
            #expect((object?["activities"] as? [Any])?.count == 2)
        }
    }

    @Test func watchStopsCleanlyOnInterrupt() throws {
        let fixture = try Fixture()
        let child = try ChildProcess(HeraldProcess.binary,
                                     ["status", "--watch", "--interval", "0.05", "--db", fixture.path], errors: .null)
        // Wait for the first view (reading blocks until it is written), then interrupt.
        var seen: [UInt8] = []
        while !String(decoding: seen, as: UTF8.self).contains("活动 Activities"), let chunk = child.readChunk() {
            seen += chunk
        }
        child.send(SIGINT)
        _ = child.collect()
        #expect(child.wait() == .exited(0))
    }

    @Test func missingDatabaseInJSONSaysSo() throws {
        let directory = NSTemporaryDirectory() + "herald-status-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try json(["status", "--json", "--db", directory + "/none.db"])
        #expect(report["database_exists"] as? Bool == false)
        #expect((report["queues"] as? [Any])?.isEmpty == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func badFlagsGiveOneLineAndExit64() throws {
        let cases: [([String], String)] = [
            (["status", "--interval", "1"], "--interval and --count go with --watch"),
            (["status", "--count", "2"], "--interval and --count go with --watch"),
            (["status", "--watch", "--count", "0"], "--count must be at least 1"),
            (["status", "--watch", "--count", "two"], "--count expects a whole number"),
            (["status", "--watch", "--interval", "soon"], "--interval must be a number of seconds"),
            (["status", "--watch", "--interval", "-1"], "--interval must be a number of seconds"),
            (["status", "--watch=yes"], "--watch takes no value"),
        ]
        for (arguments, message) in cases {
            let result = try HeraldProcess.run(arguments + ["--db", "/tmp/herald-status-unused.db"])
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            let lines = result.stderr.trimmingCharacters(in: .newlines).components(separatedBy: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("herald") && lines[0].contains(message), "\(arguments): \(lines)")
            #expect(result.stderr.contains("(see 'herald status --help')"), "\(arguments)")
        }
    }
}

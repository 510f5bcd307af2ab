import Foundation
import HeraldCore
import HeraldStore

extension BenchCommand {
    static let fanoutSpec = CommandSpec(
        path: ["bench", "fanout"],
        summary: "Measure fan-out: one broadcast to N generated residents",
        discussion: """
            Creates a committee with --residents generated residents (a third with the
            mini program, every fifth preferring calls), then fans one push → SMS → voice
            broadcast out to all of them: deliveries and first-step jobs in batched
            transactions. Prints residents per second and the peak resident memory,
            which must not grow with the audience. Figures: BENCHMARKS.md.
            """,
        options: [
            .value("--residents", "N", "how many residents", default: "100000"),
            .value("--chunk", "N", "residents per fan-out transaction", default: "2000"),
            .value("--db", "PATH", "database to use (default: a new temporary file, removed afterwards)"),
        ],
        run: { invocation in
            let residents = try invocation.integer("--residents") ?? 100_000
            let chunk = try invocation.integer("--chunk") ?? 2_000
            guard residents > 0, chunk > 0 else { throw CommandFailure(.usage, "--residents and --chunk must be positive") }
            let temporary = invocation.value("--db") == nil
            let path = invocation.value("--db")
                ?? NSTemporaryDirectory() + "herald-bench-fanout-\(ProcessInfo.processInfo.processIdentifier).db"
            try DatabaseOption.requireDirectory(of: path)
            defer {
                if temporary {
                    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                }
            }
            let queue = try JobQueue(path: path)
            let now = Date().unixMilliseconds
            let committee = try queue.writer.write { db in
                let committee = try CommitteeStore.create(slug: "bench-\(now % 1_000_000)", name: "压测居委会", at: now, db: db)
                // Generated in SQL, so the residents cost the benchmark nothing.
                try db.cached("""
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                    INSERT INTO residents (committee_id, name, phone, openid, building, voice_ok, created_at, updated_at)
                    SELECT ?, '居民' || i, '+86139' || printf('%08d', i), CASE WHEN i % 3 = 0 THEN 'o' || i END,
                           (i % 40 + 1) || '号楼', CASE WHEN i % 5 = 0 THEN 1 ELSE 0 END, ?, ?
                    FROM n
                    """).execute([residents, committee.id, now, now])
                return committee.id
            }
            let (broadcast, _) = try queue.writer.write { db in
                try BroadcastStore.create(NewBroadcast(
                    committeeID: committee, kind: .notice, template: "notice", audience: .all,
                    plan: ChannelPlan(steps: [.init(channel: "push", queue: "wechat-subscribe", escalateAfterSeconds: 1800),
                                              .init(channel: "sms", queue: "alibaba-sms", escalateAfterSeconds: 7200),
                                              .init(channel: "voice", queue: "alibaba-ivr")])), at: now, db: db)
            }
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try Fanout(queue: queue, chunk: chunk).run(broadcast: broadcast.id)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print("residents:   \(residents)")
            print(String(format: "fan-out:     %9.0f residents/s  (%.2f s)", Double(residents) / seconds, seconds))
            print("deliveries:  \(result.queued) queued, \(result.unreachable) unreachable, \(result.optedOut) opted out")
            print("peak RSS:    \(String(format: "%.1f", Double(peakResidentBytes()) / 1_048_576)) MB")
            return .ok
        })
}

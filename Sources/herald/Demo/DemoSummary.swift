import Foundation
import HeraldStore

/// What the demo did, for the committee: sends per channel, what came
/// back, sign-ups and how long the activity took to fill.
struct DemoSummary {
    var residents: Int
    var elderly: Int
    var withMiniProgram: Int
    var progress: DemoProgress
    var signUpsBySource: [String: Int]
    var filledAfter: TimeInterval?
    var optedOut: Int
    /// Sends (calls, SMS) still waiting when the activity filled, cancelled.
    var sendsCancelled: Int
    var callbacks: Int
    var simulatedSeconds: TimeInterval
    var wallSeconds: Double
    var broadcastState: String

    static func read(jobs: JobQueue, committee: Int64, broadcast: Int64, activity: Int64,
                     neighbourhood: DemoNeighbourhood, simulatedSeconds: TimeInterval, wallSeconds: Double,
                     callbacks: Int) throws -> DemoSummary {
        let progress = try DemoProgress.read(jobs: jobs, broadcast: broadcast, activity: activity)
        return try jobs.readers.read { db in
            let sources = try db.cached("""
                SELECT source, count(*) FROM signups WHERE activity_id = ?1 AND state = 1 GROUP BY source
                """).rows([activity]) { ($0.string(0), $0.int(1)) }
            let filled = try db.cached("""
                SELECT a.full_at - b.created_at FROM activities a, broadcasts b WHERE a.id = ?1 AND b.id = ?2
                """).firstRow([activity, broadcast]) { $0.optionalInt64(0) }.flatMap { $0 }
            let optedOut = try db.scalarInt("""
                SELECT count(DISTINCT o.resident_id) FROM opt_outs o JOIN residents r ON r.id = o.resident_id
                 WHERE r.committee_id = ?1
                """, [committee]) ?? 0
            let state = try db.cached("SELECT state FROM broadcasts WHERE id = ?1").firstRow([broadcast]) { $0.string(0) }
            let cancelled = try db.scalarInt("SELECT count(*) FROM jobs WHERE group_id = ?1 AND state = 4", [broadcast]) ?? 0
            return DemoSummary(
                residents: neighbourhood.residents.count, elderly: neighbourhood.elderly,
                withMiniProgram: neighbourhood.withMiniProgram, progress: progress,
                signUpsBySource: Dictionary(uniqueKeysWithValues: sources),
                filledAfter: filled.map { TimeInterval($0) / 1000 }, optedOut: Int(optedOut),
                sendsCancelled: Int(cancelled), callbacks: callbacks,
                simulatedSeconds: simulatedSeconds, wallSeconds: wallSeconds, broadcastState: state ?? "?")
        }
    }

    var rendered: String {
        func n(_ table: [String: Int], _ key: String) -> Int { table[key] ?? 0 }
        let sent = progress.sent
        var fields: [(String, String)] = [
            ("居民 residents", "\(residents)（高龄 \(elderly)，用小程序 \(withMiniProgram)）"),
            ("小程序推送 push", "\(n(sent, "push")) 发出（订阅消息没有送达回执）"),
            ("短信 SMS", "\(n(sent, "sms")) 发出，\(n(progress.delivered, "sms")) 送达"),
            ("电话 calls", "\(n(sent, "voice")) 拨出，\(progress.answered) 接听"),
            ("报名 signed up", "\(progress.signedUp)/\(progress.capacity)（小程序 \(n(signUpsBySource, "mini_program"))，"
                + "短信回复 \(n(signUpsBySource, "sms_reply"))，电话按1 \(n(signUpsBySource, "voice_key"))）"),
        ]
        if let filledAfter {
            let minutes = Int(filledAfter / 60)
            fields.append(("报满用时 filled in", "\(minutes / 60) 小时 \(minutes % 60) 分钟；报满后取消了 \(sendsCancelled) 个尚未发出的电话和短信"))
        } else {
            fields.append(("报满用时 filled in", "未报满（not full）"))
        }
        fields += [
            ("退订 opted out", "\(optedOut) 位居民"),
            ("回执 callbacks", "\(callbacks)（网关回调，全部经 Herald 的 /callbacks 记录）"),
            ("用时 time", String(format: "模拟 %.0f 分钟，实际 %.1f 秒；广播状态 ", simulatedSeconds / 60, wallSeconds)
                + broadcastState),
        ]
        return (["", "楼道微整治 · 更换灭火器 — 结果 / summary"] + TextColumns.fields(fields).map { "  " + $0 })
            .joined(separator: "\n")
    }
}

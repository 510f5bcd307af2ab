import Foundation
import HeraldCore
import HeraldStore

/// Where the demo's invitation stands: sends, receipts and sign-ups by
/// channel, read in one snapshot.
struct DemoProgress {
    var sent: [String: Int] = [:]
    var delivered: [String: Int] = [:]
    var answered = 0
    var signedUp = 0
    var capacity = 0
    var byState: [String: Int] = [:]

    static func read(jobs: JobQueue, broadcast: Int64, activity: Int64) throws -> DemoProgress {
        try jobs.readers.read { db in
            var progress = DemoProgress()
            let events = try db.cached("""
                SELECT e.kind, e.channel, count(*) FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id
                 WHERE d.broadcast_id = ?1 AND e.kind IN ('sent', 'delivered', 'answered') GROUP BY e.kind, e.channel
                """).rows([broadcast]) { ($0.string(0), $0.optionalString(1) ?? "?", $0.int(2)) }
            for (kind, channel, count) in events {
                switch kind {
                case "sent": progress.sent[channel, default: 0] += count
                case "delivered": progress.delivered[channel, default: 0] += count
                default: progress.answered += count
                }
            }
            for (state, count) in try db.cached("SELECT state, count(*) FROM deliveries WHERE broadcast_id = ?1 GROUP BY state")
                .rows([broadcast], { ($0.int(0), $0.int(1)) }) {
                progress.byState[DeliveryState(rawValue: state)?.name ?? "unknown", default: 0] += count
            }
            if let places = try db.cached("SELECT signed_up, capacity FROM activities WHERE id = ?1")
                .firstRow([activity], { ($0.int(0), $0.int(1)) }) {
                (progress.signedUp, progress.capacity) = places
            }
            return progress
        }
    }
}

/// The demo's live view: one block redrawn in place on a terminal, or a
/// plain line each time on a pipe.
final class DemoLiveView {
    let live: Bool
    let places: Int
    let start: Date
    let report: (String) -> Void
    private var drawnLines = 0

    init(live: Bool, places: Int, start: Date, report: @escaping (String) -> Void) {
        self.live = live
        self.places = places
        self.start = start
        self.report = report
    }

    func show(_ progress: DemoProgress, at now: Date) {
        let lines = Self.lines(progress, at: now, start: start)
        if live {
            var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
            text += lines.map { "\u{1B}[2K" + $0 }.joined(separator: "\n") + "\n"
            FileHandle.standardOutput.write(Data(text.utf8))
            drawnLines = lines.count
        } else {
            report(lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "   "))
        }
    }

    func finish(_ progress: DemoProgress, at now: Date) {
        show(progress, at: now)
        drawnLines = 0
    }

    static func lines(_ progress: DemoProgress, at now: Date, start: Date) -> [String] {
        let minutes = Int(now.timeIntervalSince(start) / 60)
        let clock = String(format: "T+%d:%02d", minutes / 60, minutes % 60)
        let filled = progress.capacity > 0 ? Double(progress.signedUp) / Double(progress.capacity) : 0
        let width = 30
        let bar = String(repeating: "█", count: Int((filled * Double(width)).rounded(.down)))
            .padding(toLength: width, withPad: "░", startingAt: 0)
        func n(_ channel: String, _ table: [String: Int]) -> Int { table[channel] ?? 0 }
        return [
            "\(clock)  小程序推送 \(n("push", progress.sent))   短信 \(n("sms", progress.sent)) 发出 / "
                + "\(n("sms", progress.delivered)) 送达   电话 \(n("voice", progress.sent)) 拨出 / \(progress.answered) 接听",
            "        报名 \(bar) \(progress.signedUp)/\(progress.capacity)",
        ]
    }
}

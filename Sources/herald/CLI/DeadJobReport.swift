import Foundation
import HeraldServer

/// `herald dead list|show` prints the server's own view.
typealias DeadJobReport = DeadJobView

extension DeadJobView {
    /// Every field, one per line, then the attempts.
    var rendered: String {
        var fields: [(String, String)] = [
            ("job", "\(id)  queue \(queue), \(priority) priority"),
            ("attempts", "\(attempts) of \(maxAttempts)"),
            ("created", CommandTime.display(createdAt)),
            ("died", CommandTime.display(diedAt)),
            ("committee", "\(committee)"),
            ("broadcast", broadcast.map(String.init) ?? "-"),
            ("last error", lastError.map(RemoteAPI.oneLine) ?? "-"),
        ]
        if let payload { fields.append(("payload", Self.describe(payload))) }
        var lines = TextColumns.fields(fields)
        if let history, !history.isEmpty {
            lines += ["", "attempts:"]
            var rows = [["", "finished", "outcome", "error"]]
            for attempt in history {
                rows.append(["\(attempt.attempt)", CommandTime.display(attempt.finishedAt), attempt.outcome,
                             attempt.error.map(RemoteAPI.oneLine) ?? "-"])
            }
            lines += TextColumns.lines(rows, numeric: [0]).map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    private static func describe(_ payload: Payload) -> String {
        guard let delivery = payload.deliveryID else {
            return "\(payload.bytes) bytes (not a delivery send job)"
        }
        var text = "send job: delivery \(delivery), plan step \(payload.step ?? 0)"
        if let resident = payload.residentID {
            text += "; resident \(resident) \(payload.residentName ?? "")" + (payload.phone.map { " \($0)" } ?? "")
            text += "; delivery \(payload.deliveryState ?? "?")" + (payload.channel.map { " on \($0)" } ?? "")
        } else {
            text += " (the delivery no longer exists)"
        }
        return text
    }
}

import Foundation
import HeraldCore
import HeraldServer
import HeraldStore

/// A broadcast as `herald broadcast` prints it: the API's own view (so
/// `--json` is the same locally and remotely, and `detailed` reads progress
/// as `GET /v1/broadcasts/{id}` does), with aligned text for people.
typealias BroadcastReport = BroadcastView

extension BroadcastView {
    // MARK: Text

    /// Every field, then progress by state and channel.
    var rendered: String {
        var fields: [(String, String)] = [
            ("broadcast", "\(id)  \(kind)  \(state)"),
            ("committee", "\(committeeID)"),
            ("template", template),
        ]
        for name in variables.keys.sorted() { fields.append(("  \(name)", variables[name] ?? "")) }
        fields += [
            ("audience", Self.describe(audience)),
            ("plan", Self.describe(plan)),
            ("priority", priority),
            ("scheduled", CommandTime.display(scheduledAt)),
            ("created", CommandTime.display(createdAt)),
        ]
        if let cancelledAt { fields.append(("cancelled", CommandTime.display(cancelledAt))) }
        fields.append(("recipients", "\(recipients)"))
        if let activity {
            fields.append(("activity", activity.oneLine))
        } else if let activityID {
            fields.append(("activity", "\(activityID)"))
        }
        if let signups { fields.append(("sign-ups", "\(signups)")) }
        var lines = TextColumns.fields(fields)
        if let progress {
            lines.append("")
            lines += Self.progressTable(progress)
        }
        return lines.joined(separator: "\n")
    }

    /// Deliveries per state: a row for all of them, then one per channel.
    static func progressTable(_ progress: Progress) -> [String] {
        let states = DeliveryState.allCases.map(\.name)
        var rows = [["deliveries", "total"] + states]
        rows.append(["all", "\(progress.total)"] + states.map { "\(progress.byState[$0] ?? 0)" })
        let order = ["push", "sms", "voice", "webhook"]
        let channels = progress.byChannel.keys.sorted { lhs, rhs in
            (order.firstIndex(of: lhs) ?? order.count, lhs) < (order.firstIndex(of: rhs) ?? order.count, rhs)
        }
        for channel in channels {
            let counts = progress.byChannel[channel] ?? [:]
            rows.append([channel == "none" ? "no channel" : channel, "\(counts.values.reduce(0, +))"]
                        + states.map { "\(counts[$0] ?? 0)" })
        }
        return TextColumns.lines(rows, numeric: Set(1..<rows[0].count))
    }

    /// A table of broadcasts.
    static func table(_ broadcasts: [BroadcastReport]) -> String {
        guard !broadcasts.isEmpty else { return "no broadcasts" }
        var rows = [["id", "committee", "kind", "template", "state", "recipients", "scheduled", "audience"]]
        for broadcast in broadcasts {
            rows.append(["\(broadcast.id)", "\(broadcast.committeeID)", broadcast.kind, broadcast.template, broadcast.state,
                         "\(broadcast.recipients)", CommandTime.display(broadcast.scheduledAt),
                         describe(broadcast.audience)])
        }
        return TextColumns.lines(rows, numeric: [0, 1, 5]).joined(separator: "\n")
    }

    static func describe(_ audience: Audience) -> String {
        switch audience {
        case .all: "every resident"
        case .buildings(let names): "buildings " + names.joined(separator: ", ")
        case .tags(let tags): "tags " + tags.joined(separator: ", ")
        case .residents(let ids): "residents " + ids.map(String.init).joined(separator: ", ")
        }
    }

    static func describe(_ plan: ChannelPlan) -> String {
        plan.steps.map { step in
            "\(step.channel) via \(step.queue)"
                + (step.escalateAfterSeconds.map { ", next after \(CommandTime.describe(seconds: $0))" } ?? "")
        }.joined(separator: " → ")
    }
}

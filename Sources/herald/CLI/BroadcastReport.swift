import Foundation
import HeraldCore
import HeraldStore

/// A broadcast as `herald broadcast` prints it: the API's JSON shape (so
/// `--json` is the same locally and remotely) and aligned text for people.
/// `progress`, `activity` and `signups` only in the detailed form.
struct BroadcastReport: Codable {
    var id: Int64
    var committeeID: Int64
    var kind: String
    var template: String
    var variables: [String: String]
    var audience: Audience
    var plan: ChannelPlan
    var activityID: Int64?
    var priority: String
    var scheduledAt: String
    var state: String
    var recipients: Int
    var createdAt: String
    var cancelledAt: String?
    var progress: Progress?
    var activity: ActivityReport?
    /// Residents who signed up through this broadcast's deliveries.
    var signups: Int?

    struct Progress: Codable {
        /// Deliveries per state.
        var byState: [String: Int]
        /// Deliveries per channel ("none": not taken by a channel yet), then per state.
        var byChannel: [String: [String: Int]]
        var total: Int

        enum CodingKeys: String, CodingKey {
            case byState = "by_state"
            case byChannel = "by_channel"
            case total
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, template, variables, audience, plan, priority, state, recipients, progress, activity, signups
        case committeeID = "committee_id"
        case activityID = "activity_id"
        case scheduledAt = "scheduled_at"
        case createdAt = "created_at"
        case cancelledAt = "cancelled_at"
    }

    init(_ broadcast: Broadcast) {
        id = broadcast.id
        committeeID = broadcast.committeeID
        kind = broadcast.kind.rawValue
        template = broadcast.template
        variables = broadcast.variables
        audience = broadcast.audience
        plan = broadcast.plan
        activityID = broadcast.activityID
        priority = broadcast.priority.rawValue
        scheduledAt = CommandTime.apiText(Date(unixMilliseconds: broadcast.scheduledAt))
        state = broadcast.state.rawValue
        recipients = broadcast.recipients
        createdAt = CommandTime.apiText(Date(unixMilliseconds: broadcast.createdAt))
        cancelledAt = broadcast.cancelledAt.map { CommandTime.apiText(Date(unixMilliseconds: $0)) }
    }

    /// The report with progress, sign-ups and the activity's places, read
    /// through `db` (inside the caller's transaction, one snapshot), as
    /// `GET /v1/broadcasts/{id}` reads them.
    static func detailed(_ broadcast: Broadcast, db: Database) throws -> BroadcastReport {
        var report = BroadcastReport(broadcast)
        var progress = Progress(byState: [:], byChannel: [:], total: 0)
        for state in DeliveryState.allCases { progress.byState[state.name] = 0 }
        let rows = try db.cached("""
            SELECT coalesce(channel, 'none'), state, count(*) FROM deliveries WHERE broadcast_id = ?1 GROUP BY 1, 2
            """).rows([broadcast.id]) { ($0.string(0), $0.int(1), $0.int(2)) }
        for (channel, stateValue, count) in rows {
            guard let state = DeliveryState(rawValue: stateValue) else { continue }
            progress.byState[state.name, default: 0] += count
            progress.byChannel[channel, default: [:]][state.name, default: 0] += count
            progress.total += count
        }
        report.progress = progress
        report.signups = Int(try db.scalarInt("""
            SELECT count(*) FROM signups s JOIN deliveries d ON d.id = s.delivery_id
            WHERE d.broadcast_id = ?1 AND s.state = 1
            """, [broadcast.id]) ?? 0)
        if let activity = broadcast.activityID, let found = try ActivityStore.find(id: activity, db: db) {
            report.activity = ActivityReport(found)
        }
        return report
    }

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

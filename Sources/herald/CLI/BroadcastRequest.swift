import Foundation
import HeraldChannels
import HeraldCore
import HeraldDispatch
import HeraldStore

/// What `herald broadcast create` asks for, read from its options: sent as
/// the body of `POST /v1/broadcasts`, or checked here against the templates
/// and queues and stored locally, with the same rules and messages as the server.
struct BroadcastRequest {
    var template: String
    var variables: [String: String]
    var plan: ChannelPlan
    var audience: Audience
    var kind: BroadcastKind?
    var priority: BroadcastPriority
    var activityID: Int64?
    var scheduledAt: Date?
    var idempotencyKey: String?

    init(_ invocation: Invocation) throws {
        func usage(_ message: String) -> UsageError { UsageError(message: message, command: invocation.command) }
        guard let template = invocation.value("--template") else {
            throw usage("--template is required: which template to send")
        }
        guard let plan = invocation.value("--plan") else {
            throw usage("--plan is required, e.g. --plan push:wechat-subscribe:30m,sms:kannel-sms")
        }
        self.template = template
        self.plan = try Self.plan(plan)
        audience = try Self.audience(invocation.value("--audience") ?? "all")
        variables = [:]
        for assignment in invocation.values("--var") {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw CommandFailure(.usage, "--var expects NAME=VALUE; got '\(assignment)'")
            }
            let name = String(assignment[..<equals])
            guard variables[name] == nil else { throw CommandFailure(.usage, "--var \(name) is given twice") }
            variables[name] = String(assignment[assignment.index(after: equals)...])
        }
        if let text = invocation.value("--kind") {
            guard let kind = BroadcastKind(rawValue: text) else {
                throw CommandFailure(.usage, "--kind must be one of "
                                     + BroadcastKind.allCases.map(\.rawValue).joined(separator: ", ") + "; got '\(text)'")
            }
            self.kind = kind
        }
        let priorityText = invocation.value("--priority") ?? "normal"
        guard let priority = BroadcastPriority(rawValue: priorityText) else {
            throw CommandFailure(.usage, "--priority must be emergency, normal or low; got '\(priorityText)'")
        }
        self.priority = priority
        if let text = invocation.value("--activity") {
            guard let id = Int64(text), id > 0 else {
                throw CommandFailure(.usage, "--activity must be an activity id (a positive whole number); got '\(text)'")
            }
            activityID = id
        }
        scheduledAt = try invocation.value("--at").map { try CommandTime.parse($0, option: "--at") }
        if let key = invocation.value("--idempotency-key") {
            guard !key.isEmpty, key.utf8.count <= 200 else {
                throw CommandFailure(.usage, "--idempotency-key must be 1 to 200 bytes")
            }
            idempotencyKey = key
        }
    }

    // MARK: Parsing

    /// `push:wechat-subscribe:30m,sms:kannel-sms:1h,voice:alibaba-ivr`.
    static func plan(_ text: String) throws -> ChannelPlan {
        var steps: [ChannelPlan.Step] = []
        for (index, item) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard (2...3).contains(parts.count), !parts[0].isEmpty, !parts[1].isEmpty else {
                throw CommandFailure(.usage, "--plan step \(index + 1) must be CHANNEL:QUEUE[:ESCALATE_AFTER], "
                                     + "e.g. sms:kannel-sms:1h; got '\(item)'")
            }
            let after = try parts.count == 3
                ? Int(CommandTime.duration(parts[2], option: "--plan step \(index + 1)'s escalation time")) : nil
            steps.append(ChannelPlan.Step(channel: parts[0], queue: parts[1], escalateAfterSeconds: after))
        }
        return ChannelPlan(steps: steps)
    }

    /// `all`, `building:3号楼,5号楼`, `tag:独居老人`, `resident:12,15`.
    static func audience(_ text: String) throws -> Audience {
        if text == "all" { return .all }
        guard let colon = text.firstIndex(of: ":") else {
            throw CommandFailure(.usage, "--audience must be all, building:NAME,..., tag:TAG,... or resident:ID,...; "
                                 + "got '\(text)'")
        }
        let kind = text[..<colon]
        let items = text[text.index(after: colon)...].split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        guard !items.isEmpty else { throw CommandFailure(.usage, "--audience \(kind): lists nothing") }
        switch kind {
        case "building", "buildings": return .buildings(items)
        case "tag", "tags": return .tags(items)
        case "resident", "residents":
            let ids = items.compactMap { Int64($0) }.filter { $0 > 0 }
            guard ids.count == items.count else {
                throw CommandFailure(.usage, "--audience resident: takes resident ids (positive whole numbers); "
                                     + "got '\(items.joined(separator: ","))'")
            }
            return .residents(ids)
        default:
            throw CommandFailure(.usage, "--audience must be all, building:..., tag:... or resident:...; got '\(kind):'")
        }
    }

    // MARK: Remote

    /// The JSON body of `POST /v1/broadcasts`.
    struct Body: Encodable {
        var kind: BroadcastKind?
        var template: String
        var variables: [String: String]
        var audience: Audience
        var plan: ChannelPlan
        var activityID: Int64?
        var priority: BroadcastPriority
        var scheduledAt: String?

        enum CodingKeys: String, CodingKey {
            case kind, template, variables, audience, plan, priority
            case activityID = "activity_id"
            case scheduledAt = "scheduled_at"
        }
    }

    var body: Body {
        Body(kind: kind, template: template, variables: variables, audience: audience, plan: plan, activityID: activityID,
             priority: priority, scheduledAt: scheduledAt.map(CommandTime.apiText))
    }

    // MARK: Local

    /// Checks what the stores cannot, with the server's own check
    /// (`BroadcastCheck`), naming the place by its flag. A refusal exits 65.
    func validated(committee: Int64, templates: TemplateCatalog, queues: QueueCatalog) throws -> NewBroadcast {
        let found: Template
        do {
            found = try BroadcastCheck.check(template: template, variables: variables, plan: plan, audience: audience,
                                             templates: templates, queues: queues)
        } catch {
            let place = switch error.place {
            case .template: ""
            case .variables: error.code == .templateError ? "--var: " : ""
            case .plan: "--plan: "
            case .audience: "--audience: "
            case .step(let index): "--plan step \(index + 1): "
            }
            throw CommandFailure(.dataError, place + error.message)
        }
        return NewBroadcast(committeeID: committee, kind: kind ?? BroadcastKind(rawValue: found.kind.rawValue) ?? .notice,
                            template: found.name, variables: variables, audience: audience, plan: plan,
                            activityID: activityID, priority: priority, scheduledAt: scheduledAt?.unixMilliseconds,
                            idempotencyKey: idempotencyKey)
    }
}

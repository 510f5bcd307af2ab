import HeraldCore

/// A broadcast as stored: what to send (a template and its variables), to
/// whom, through which channels, when, and how far it has got.
public struct Broadcast: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, Codable {
        case scheduled
        case fanningOut = "fanning_out"
        case sending
        case done
        case cancelled
    }

    public var id: Int64
    public var committeeID: Int64
    public var kind: BroadcastKind
    public var template: String
    /// Template variables, name → value.
    public var variables: [String: String]
    public var audience: Audience
    public var plan: ChannelPlan
    public var activityID: Int64?
    public var priority: BroadcastPriority
    public var scheduledAt: Int64
    public var idempotencyKey: String?
    public var state: State
    /// Deliveries written by fan-out so far.
    public var recipients: Int
    public var createdAt: Int64
    public var cancelledAt: Int64?
}

/// What a caller asks for when creating a broadcast.
public struct NewBroadcast: Sendable, Hashable {
    public var committeeID: Int64
    public var kind: BroadcastKind
    public var template: String
    public var variables: [String: String]
    public var audience: Audience
    public var plan: ChannelPlan
    public var activityID: Int64?
    public var priority: BroadcastPriority
    /// When to start; nil: now.
    public var scheduledAt: Int64?
    public var idempotencyKey: String?

    public init(committeeID: Int64, kind: BroadcastKind, template: String, variables: [String: String] = [:],
                audience: Audience, plan: ChannelPlan, activityID: Int64? = nil,
                priority: BroadcastPriority = .normal, scheduledAt: Int64? = nil, idempotencyKey: String? = nil) {
        self.committeeID = committeeID
        self.kind = kind
        self.template = template
        self.variables = variables
        self.audience = audience
        self.plan = plan
        self.activityID = activityID
        self.priority = priority
        self.scheduledAt = scheduledAt
        self.idempotencyKey = idempotencyKey
    }
}

extension BroadcastPriority {
    /// The job priority its sends carry.
    public var jobPriority: JobPriority {
        switch self {
        case .emergency: .emergency
        case .normal: .normal
        case .low: .low
        }
    }

    init(_ priority: JobPriority) {
        switch priority {
        case .emergency: self = .emergency
        case .normal: self = .normal
        case .low: self = .low
        }
    }
}

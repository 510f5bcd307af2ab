import Foundation
import HeraldCore
import HeraldStore

/// A broadcast as the API shows it; `progress` and `signups` only on `GET /v1/broadcasts/{id}`.
public struct BroadcastView: Codable, Sendable {
    public var id: Int64
    public var committeeID: Int64
    public var kind: String
    public var template: String
    public var variables: [String: String]
    public var audience: Audience
    public var plan: ChannelPlan
    public var activityID: Int64?
    public var priority: String
    public var scheduledAt: String
    public var state: String
    public var recipients: Int
    public var createdAt: String
    public var cancelledAt: String?
    public var progress: Progress?
    public var activity: ActivityView?
    /// Residents who signed up through this broadcast's deliveries.
    public var signups: Int?

    public struct Progress: Codable, Sendable {
        /// Deliveries per state: queued, sent, delivered, failed, confirmed, cancelled.
        public var byState: [String: Int]
        /// Deliveries per channel they are on (or ended on), then per state;
        /// "none" for deliveries no channel has taken yet.
        public var byChannel: [String: [String: Int]]
        public var total: Int

        enum CodingKeys: String, CodingKey {
            case byState = "by_state"
            case byChannel = "by_channel"
            case total
        }
    }

    public init(_ broadcast: Broadcast) {
        id = broadcast.id
        committeeID = broadcast.committeeID
        kind = broadcast.kind.rawValue
        template = broadcast.template
        variables = broadcast.variables
        audience = broadcast.audience
        plan = broadcast.plan
        activityID = broadcast.activityID
        priority = broadcast.priority.rawValue
        scheduledAt = APITime.text(milliseconds: broadcast.scheduledAt)
        state = broadcast.state.rawValue
        recipients = broadcast.recipients
        createdAt = APITime.text(milliseconds: broadcast.createdAt)
        cancelledAt = broadcast.cancelledAt.map { APITime.text(milliseconds: $0) }
    }

    /// The view with progress, the activity's places and sign-ups, read in one snapshot.
    public static func detailed(_ broadcast: Broadcast, db: Database) throws -> BroadcastView {
        var view = BroadcastView(broadcast)
        var progress = Progress(byState: [:], byChannel: [:], total: 0)
        for state in DeliveryState.allCases { progress.byState[state.name] = 0 }
        let rows = try db.cached("""
            SELECT coalesce(channel, 'none'), state, count(*) FROM deliveries WHERE broadcast_id = ? GROUP BY 1, 2
            """).rows([broadcast.id]) { ($0.string(0), $0.int(1), $0.int(2)) }
        for (channel, stateValue, count) in rows {
            guard let state = DeliveryState(rawValue: stateValue) else { continue }
            progress.byState[state.name, default: 0] += count
            progress.byChannel[channel, default: [:]][state.name, default: 0] += count
            progress.total += count
        }
        view.progress = progress
        view.signups = Int(try db.scalarInt("""
            SELECT count(*) FROM signups s JOIN deliveries d ON d.id = s.delivery_id
            WHERE d.broadcast_id = ? AND s.state = 1
            """, [broadcast.id]) ?? 0)
        if let activity = broadcast.activityID, let found = try ActivityStore.find(id: activity, db: db) {
            view.activity = ActivityView(found)
        }
        return view
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, template, variables, audience, plan, priority, state, recipients, progress, activity, signups
        case committeeID = "committee_id"
        case activityID = "activity_id"
        case scheduledAt = "scheduled_at"
        case createdAt = "created_at"
        case cancelledAt = "cancelled_at"
    }
}

/// An activity as the API shows it: places, sign-ups, what is left.
public struct ActivityView: Codable, Sendable {
    public var id: Int64
    public var committeeID: Int64
    public var title: String
    public var place: String?
    public var startsAt: String?
    public var signupDeadline: String?
    public var capacity: Int
    public var signedUp: Int
    public var remaining: Int
    public var full: Bool
    public var fullAt: String?
    public var createdAt: String

    public init(_ activity: Activity) {
        id = activity.id
        committeeID = activity.committeeID
        title = activity.title
        place = activity.place
        startsAt = activity.startsAt.map(APITime.text)
        signupDeadline = activity.signupDeadline.map(APITime.text)
        capacity = activity.capacity
        signedUp = activity.signedUp
        remaining = activity.remaining
        full = activity.isFull
        fullAt = activity.fullAt.map(APITime.text)
        createdAt = APITime.text(activity.createdAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, title, place, capacity, remaining, full
        case committeeID = "committee_id"
        case startsAt = "starts_at"
        case signupDeadline = "signup_deadline"
        case signedUp = "signed_up"
        case fullAt = "full_at"
        case createdAt = "created_at"
    }
}

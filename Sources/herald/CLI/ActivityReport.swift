import Foundation
import HeraldCore
import HeraldStore

/// An activity as `herald activity` prints it: the API's JSON shape (so
/// `--json` is the same locally and remotely) and aligned text for people.
struct ActivityReport: Codable {
    var id: Int64
    var committeeID: Int64
    var title: String
    var place: String?
    var startsAt: String?
    var signupDeadline: String?
    var capacity: Int
    var signedUp: Int
    var remaining: Int
    var full: Bool
    var fullAt: String?
    var createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, title, place, capacity, remaining, full
        case committeeID = "committee_id"
        case startsAt = "starts_at"
        case signupDeadline = "signup_deadline"
        case signedUp = "signed_up"
        case fullAt = "full_at"
        case createdAt = "created_at"
    }

    init(_ activity: Activity) {
        id = activity.id
        committeeID = activity.committeeID
        title = activity.title
        place = activity.place
        startsAt = activity.startsAt.map(CommandTime.apiText)
        signupDeadline = activity.signupDeadline.map(CommandTime.apiText)
        capacity = activity.capacity
        signedUp = activity.signedUp
        remaining = activity.remaining
        full = activity.isFull
        fullAt = activity.fullAt.map(CommandTime.apiText)
        createdAt = CommandTime.apiText(activity.createdAt)
    }

    /// `ID 灭火器免费更换: 400 places, 12 signed up, 388 left`.
    var oneLine: String {
        "\(id) \(title): \(capacity) places, \(signedUp) signed up, \(remaining) left" + (full ? " (full)" : "")
    }

    /// Every field, one per line.
    var rendered: String {
        var fields: [(String, String)] = [
            ("activity", "\(id)  \(title)"),
            ("committee", "\(committeeID)"),
            ("place", place ?? "-"),
            ("starts", CommandTime.display(startsAt)),
            ("sign-ups close", CommandTime.display(signupDeadline ?? startsAt)),
            ("capacity", "\(capacity)"),
            ("signed up", "\(signedUp)"),
            ("remaining", "\(remaining)" + (full ? " (full since \(CommandTime.display(fullAt)))" : "")),
        ]
        fields.append(("created", CommandTime.display(createdAt)))
        return TextColumns.fields(fields).joined(separator: "\n")
    }

    /// A table of activities.
    static func table(_ activities: [ActivityReport]) -> String {
        guard !activities.isEmpty else { return "no activities" }
        var rows = [["id", "committee", "title", "starts", "capacity", "signed up", "remaining", "place"]]
        for activity in activities {
            rows.append(["\(activity.id)", "\(activity.committeeID)", activity.title, CommandTime.display(activity.startsAt),
                         "\(activity.capacity)", "\(activity.signedUp)", "\(activity.remaining)", activity.place ?? "-"])
        }
        return TextColumns.lines(rows, numeric: [0, 1, 4, 5, 6]).joined(separator: "\n")
    }
}

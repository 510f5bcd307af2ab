import Foundation
import HeraldCore
import HeraldServer
import HeraldStore

/// An activity as `herald activity` prints it: the API's own view (so
/// `--json` is the same locally and remotely), with aligned text for people.
typealias ActivityReport = ActivityView

extension ActivityView {
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

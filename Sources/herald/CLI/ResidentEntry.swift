import HeraldCore
import HeraldServer
import HeraldStore

/// A resident as `herald residents list` prints it: the API's own view, so
/// the phone is always masked (`138****0001`) locally as on the server.
typealias ResidentEntry = ResidentView

extension ResidentView {
    /// A table of residents.
    static func table(_ residents: [ResidentEntry]) -> String {
        guard !residents.isEmpty else { return "no residents" }
        var rows = [["id", "name", "phone", "openid", "building", "voice", "tags", "external id"]]
        for resident in residents {
            rows.append(["\(resident.id)", resident.name, resident.phone ?? "-", resident.hasOpenID ? "yes" : "no",
                         resident.building ?? "-", resident.voiceOK ? "yes" : "no",
                         resident.tags.isEmpty ? "-" : resident.tags.joined(separator: ","), resident.externalID ?? "-"])
        }
        return TextColumns.lines(rows, numeric: [0]).joined(separator: "\n")
    }
}

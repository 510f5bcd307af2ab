import HeraldCore
import HeraldStore

/// A resident as `herald residents list` prints it, in the API's JSON
/// shape. The phone is always masked (`138****0001`): the local form masks
/// it here, the server masks it before it leaves.
struct ResidentEntry: Codable {
    var id: Int64
    var name: String
    var phone: String?
    var hasOpenID: Bool
    var building: String?
    var tags: [String]
    var voiceOK: Bool
    var externalID: String?

    enum CodingKeys: String, CodingKey {
        case id, name, phone, building, tags
        case hasOpenID = "has_openid"
        case voiceOK = "voice_ok"
        case externalID = "external_id"
    }

    init(_ resident: StoredResident) {
        id = resident.id
        name = resident.name
        phone = resident.phone?.masked
        hasOpenID = resident.openID != nil
        building = resident.building
        tags = resident.tags
        voiceOK = resident.voiceOK
        externalID = resident.externalID
    }

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

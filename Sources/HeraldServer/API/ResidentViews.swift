import HeraldCore
import HeraldStore

/// A resident as the API lists it; the phone is masked, as everywhere
/// Herald prints one.
public struct ResidentView: Codable, Sendable {
    public var id: Int64
    public var name: String
    public var phone: String?
    public var hasOpenID: Bool
    public var building: String?
    public var tags: [String]
    public var voiceOK: Bool
    public var externalID: String?

    public init(_ resident: StoredResident) {
        id = resident.id
        name = resident.name
        phone = resident.phone?.masked
        hasOpenID = resident.openID != nil
        building = resident.building
        tags = resident.tags
        voiceOK = resident.voiceOK
        externalID = resident.externalID
    }

    enum CodingKeys: String, CodingKey {
        case id, name, phone, building, tags
        case hasOpenID = "has_openid"
        case voiceOK = "voice_ok"
        case externalID = "external_id"
    }
}

/// What an upsert or import did: counts, the validation summary and every
/// issue with its row and column (never a cell's value).
public struct RosterReport: Codable, Sendable {
    public var inserted = 0
    public var updated = 0
    public var summary: Summary
    public var issues: [RosterIssue]
    public var conflicts: [Conflict] = []

    public init(summary: RosterSummary, issues: [RosterIssue]) {
        self.summary = Summary(summary)
        self.issues = issues
    }

    /// `RosterSummary` with the API's snake_case names.
    public struct Summary: Codable, Sendable {
        public var rowsRead, validRows, invalidRows, emptyRows, mergedDuplicates, records: Int
        public var stoppedAtLine: Int?

        public init(_ summary: RosterSummary) {
            rowsRead = summary.rowsRead
            validRows = summary.validRows
            invalidRows = summary.invalidRows
            emptyRows = summary.emptyRows
            mergedDuplicates = summary.mergedDuplicates
            records = summary.records
            stoppedAtLine = summary.stoppedAtLine
        }

        enum CodingKeys: String, CodingKey {
            case rowsRead = "rows_read", validRows = "valid_rows", invalidRows = "invalid_rows"
            case emptyRows = "empty_rows", mergedDuplicates = "merged_duplicates", records
            case stoppedAtLine = "stopped_at_line"
        }
    }

    public struct Conflict: Codable, Sendable {
        /// Where the row came from (`line 7`, `residents[3]`).
        public var row: String
        public var message: String

        public init(row: String, message: String) {
            self.row = row
            self.message = message
        }
    }
}


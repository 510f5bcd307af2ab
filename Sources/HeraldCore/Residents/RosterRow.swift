/// One row's text, field by field, before validation: what a CSV row or a
/// ``ResidentInput`` gave.
struct RosterRow {
    let location: RosterLocation
    /// The text of each field (by ``RosterField/ordinal``), untrimmed; `nil`
    /// when the input has no such column or field.
    var values: [String?]
    /// Tags given as a list (JSON) rather than as one text to split.
    var tagList: [String]?
    /// Problems found before validation (a JSON field of the wrong type);
    /// they make the row invalid.
    var problems: [RosterIssue] = []
    /// How the input names each field (by ordinal), for issues.
    let columnNames: ColumnNames

    init(location: RosterLocation, columnNames: ColumnNames) {
        self.location = location
        self.values = Array(repeating: nil, count: RosterField.allCases.count)
        self.columnNames = columnNames
    }

    subscript(field: RosterField) -> String? {
        get { values[field.ordinal] }
        set { values[field.ordinal] = newValue }
    }
}

/// How an input names each field: the CSV header as written, or the JSON
/// field name. A class so that every row shares one copy.
///
/// Sendable: immutable after init.
final class ColumnNames: Sendable {
    private let names: [String]

    /// `names` by field ordinal.
    init(_ names: [String]) {
        precondition(names.count == RosterField.allCases.count)
        self.names = names
    }

    /// The canonical field names, as JSON uses them.
    static let canonical = ColumnNames(RosterField.allCases.map(\.rawValue))

    subscript(field: RosterField) -> String { names[field.ordinal] }
}

extension RosterField {
    /// The field's position in ``allCases``.
    var ordinal: Int {
        switch self {
        case .name: 0
        case .phone: 1
        case .openID: 2
        case .building: 3
        case .unit: 4
        case .room: 5
        case .tags: 6
        case .preferredChannel: 7
        case .voiceOK: 8
        case .quietHours: 9
        case .externalID: 10
        }
    }
}

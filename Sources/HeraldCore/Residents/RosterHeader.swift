/// A roster CSV's header line: which field each column holds.
struct RosterHeader {
    /// The header's line in the file.
    let line: Int
    /// Each column's name as written (trimmed), or `column N` when empty.
    let names: [String]
    /// Each column's field; `nil` for a column Herald does not know.
    let fields: [RosterField?]
    /// How the file names each known field, for issues.
    let columnNames: ColumnNames

    /// Maps a header record. Returns `nil`, with errors in `issues`, when a
    /// column Herald needs is missing or two columns mean the same field;
    /// unknown columns only add a warning.
    static func read(_ record: CSVRecord, issues: inout [RosterIssue]) -> RosterHeader? {
        var names: [String] = []
        var fields: [RosterField?] = []
        var columnOfField: [RosterField: String] = [:]
        var unknown: [String] = []
        var failed = false
        for (offset, text) in record.fields.enumerated() {
            let trimmed = text.trimmedForRoster
            let name = trimmed.isEmpty ? "column \(offset + 1)" : trimmed
            names.append(name)
            guard !trimmed.isEmpty, let field = RosterField(header: trimmed) else {
                fields.append(nil)
                unknown.append(name)
                continue
            }
            if let earlier = columnOfField[field] {
                issues.append(RosterIssue(
                    .duplicateColumn,
                    "columns \(earlier) and \(name) both mean \(field.rawValue); keep one of them",
                    at: .line(record.line), column: name, field: field))
                failed = true
                fields.append(nil)
            } else {
                columnOfField[field] = name
                fields.append(field)
            }
        }

        var missing: [String] = []
        if columnOfField[.name] == nil {
            missing.append("name column (name or 姓名)")
        }
        if columnOfField[.phone] == nil, columnOfField[.openID] == nil {
            missing.append("phone or openid column (" + (RosterField.phone.headerNames + RosterField.openID.headerNames)
                .joined(separator: ", ") + ")")
        }
        if !missing.isEmpty {
            issues.append(RosterIssue(
                .missingColumn,
                "the header line has no " + missing.joined(separator: " and no ")
                    + "; nothing was imported",
                at: .line(record.line)))
            failed = true
        }
        if !unknown.isEmpty {
            issues.append(RosterIssue(
                .unknownColumn,
                "unknown columns ignored: " + unknown.joined(separator: ", "),
                at: .line(record.line)))
        }
        if failed { return nil }
        return RosterHeader(
            line: record.line, names: names, fields: fields,
            columnNames: ColumnNames(RosterField.allCases.map { columnOfField[$0] ?? $0.rawValue }))
    }

    /// The name of a 1-based column, for an issue.
    func columnName(_ column: Int) -> String {
        column <= names.count ? names[column - 1] : "column \(column)"
    }

    /// The row a data record holds: nil when every cell is empty. A row
    /// with more cells than the header has columns is an error only when
    /// one of the extra cells holds something (spreadsheets often write
    /// trailing commas); fewer cells mean the missing ones are empty.
    func row(from record: CSVRecord) -> RosterRow? {
        guard record.fields.contains(where: { !$0.trimmedForRoster.isEmpty }) else { return nil }
        var row = RosterRow(location: .line(record.line), columnNames: columnNames)
        for (offset, text) in record.fields.prefix(fields.count).enumerated() {
            if let field = fields[offset] {
                row[field] = text
            }
        }
        if record.fields.count > fields.count,
           let last = record.fields.lastIndex(where: { !$0.trimmedForRoster.isEmpty }), last >= fields.count {
            row.problems.append(RosterIssue(
                .tooManyColumns,
                "the row has values in \(last + 1) columns but the header has \(fields.count); "
                    + "a value probably holds a comma: put that value in quotes",
                at: .line(record.line)))
        }
        return row
    }
}

import HeraldCore

/// What `herald residents import` did, in the shape of the API's import
/// answer (`report` beside the error when refused): counts, every issue with
/// its line and column (never a cell's value), and rows that matched two
/// stored residents.
struct RosterReport: Codable {
    var inserted = 0
    var updated = 0
    var summary: Summary
    var issues: [RosterIssue]
    var conflicts: [Conflict] = []

    init(_ result: RosterImportResult) {
        summary = Summary(result.summary)
        issues = result.issues
    }

    /// `RosterSummary` with the API's snake_case names.
    struct Summary: Codable {
        var rowsRead, validRows, invalidRows, emptyRows, mergedDuplicates, records: Int
        var stoppedAtLine: Int?

        init(_ summary: RosterSummary) {
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

    struct Conflict: Codable {
        /// Where the row came from (`line 7`).
        var row: String
        var message: String
    }

    /// Whether anything in it stops the import.
    var refused: Bool { issues.contains { $0.severity == .error } || !conflicts.isEmpty }

    /// One line per issue and conflict, then the counts.
    var rendered: String {
        var lines = issues.map(\.description)
        lines += conflicts.map { "\($0.row): error conflict: \($0.message)" }
        var counts = "\(summary.rowsRead) rows read: \(summary.validRows) valid, \(summary.invalidRows) with errors, "
            + "\(summary.emptyRows) empty, \(summary.mergedDuplicates) merged into an earlier row"
        if let line = summary.stoppedAtLine { counts += "; reading stopped at line \(line)" }
        lines.append(counts)
        if !refused { lines.append("imported \(summary.records) residents: \(inserted) new, \(updated) updated") }
        return lines.joined(separator: "\n")
    }

    /// The one-line reason nothing was imported.
    var refusal: String {
        if !conflicts.isEmpty {
            return "\(conflicts.count) rows match two different stored residents; nothing was imported"
        }
        if summary.invalidRows == 0, let first = issues.first(where: { $0.severity == .error }) {
            return "the file cannot be imported: \(first); nothing was imported"
        }
        return "\(summary.invalidRows) of \(summary.rowsRead) rows have errors"
            + (summary.stoppedAtLine.map { "; reading stopped at line \($0)" } ?? "")
            + "; nothing was imported: fix the rows listed and import the file again"
    }
}

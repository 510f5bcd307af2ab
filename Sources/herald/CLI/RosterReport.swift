import HeraldCore
import HeraldServer

/// What `herald residents import` did, as the API's import answer says it
/// (`report` beside the error when refused): counts, every issue with its
/// line and column (never a cell's value), and rows that matched two stored
/// residents. The type is the server's own (`RosterReport`, HeraldServer).
extension RosterReport {
    init(_ result: RosterImportResult) {
        self.init(summary: result.summary, issues: result.issues)
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

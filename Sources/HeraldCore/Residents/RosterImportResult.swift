/// What a roster import produced: the records to store and the report.
public struct RosterImportResult: Hashable, Sendable {
    /// One record per resident, in the order of each one's first row.
    public var records: [ResidentRecord]
    /// Every issue found, ordered by line (or index), then as found.
    public var issues: [RosterIssue]
    /// The counts.
    public var summary: RosterSummary

    public init(records: [ResidentRecord], issues: [RosterIssue], summary: RosterSummary) {
        self.records = records
        self.issues = issues
        self.summary = summary
    }

    /// The issues of severity error: rows not imported, or a header problem
    /// that stopped the import.
    public var errors: [RosterIssue] { issues.filter { $0.severity == .error } }

    /// The issues of severity warning.
    public var warnings: [RosterIssue] { issues.filter { $0.severity == .warning } }
}

/// The counts of a roster import.
///
/// Every row read is counted once: `rowsRead == validRows + invalidRows +
/// emptyRows`, and `records == validRows - mergedDuplicates`.
public struct RosterSummary: Hashable, Sendable, Codable {
    /// Data rows read: CSV records after the header (blank lines are not
    /// rows), or JSON objects.
    public var rowsRead: Int
    /// Rows with no error, imported (possibly merged into an earlier row).
    public var validRows: Int
    /// Rows with at least one error, not imported.
    public var invalidRows: Int
    /// CSV rows whose every cell is empty (`,,,,` lines a spreadsheet
    /// leaves), skipped.
    public var emptyRows: Int
    /// Valid rows that were the same resident as an earlier row and merged
    /// into its record.
    public var mergedDuplicates: Int
    /// Records produced.
    public var records: Int
    /// The line where a fatal problem (a header error, a runaway quote)
    /// stopped the import; nothing from there on was imported. `nil` when
    /// the whole input was read.
    public var stoppedAtLine: Int?

    public init(rowsRead: Int = 0, validRows: Int = 0, invalidRows: Int = 0, emptyRows: Int = 0,
                mergedDuplicates: Int = 0, records: Int = 0, stoppedAtLine: Int? = nil) {
        self.rowsRead = rowsRead
        self.validRows = validRows
        self.invalidRows = invalidRows
        self.emptyRows = emptyRows
        self.mergedDuplicates = mergedDuplicates
        self.records = records
        self.stoppedAtLine = stoppedAtLine
    }
}

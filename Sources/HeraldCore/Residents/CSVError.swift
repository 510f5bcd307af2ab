/// Why a CSV record could not be read.
///
/// Every error but ``Code/recordTooLong`` and ``Code/readFailed`` concerns
/// one record only: ``CSVReader`` has already skipped that record and the
/// next call reads the record after it. The ``message`` describes the
/// problem and where it is, never the field's text, so it is safe to log or
/// to show next to a roster's line number even when the field is a phone
/// number.
public struct CSVError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable identifier for the kind of problem.
    public enum Code: String, Hashable, Sendable, CaseIterable {
        /// A field's bytes are not UTF-8 (often a GBK file saved by Excel's
        /// plain "CSV" format).
        case invalidUTF8 = "invalid_utf8"
        /// A quoted field is still open at the end of the input.
        case unterminatedQuote = "unterminated_quote"
        /// A `"` inside a field that did not start with one (`ab"c`).
        case quoteInUnquotedField = "quote_in_unquoted_field"
        /// Text between a closing quote and the next comma (`"ab"c`).
        case textAfterClosingQuote = "text_after_closing_quote"
        /// One record is longer than the reader's limit, most likely because
        /// a quote was never closed. Reading stops here.
        case recordTooLong = "record_too_long"
        /// The file could not be opened or read. Reading stops here.
        case readFailed = "read_failed"
    }

    /// What kind of problem this is.
    public let code: Code

    /// A sentence saying what was wrong and what to do, without field text.
    public let message: String

    /// The physical line (1-based) where the affected record starts.
    public let line: Int

    /// The 1-based position of the affected field within its record (the
    /// spreadsheet column), when the problem is in one field.
    public let column: Int?

    public init(_ code: Code, _ message: String, line: Int, column: Int? = nil) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
    }

    /// Whether reading stopped at this error (nothing after it was read).
    public var endsReading: Bool {
        code == .recordTooLong || code == .readFailed
    }

    public var description: String {
        let place = column.map { "line \(line), column \($0)" } ?? "line \(line)"
        return "\(place): \(code.rawValue): \(message)"
    }
}

/// One problem, or one thing worth knowing, found while importing a roster.
///
/// An issue says where (``location``: a CSV line or a JSON index, and the
/// ``column`` as the file or request named it), what (``code``, stable for
/// programs, and ``reason``, a sentence for committee staff saying what to
/// fix) and how bad (``severity``). A reason never repeats a cell's value,
/// so a report can be logged or shown without leaking a phone number.
///
/// Encodes as `{"line": 5, "column": "手机", "field": "phone", "code":
/// "invalid_phone", "severity": "error", "reason": "..."}`, with `"index"`
/// instead of `"line"` for JSON input.
public struct RosterIssue: Hashable, Sendable, CustomStringConvertible {
    /// How much an issue matters.
    public enum Severity: String, Hashable, Sendable, Codable, CaseIterable {
        /// The row (or, for a header problem, the whole file) was not imported.
        case error
        /// Imported, but something looks wrong or was ignored.
        case warning
        /// Imported, and the report says what was done (rows merged).
        case notice
    }

    /// A stable identifier for the kind of issue; each has one severity.
    public enum Code: String, Hashable, Sendable, Codable, CaseIterable {
        // The file or its header (errors stop the import).
        /// The input has no header line.
        case emptyFile = "empty_file"
        /// The header lacks a name column, or both phone and openid columns.
        case missingColumn = "missing_column"
        /// Two header columns mean the same field.
        case duplicateColumn = "duplicate_column"
        /// Columns (or JSON fields) Herald does not know; their values are ignored.
        case unknownColumn = "unknown_column"

        // The CSV syntax of one row (see CSVError.Code).
        case invalidUTF8 = "invalid_utf8"
        case unterminatedQuote = "unterminated_quote"
        case quoteInUnquotedField = "quote_in_unquoted_field"
        case textAfterClosingQuote = "text_after_closing_quote"
        /// A row so long that reading stopped there.
        case recordTooLong = "record_too_long"

        // One row's values.
        /// More non-empty fields than the header has columns.
        case tooManyColumns = "too_many_columns"
        case missingName = "missing_name"
        case nameTooLong = "name_too_long"
        /// A name holding line breaks or other control characters.
        case invalidName = "invalid_name"
        /// Neither a phone nor an openid.
        case missingContact = "missing_contact"
        case invalidPhone = "invalid_phone"
        case invalidOpenID = "invalid_openid"
        case invalidBoolean = "invalid_boolean"
        case invalidChannel = "invalid_channel"
        case invalidQuietHours = "invalid_quiet_hours"
        /// A JSON field of the wrong type (an object where text was expected).
        case wrongType = "wrong_type"
        /// A phone shared by residents with different external ids, on a row
        /// without one: it cannot be told whose row it is.
        case ambiguousPhone = "ambiguous_phone"

        // Imported, worth a look.
        /// Prefers voice but does not accept calls: no call will be made.
        case voiceNotAccepted = "voice_not_accepted"
        /// Prefers SMS but the phone is not a mainland mobile.
        case smsNeedsMobile = "sms_needs_mobile"
        /// The same phone as another resident with a different external id;
        /// both are kept.
        case sharedPhone = "shared_phone"

        // Imported, for the record.
        /// The row was the same resident as an earlier one and merged into it.
        case mergedDuplicate = "merged_duplicate"

        /// How much an issue of this kind matters.
        public var severity: Severity {
            switch self {
            case .unknownColumn, .voiceNotAccepted, .smsNeedsMobile, .sharedPhone: .warning
            case .mergedDuplicate: .notice
            default: .error
            }
        }
    }

    /// The row's CSV line (the header's for header issues) or JSON index.
    public let location: RosterLocation
    /// The column as the file's header wrote it (`"手机号"`), the JSON field
    /// name, or `"column 7"` for a column without a header; `nil` when the
    /// issue is about the whole row.
    public let column: String?
    /// The field the column holds, when it is one Herald knows.
    public let field: RosterField?
    /// What kind of issue this is.
    public let code: Code
    /// ``Code/severity`` of ``code``.
    public let severity: Severity
    /// What was found and what to do about it, without any cell's value.
    public let reason: String

    public init(_ code: Code, _ reason: String, at location: RosterLocation,
                column: String? = nil, field: RosterField? = nil) {
        self.location = location
        self.column = column
        self.field = field
        self.code = code
        self.severity = code.severity
        self.reason = reason
    }

    /// The CSV line, or `nil` for JSON input.
    public var line: Int? {
        if case .line(let line) = location { line } else { nil }
    }

    /// The JSON array index, or `nil` for CSV input.
    public var index: Int? {
        if case .index(let index) = location { index } else { nil }
    }

    /// `line 5, column 手机: error invalid_phone: ...`
    public var description: String {
        let place = column.map { "\(location), column \($0)" } ?? "\(location)"
        return "\(place): \(severity.rawValue) \(code.rawValue): \(reason)"
    }
}

extension RosterIssue: Codable {
    private enum CodingKeys: String, CodingKey {
        case line, index, column, field, code, severity, reason
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let line = try container.decodeIfPresent(Int.self, forKey: .line) {
            location = .line(line)
        } else {
            location = .index(try container.decode(Int.self, forKey: .index))
        }
        column = try container.decodeIfPresent(String.self, forKey: .column)
        field = try container.decodeIfPresent(RosterField.self, forKey: .field)
        code = try container.decode(Code.self, forKey: .code)
        severity = try container.decodeIfPresent(Severity.self, forKey: .severity) ?? code.severity
        reason = try container.decode(String.self, forKey: .reason)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch location {
        case .line(let line): try container.encode(line, forKey: .line)
        case .index(let index): try container.encode(index, forKey: .index)
        }
        try container.encodeIfPresent(column, forKey: .column)
        try container.encodeIfPresent(field, forKey: .field)
        try container.encode(code, forKey: .code)
        try container.encode(severity, forKey: .severity)
        try container.encode(reason, forKey: .reason)
    }
}

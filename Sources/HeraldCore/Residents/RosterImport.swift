/// The validation pass over a committee's resident roster: CSV or JSON in,
/// records and a report out.
///
/// Feed CSV bytes in chunks of any size and call ``finish()``:
///
/// ```swift
/// var roster = RosterImport()
/// roster.feed(chunk)            // as many times as needed
/// let result = roster.finish()  // records, issues, summary
/// ```
///
/// or use ``csv(_:)``, ``csv(contentsOfFileAtPath:chunkSize:)`` or
/// ``json(_:)``. The first CSV record is the header (see ``RosterField`` for
/// the names it may use); each following record is one resident.
///
/// Nothing is dropped silently: every row becomes a record, or is merged
/// into an earlier row's record with a notice, or gets at least one error.
/// Rows whose every cell is empty are skipped and counted
/// (``RosterSummary/emptyRows``).
///
/// **A bad field makes the whole row invalid**: the row is reported with
/// every problem found in it and not imported. Importing it without the bad
/// field would store a resident who looks complete but, say, can no longer
/// be reached by phone, and the next import of the corrected file would then
/// have to repair it; rejecting the row keeps the roster and the file in
/// step and the report tells staff exactly which cells to fix.
///
/// Duplicates within one input are merged (see ``RosterImportResult``):
/// rows with the same phone (E.164, so `138 0000 0001` and `+86
/// 13800000001` are one number) or the same external id are one resident;
/// later non-empty fields win and tags are unioned. Rows that share a phone
/// but carry different external ids are kept apart, with a warning.
///
/// A header error (a missing or doubled column), an empty file or a record
/// too long to read stop the import: the result then has the error and
/// ``RosterSummary/stoppedAtLine``.
///
/// Sendable: a value type; memory grows with the records produced, not with
/// the size of the CSV input.
public struct RosterImport: Sendable {
    private var reader: CSVReader
    private var header: RosterHeader?
    private var builder = RosterBuilder()
    private var stoppedAtLine: Int?

    public init(maximumRecordBytes: Int = CSVReader.defaultMaximumRecordBytes) {
        reader = CSVReader(maximumRecordBytes: maximumRecordBytes)
    }

    /// Adds the next chunk of CSV bytes and processes every row it completes.
    public mutating func feed(_ chunk: some Sequence<UInt8>) {
        guard stoppedAtLine == nil else { return }
        reader.append(chunk)
        processAvailableRecords()
    }

    /// Ends the input and returns the records and the report. An import is
    /// used once: feeding it after `finish()` is a programming error.
    public mutating func finish() -> RosterImportResult {
        if stoppedAtLine == nil {
            reader.finish()
            processAvailableRecords()
            if header == nil, stoppedAtLine == nil {
                builder.report(RosterIssue(
                    .emptyFile, "the file is empty; its first line must be the header (name, phone, ...)",
                    at: .line(1)))
                stoppedAtLine = 1
            }
        }
        let result = builder.finish(stoppedAtLine: stoppedAtLine)
        builder = RosterBuilder()
        return result
    }

    /// Imports a whole CSV input held in memory.
    public static func csv(_ bytes: some Sequence<UInt8>) -> RosterImportResult {
        var roster = RosterImport()
        roster.feed(bytes)
        return roster.finish()
    }

    /// Imports a CSV file, reading it in chunks of `chunkSize` bytes.
    ///
    /// Throws ``CSVError/Code/readFailed`` only when the file cannot be
    /// opened or read; every problem in its content is in the result.
    /// `progress`, when given, hears the bytes read so far after each chunk.
    public static func csv(
        contentsOfFileAtPath path: String, chunkSize: Int = CSVReader.defaultChunkSize,
        progress: ((Int) -> Void)? = nil
    ) throws(CSVError) -> RosterImportResult {
        var roster = RosterImport()
        var read = 0
        try CSVReader.forEachChunk(
            ofFileAtPath: path, chunkSize: chunkSize, lineReached: { roster.reader.lineReached }
        ) { chunk in
            roster.feed(chunk)
            read += chunk.count
            progress?(read)
        }
        return roster.finish()
    }

    /// Validates residents sent as JSON, with the same rules and issues as
    /// CSV rows; issues carry the 0-based array ``RosterIssue/index``.
    public static func json(_ inputs: [ResidentInput]) -> RosterImportResult {
        var builder = RosterBuilder()
        var unknownFields: [String] = []
        var firstUnknownIndex: Int?
        for (index, input) in inputs.enumerated() {
            for key in input.unknownKeys where !unknownFields.contains(key) {
                unknownFields.append(key)
                firstUnknownIndex = firstUnknownIndex ?? index
            }
            builder.add(input.row(at: index))
        }
        if let firstUnknownIndex {
            builder.report(RosterIssue(
                .unknownColumn, "unknown fields ignored: " + unknownFields.joined(separator: ", "),
                at: .index(firstUnknownIndex)))
        }
        return builder.finish()
    }

    // MARK: - Rows

    private mutating func processAvailableRecords() {
        while stoppedAtLine == nil {
            let record: CSVRecord
            do {
                guard let next = try reader.nextRecord() else { return }
                record = next
            } catch {
                unreadable(error)
                continue
            }
            guard let header else {
                readHeader(record)
                continue
            }
            if let row = header.row(from: record) {
                builder.add(row)
            } else {
                builder.addEmpty()
            }
        }
    }

    private mutating func readHeader(_ record: CSVRecord) {
        var issues: [RosterIssue] = []
        header = RosterHeader.read(record, issues: &issues)
        for issue in issues { builder.report(issue) }
        if header == nil { stoppedAtLine = record.line }
    }

    /// Reports a record the reader skipped; before the header, it stops the import.
    private mutating func unreadable(_ error: CSVError) {
        guard let header else {
            builder.report(RosterIssue(
                RosterIssue.Code(error.code),
                "the header line cannot be read: \(error.message); nothing was imported",
                at: .line(error.line)))
            stoppedAtLine = error.line
            return
        }
        let column = error.column.map(header.columnName)
        let field = error.column.flatMap { $0 <= header.fields.count ? header.fields[$0 - 1] : nil }
        builder.addUnreadable(RosterIssue(
            RosterIssue.Code(error.code), error.message, at: .line(error.line), column: column, field: field))
        if error.endsReading { stoppedAtLine = error.line }
    }
}

extension RosterIssue.Code {
    /// The issue for a CSV syntax error.
    init(_ code: CSVError.Code) {
        switch code {
        case .invalidUTF8: self = .invalidUTF8
        case .unterminatedQuote: self = .unterminatedQuote
        case .quoteInUnquotedField: self = .quoteInUnquotedField
        case .textAfterClosingQuote: self = .textAfterClosingQuote
        // A read failure is thrown by the file reader, never given as a record's error.
        case .recordTooLong, .readFailed: self = .recordTooLong
        }
    }
}

/// A streaming RFC 4180 CSV reader over UTF-8 bytes.
///
/// Give it bytes in chunks of any size with ``append(_:)``, call
/// ``finish()`` after the last chunk, and take records with ``nextRecord()``
/// until it returns `nil`. Before ``finish()``, `nil` means "give me more
/// bytes"; after it, the input is used up. The reader keeps only the bytes it
/// has not parsed yet and the record it is building, so memory does not grow
/// with the file as long as records are taken as chunks are appended:
///
/// ```swift
/// var reader = CSVReader()
/// for chunk in chunks {
///     reader.append(chunk)
///     while let record = try reader.nextRecord() { ... }
/// }
/// reader.finish()
/// while let record = try reader.nextRecord() { ... }
/// ```
///
/// What it accepts ([RFC 4180](https://www.rfc-editor.org/rfc/rfc4180),
/// plus what spreadsheets write):
/// - a UTF-8 byte order mark at the very start, which is skipped;
/// - records ending in CRLF, LF or a lone CR (old Mac files), and a last
///   record with no line break at all;
/// - quoted fields holding commas, line breaks and doubled quotes (`""`);
/// - blank lines (no bytes between two line breaks), which are skipped. A
///   line holding only `""` or commas is a record of empty fields.
///
/// A malformed record (invalid UTF-8, a stray quote, text after a closing
/// quote) throws a ``CSVError`` and is skipped; the next call continues with
/// the record after it, so one bad row does not hide the rest of a roster.
/// Each record's ``CSVRecord/line`` is the physical line it starts on, still
/// right after quoted fields that span several lines.
///
/// Sendable: a value type holding no references to shared state; a copy
/// reads on from where the original was.
public struct CSVReader: Sendable {
    /// The default limit on one record's size: 1 MiB.
    public static let defaultMaximumRecordBytes = 1 << 20

    /// The longest record, in bytes, the reader will build. A longer record
    /// (in practice, a quote that is never closed, turning the rest of the
    /// file into one field) throws ``CSVError/Code/recordTooLong`` and ends
    /// reading, so a broken file cannot make memory grow with its size.
    public let maximumRecordBytes: Int

    // Input not parsed yet: buffer[position...].
    private var buffer: [UInt8] = []
    private var position = 0
    private var inputFinished = false
    private var byteOrderMarkChecked = false
    /// Set once the input is used up or reading stopped at a fatal error.
    private var done = false

    // The record being built.
    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var recordStarted = false
    private var recordLine = 1
    private var recordBytes = 0
    /// The first problem found in the record, thrown when the record ends.
    private var recordError: CSVError?
    /// Where the quoted field being read opened (for an unterminated quote).
    private var quoteLine = 1
    private var quoteColumn = 1

    /// The physical line of the next byte.
    private var line = 1
    /// The last byte was a CR, so an LF right after it ends the same line.
    private var afterCR = false

    private enum State {
        /// At the start of a field: nothing of it read yet.
        case fieldStart
        /// Inside a field that did not start with a quote.
        case unquoted
        /// Inside a quoted field.
        case quoted
        /// Just read a quote inside a quoted field: either the first of a
        /// doubled quote or the closing quote.
        case quoteInQuoted
    }

    public init(maximumRecordBytes: Int = CSVReader.defaultMaximumRecordBytes) {
        precondition(maximumRecordBytes > 0, "maximumRecordBytes must be positive")
        self.maximumRecordBytes = maximumRecordBytes
    }

    /// Adds the next chunk of the input. Chunks may split a record, a field,
    /// a CRLF or a multi-byte character anywhere.
    public mutating func append(_ chunk: some Sequence<UInt8>) {
        precondition(!inputFinished, "CSVReader.append(_:) after finish()")
        guard !done else { return }
        if position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        } else if position > 0 {
            buffer.removeSubrange(0..<position)
            position = 0
        }
        buffer.append(contentsOf: chunk)
    }

    /// Says that no more input will come: the last record may end without a
    /// line break, and an open quote is now an error.
    public mutating func finish() {
        inputFinished = true
    }

    /// Whether ``finish()`` was called and every record has been taken.
    public var isAtEnd: Bool { done }

    /// The physical line (1-based) the reader has reached.
    public var lineReached: Int { line }

    /// The next complete record, or `nil` when more input is needed (before
    /// ``finish()``) or the input is used up (after it).
    ///
    /// A thrown error concerns the record it names, which is skipped; call
    /// again for the next one. After an error whose
    /// ``CSVError/endsReading`` is true, this returns `nil`.
    public mutating func nextRecord() throws(CSVError) -> CSVRecord? {
        if done { return nil }
        if !byteOrderMarkChecked {
            guard skipByteOrderMark() else { return nil }
        }
        while position < buffer.count {
            if state == .unquoted || state == .quoted {
                try takeOrdinaryBytes()
                if position == buffer.count { break }
            }
            let byte = buffer[position]
            position += 1
            if let record = try consume(byte) {
                return record
            }
        }
        buffer.removeAll(keepingCapacity: true)
        position = 0
        guard inputFinished else { return nil }
        return try endOfInput()
    }

    // MARK: - Parsing

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Skips a UTF-8 BOM at the start of the input. Returns false when the
    /// bytes so far could still be the start of one and more are coming.
    private mutating func skipByteOrderMark() -> Bool {
        let available = buffer[position...]
        if available.count < 3, !inputFinished,
           available.elementsEqual(Self.byteOrderMark.prefix(available.count)) {
            return false
        }
        if available.starts(with: Self.byteOrderMark) {
            position += 3
        }
        byteOrderMarkChecked = true
        return true
    }

    /// Appends the run of bytes up to the next comma, quote or line break to
    /// the field in one go: the fast path through long fields.
    private mutating func takeOrdinaryBytes() throws(CSVError) {
        let start = position
        let end = buffer.withUnsafeBufferPointer { bytes in
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case Self.comma, Self.quote, Self.lineFeed, Self.carriageReturn:
                    return index
                default:
                    index += 1
                }
            }
            return index
        }
        guard end > start else { return }
        field.append(contentsOf: buffer[start..<end])
        position = end
        afterCR = false
        recordBytes += end - start
        if recordBytes > maximumRecordBytes {
            throw tooLong()
        }
    }

    /// Feeds one byte to the state machine; returns the record it completes.
    private mutating func consume(_ byte: UInt8) throws(CSVError) -> CSVRecord? {
        var recordEnded = false
        switch state {
        case .fieldStart:
            switch byte {
            case Self.quote:
                startRecordIfNeeded()
                state = .quoted
                quoteLine = line
                quoteColumn = fields.count + 1
            case Self.comma:
                startRecordIfNeeded()
                endField()
            case Self.lineFeed, Self.carriageReturn:
                // A line break before any byte of a record: a blank line, or
                // the LF of a CRLF that ended the previous record.
                if recordStarted {
                    endField()
                    recordEnded = true
                }
            default:
                startRecordIfNeeded()
                field.append(byte)
                state = .unquoted
            }
        case .unquoted:
            switch byte {
            case Self.comma:
                endField()
            case Self.lineFeed, Self.carriageReturn:
                endField()
                recordEnded = true
            case Self.quote:
                note(CSVError(
                    .quoteInUnquotedField,
                    "a quote appears inside a field that does not start with one; "
                        + "put the whole field in quotes and double the quote inside (\"\")",
                    line: recordLine, column: fields.count + 1))
                field.append(byte)
            default:
                field.append(byte)
            }
        case .quoted:
            if byte == Self.quote {
                state = .quoteInQuoted
            } else {
                field.append(byte)
            }
        case .quoteInQuoted:
            switch byte {
            case Self.quote:
                field.append(byte)
                state = .quoted
            case Self.comma:
                endField()
            case Self.lineFeed, Self.carriageReturn:
                endField()
                recordEnded = true
            default:
                note(CSVError(
                    .textAfterClosingQuote,
                    "text follows the closing quote of a quoted field; "
                        + "a quote inside a quoted field must be doubled (\"\")",
                    line: recordLine, column: fields.count + 1))
                field.append(byte)
                state = .unquoted
            }
        }

        // Count physical lines: CRLF, LF and a lone CR are one break each.
        if byte == Self.lineFeed {
            if !afterCR { line += 1 }
            afterCR = false
        } else if byte == Self.carriageReturn {
            line += 1
            afterCR = true
        } else {
            afterCR = false
        }

        if recordEnded {
            return try endRecord()
        }
        if recordStarted {
            recordBytes += 1
            if recordBytes > maximumRecordBytes {
                throw tooLong()
            }
        }
        return nil
    }

    /// Ends reading at a record longer than the limit.
    private mutating func tooLong() -> CSVError {
        stop(CSVError(
            .recordTooLong,
            state == .quoted
                ? "the record is longer than \(maximumRecordBytes) bytes because the quote that "
                    + "opens column \(quoteColumn) on line \(quoteLine) is never closed; "
                    + "nothing after it was read"
                : "the record is longer than \(maximumRecordBytes) bytes; nothing after it was read",
            line: recordLine))
    }

    private mutating func startRecordIfNeeded() {
        guard !recordStarted else { return }
        recordStarted = true
        recordLine = line
        recordBytes = 0
    }

    /// Keeps the first problem of the record; the record is skipped at its end.
    private mutating func note(_ error: CSVError) {
        if recordError == nil { recordError = error }
    }

    private mutating func endField() {
        if let text = Self.validatedText(field) {
            fields.append(text)
        } else {
            note(CSVError(
                .invalidUTF8,
                "the field is not valid UTF-8; save the file as \"CSV UTF-8\" "
                    + "(Excel's plain \"CSV\" format writes GBK)",
                line: recordLine, column: fields.count + 1))
            fields.append("")
        }
        field.removeAll(keepingCapacity: true)
        state = .fieldStart
    }

    /// The bytes as a String, or `nil` when they are not valid UTF-8.
    ///
    /// Decoding repairs invalid bytes with U+FFFD, so the bytes were valid
    /// exactly when the decoded text's UTF-8 is the same bytes. (Faster than
    /// `String(validating:as:)`, which is not specialised and looks up
    /// generic metadata for every field.)
    private static func validatedText(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { bytes in
            var text = String(decoding: bytes, as: UTF8.self)
            guard bytes.contains(where: { $0 >= 0x80 }) else { return text }
            let same = text.withUTF8 { decoded in
                decoded.count == bytes.count && decoded.elementsEqual(bytes)
            }
            return same ? text : nil
        }
    }

    private mutating func endRecord() throws(CSVError) -> CSVRecord {
        let record = CSVRecord(line: recordLine, fields: fields)
        fields = []
        fields.reserveCapacity(record.fields.count)
        recordStarted = false
        state = .fieldStart
        if let error = recordError {
            recordError = nil
            throw error
        }
        return record
    }

    private mutating func endOfInput() throws(CSVError) -> CSVRecord? {
        done = true
        switch state {
        case .quoted:
            throw stop(CSVError(
                .unterminatedQuote,
                "the quote that opens column \(quoteColumn) on line \(quoteLine) is never closed; "
                    + "the file ends inside that field",
                line: recordLine, column: quoteColumn))
        case .fieldStart where !recordStarted:
            return nil
        case .fieldStart, .unquoted, .quoteInQuoted:
            endField()
            return try endRecord()
        }
    }

    /// Ends reading at a fatal error, dropping whatever was buffered.
    private mutating func stop(_ error: CSVError) -> CSVError {
        done = true
        buffer = []
        position = 0
        field = []
        fields = []
        recordError = nil
        recordStarted = false
        state = .fieldStart
        return error
    }
}

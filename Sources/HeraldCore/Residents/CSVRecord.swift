/// One record of a CSV file: its fields, and the physical line it starts on.
///
/// `line` is 1-based and counts every line break in the file, including
/// blank lines and the ones inside quoted fields, so it is the line number a
/// text editor shows for the record's first character.
public struct CSVRecord: Hashable, Sendable {
    /// The physical line (1-based) where the record's first field starts.
    public var line: Int

    /// The fields, unquoted: doubled quotes are one quote, and line breaks
    /// inside quotes are kept as they were written (`\r\n` stays `\r\n`).
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// Rows of text lined up in columns for a terminal, for the record
/// commands' listings (`TextTable` draws `herald status`'s titled tables).
/// Widths are display columns, so Chinese text stays aligned.
enum TextColumns {
    /// How many terminal columns `text` takes.
    static func width(_ text: String) -> Int {
        text.displayWidth
    }

    /// `text` followed by spaces up to `width` columns.
    static func padded(_ text: String, to width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - Self.width(text)))
    }

    /// `text` preceded by spaces up to `width` columns.
    static func rightAligned(_ text: String, to width: Int) -> String {
        String(repeating: " ", count: max(0, width - Self.width(text))) + text
    }

    /// The rows with two spaces between columns; columns in `numeric` are
    /// right-aligned. Trailing spaces are trimmed.
    static func lines(_ rows: [[String]], numeric: Set<Int> = []) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in
            rows.map { column < $0.count ? width($0[column]) : 0 }.max() ?? 0
        }
        return rows.map { row in
            var line = row.enumerated().map { column, cell in
                numeric.contains(column) ? rightAligned(cell, to: widths[column]) : padded(cell, to: widths[column])
            }.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// `label` padded to line up a list of "label  value" lines.
    static func fields(_ pairs: [(String, String)]) -> [String] {
        let width = pairs.map { Self.width($0.0) }.max() ?? 0
        return pairs.map { padded($0.0, to: width) + "  " + $0.1 }
    }
}

/// Rows of text in aligned columns, measured in terminal columns
/// (`DisplayWidth`), so a column of Chinese titles lines up with the numbers
/// beside it.
///
/// Every rendered line has the same display width: cells are padded (left
/// or right per column) and the last column is padded too, so a redraw in
/// place overwrites the previous frame's line completely. A column with a
/// `maxWidth` truncates longer cells with "…", never splitting a wide
/// character. Newlines and tabs in a cell become spaces.
///
/// ```swift
/// var table = TextTable([.init("活动"), .init("报名", .right)])
/// table.append(["重阳节敬老午餐", "38/40"])
/// print(table.rendered().joined(separator: "\n"))
/// ```
struct TextTable: Sendable {
    struct Column: Sendable {
        var title: String
        var alignment: TextAlignment
        /// The most columns a cell may take; nil: as wide as its widest cell.
        var maxWidth: Int?

        init(_ title: String, _ alignment: TextAlignment = .left, maxWidth: Int? = nil) {
            self.title = title
            self.alignment = alignment
            self.maxWidth = maxWidth
        }
    }

    var columns: [Column]
    private(set) var rows: [[String]] = []
    /// Put between columns.
    var separator = "  "
    /// Put before every line.
    var indent = ""
    /// Whether the first line is the columns' titles.
    var showsHeader = true

    init(_ columns: [Column]) {
        self.columns = columns
    }

    /// Adds a row; missing cells are empty, extra cells are dropped.
    mutating func append(_ row: [String]) {
        var cells = row.prefix(columns.count).map(Self.clean)
        while cells.count < columns.count { cells.append("") }
        rows.append(cells)
    }

    /// The display width of each column as rendered.
    var widths: [Int] {
        columns.indices.map { index in
            let column = columns[index]
            var widest = showsHeader ? column.title.displayWidth : 0
            for row in rows { widest = max(widest, row[index].displayWidth) }
            return column.maxWidth.map { min(widest, $0) } ?? widest
        }
    }

    /// The header (when shown) and every row, one string per line, without newlines.
    func rendered() -> [String] {
        let widths = widths
        let header = showsHeader ? [columns.map(\.title)] : []
        return (header + rows).map { row in
            indent + zip(row, zip(columns, widths)).map { cell, column in
                cell.padded(toWidth: column.1, alignment: column.0.alignment)
            }.joined(separator: separator)
        }
    }

    private static func clean(_ cell: String) -> String {
        guard cell.contains(where: { $0.isNewline || $0 == "\t" }) else { return cell }
        return String(cell.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }
}

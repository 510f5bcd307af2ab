/// A bar of fixed width split into segments in proportion to their counts,
/// e.g. a broadcast's deliveries: `████▓▓▒╳░░░░` (confirmed, delivered, sent,
/// failed, queued).
///
/// Cells go to segments by largest remainder, so they always add up to the
/// bar's width when the counts add up to the total. A segment with any count
/// gets at least one cell (one failure in ten thousand still shows), and a
/// bar that is not complete never looks complete. When the counts add up to
/// less than the total, the rest of the bar is blank.
struct ProgressBar: Sendable {
    /// One part of the bar: how many, and the character it is drawn with.
    struct Segment: Sendable {
        var count: Int
        var style: Style
    }

    /// How a segment looks on a UTF-8 terminal and in plain ASCII.
    struct Style: Sendable, Hashable {
        var glyph: Character
        var ascii: Character

        static let full = Style(glyph: "█", ascii: "#")
        static let dark = Style(glyph: "▓", ascii: "=")
        static let medium = Style(glyph: "▒", ascii: "~")
        static let cross = Style(glyph: "╳", ascii: "x")
        static let dotted = Style(glyph: "·", ascii: "-")
        static let light = Style(glyph: "░", ascii: ".")

        /// The character to draw with.
        func character(unicode: Bool) -> Character { unicode ? glyph : ascii }
    }

    /// Cells in the bar (columns on the terminal: every glyph is one column).
    var width: Int
    /// Block characters on a UTF-8 terminal (`Terminal.speaksUTF8`), else ASCII.
    var unicode: Bool

    init(width: Int, unicode: Bool) {
        self.width = max(0, width)
        self.unicode = unicode
    }

    /// The bar, without brackets: exactly `width` characters.
    func rendered(_ segments: [Segment], total: Int) -> String {
        let cells = Self.cells(for: segments.map(\.count), total: total, width: width)
        var bar = ""
        for (segment, count) in zip(segments, cells) {
            bar += String(repeating: segment.style.character(unicode: unicode), count: count)
        }
        return bar + String(repeating: " ", count: max(0, width - cells.reduce(0, +)))
    }

    /// How many of `width` cells each count gets out of `total` (at least the
    /// counts' sum). See the type's summary for the rules.
    static func cells(for counts: [Int], total: Int, width: Int) -> [Int] {
        let counts = counts.map { max(0, $0) }
        let sum = counts.reduce(0, +)
        let total = max(total, sum)
        guard width > 0, total > 0, sum > 0 else { return counts.map { _ in 0 } }
        var target = Int((Double(sum) * Double(width) / Double(total)).rounded())
        if sum < total { target = min(target, width - 1) }
        target = max(target, 1)
        let exact = counts.map { Double($0) * Double(width) / Double(total) }
        var cells = exact.map { Int($0) }
        let visible = counts.filter { $0 > 0 }.count
        let keepsOne = visible <= target
        if keepsOne {
            for index in counts.indices where counts[index] > 0 && cells[index] == 0 { cells[index] = 1 }
        }
        while cells.reduce(0, +) > target {
            // Take from the segment that got the most beyond its share.
            let floor = { (index: Int) in keepsOne && counts[index] > 0 ? 1 : 0 }
            guard let index = cells.indices.filter({ cells[$0] > floor($0) })
                .max(by: { Double(cells[$0]) - exact[$0] < Double(cells[$1]) - exact[$1] }) else { break }
            cells[index] -= 1
        }
        while cells.reduce(0, +) < target {
            // Give to the segment furthest below its share.
            guard let index = counts.indices.filter({ counts[$0] > 0 })
                .max(by: { exact[$0] - Double(cells[$0]) < exact[$1] - Double(cells[$1]) }) else { break }
            cells[index] += 1
        }
        return cells
    }
}

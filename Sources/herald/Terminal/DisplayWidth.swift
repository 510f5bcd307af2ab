/// How many terminal columns text takes, and padding and truncation that
/// count columns instead of characters, so tables with Chinese text stay
/// aligned.
///
/// The rules follow `wcwidth(3)` and Unicode's East Asian Width (UAX #11):
/// Wide and Fullwidth characters (CJK ideographs, kana, Hangul syllables,
/// fullwidth forms, CJK punctuation such as 、。「」) and emoji shown as emoji
/// (`Emoji_Presentation`, or any emoji followed by U+FE0F) take 2 columns;
/// combining marks, zero-width joiners and other format and control
/// characters take 0; everything else takes 1. East Asian *Ambiguous*
/// characters (box drawing, block elements, "…", "·") count 1, as in every
/// terminal not set to the CJK legacy "ambiguous is wide" mode.
///
/// Width is summed per `Character` (grapheme cluster), each cluster taking
/// the widest of its scalars: "é" written as e + U+0301 is 1 column, a ZWJ
/// family emoji or a flag is 2.
enum DisplayWidth {
    /// The columns `text` takes on a terminal.
    static func of(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// The columns one grapheme cluster takes: 0, 1 or 2.
    static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        // Fast path: printable ASCII is the common case.
        if scalars.count == 1, let only = scalars.first, only.value >= 0x20, only.value < 0x7F { return 1 }
        var width = 0
        for scalar in scalars { width = max(width, of(scalar)) }
        if width == 1, scalars.contains("\u{FE0F}"), scalars.first?.properties.isEmoji == true { return 2 }
        return width
    }

    /// The columns one scalar takes on its own: 0, 1 or 2.
    static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (value >= 0x7F && value < 0xA0) { return 0 }  // C0 and C1 controls
        if value < 0x300 { return value == 0xAD ? 0 : 1 }  // Latin; U+00AD soft hyphen is invisible
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return 0 }  // Hangul medial/final jamo
        if scalar.properties.isEmojiPresentation { return 2 }
        return isWide(value) ? 2 : 1
    }

    /// Whether East Asian Width is W or F (emoji aside), by the ranges of
    /// Unicode 15's EastAsianWidth.txt.
    static func isWide(_ value: UInt32) -> Bool {
        // Binary search over sorted, disjoint ranges.
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = wideRanges[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// East Asian Wide and Fullwidth ranges, sorted (emoji with
    /// `Emoji_Presentation` are found by that property instead).
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F,    // Hangul Choseong (initial consonants)
        0x2329...0x232A,    // 〈 〉 angle brackets
        0x2E80...0x2E99, 0x2E9B...0x2EF3,  // CJK radicals supplement
        0x2F00...0x2FD5,    // Kangxi radicals
        0x2FF0...0x2FFF,    // ideographic description characters
        0x3000...0x303E,    // ideographic space, CJK symbols and punctuation (、。「」…)
        0x3041...0x3096, 0x3099...0x30FF,  // Hiragana, Katakana
        0x3105...0x312F, 0x3131...0x318E, 0x3190...0x31E5, 0x31EF...0x321E,  // Bopomofo, Hangul compat, Kanbun, strokes
        0x3220...0x3247,    // parenthesized ideographs
        0x3250...0xA48C,    // enclosed CJK, CJK compatibility, Extension A, unified ideographs, Yi syllables
        0xA490...0xA4C6,    // Yi radicals
        0xA960...0xA97C,    // Hangul Jamo Extended-A
        0xAC00...0xD7A3,    // Hangul syllables
        0xF900...0xFAFF,    // CJK compatibility ideographs
        0xFE10...0xFE19,    // vertical forms
        0xFE30...0xFE52, 0xFE54...0xFE66, 0xFE68...0xFE6B,  // CJK compatibility and small forms
        0xFF01...0xFF60,    // fullwidth ASCII variants (１２３ＡＢＣ，！)
        0xFFE0...0xFFE6,    // fullwidth signs (￥ ￡)
        0x16FE0...0x16FE4, 0x16FF0...0x16FF1,
        0x17000...0x187F7, 0x18800...0x18CD5, 0x18D00...0x18D08,  // Tangut
        0x1AFF0...0x1AFFE, 0x1B000...0x1B122, 0x1B132...0x1B132, 0x1B150...0x1B152, 0x1B155...0x1B155,
        0x1B164...0x1B167, 0x1B170...0x1B2FB,  // Kana supplement, Nushu
        0x1F200...0x1F202, 0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251, 0x1F260...0x1F265,  // enclosed ideographs
        0x20000...0x2FFFD,  // CJK Extensions B–F and supplement
        0x30000...0x3FFFD,  // CJK Extensions G–H
    ]
}

extension StringProtocol {
    /// The columns this text takes on a terminal (`DisplayWidth.of`).
    var displayWidth: Int { DisplayWidth.of(self) }
}

extension String {
    /// This text cut to at most `width` columns, ending in `ellipsis` when
    /// anything was cut. A wide character that would not fit whole is left
    /// out rather than split, so the result may be a column short.
    func truncated(toWidth width: Int, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        guard displayWidth > width else { return self }
        let room = width - ellipsis.displayWidth
        guard room >= 0 else { return String(repeating: ".", count: width) }
        var kept = ""
        var used = 0
        for character in self {
            let next = DisplayWidth.of(character)
            if used + next > room { break }
            kept.append(character)
            used += next
        }
        return kept + ellipsis
    }

    /// This text padded with spaces to exactly `width` columns (on the right
    /// for `.left`, on the left for `.right`), truncated first if longer.
    func padded(toWidth width: Int, alignment: TextAlignment = .left, ellipsis: String = "…") -> String {
        let fitted = truncated(toWidth: width, ellipsis: ellipsis)
        let pad = String(repeating: " ", count: max(0, width - fitted.displayWidth))
        switch alignment {
        case .left: return fitted + pad
        case .right: return pad + fitted
        }
    }
}

/// Which side of a column text sits on.
enum TextAlignment: Sendable {
    case left
    case right
}

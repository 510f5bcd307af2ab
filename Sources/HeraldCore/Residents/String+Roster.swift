extension String {
    /// The text without leading and trailing white space, including the
    /// ideographic (U+3000) and no-break spaces that Chinese input and
    /// spreadsheets produce. Returns `self` when there is nothing to trim.
    var trimmedForRoster: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isRosterWhitespace }) else {
            return ""
        }
        let last = scalars.lastIndex(where: { !$0.isRosterWhitespace })!
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex {
            return self
        }
        return String(scalars[first...last])
    }

    /// The trimmed text, or `nil` when nothing is left.
    var nonEmptyTrimmedForRoster: String? {
        let trimmed = trimmedForRoster
        return trimmed.isEmpty ? nil : trimmed
    }
}

extension Unicode.Scalar {
    /// Unicode's White_Space property, without the property table lookup
    /// (`properties.isWhitespace`), which dominated a roster import's profile.
    var isRosterWhitespace: Bool {
        switch value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            true
        default:
            false
        }
    }

    /// Unicode's general category Cc (control), without the table lookup.
    var isRosterControl: Bool {
        value < 0x20 || (0x7F...0x9F).contains(value)
    }
}

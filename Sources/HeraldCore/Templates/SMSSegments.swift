/// How many SMS parts a text is sent as, and in which encoding.
///
/// A text made only of characters of the GSM 03.38 default alphabet and its
/// extension table goes as GSM-7: 160 septets in one message, 153 per part
/// when split (the user data header takes the rest); an extension character
/// (`^ { } \ [ ] ~ | €` and form feed) takes two septets (escape + code) and
/// is never split across parts. Any other character — every Chinese
/// character — makes the whole text UCS-2: 70 UTF-16 code units in one
/// message, 67 per part, so a character outside the BMP (an emoji) counts 2
/// and its surrogate pair is never split across parts.
///
/// Chinese carriers and Alibaba/Tencent count the same way (70 per SMS, 67
/// per part of a long one); the gateway's sign (`【阳光社区】`) is part of
/// the text and counts too.
public struct SMSSegments: Sendable, Hashable {
    public enum Encoding: String, Sendable, Hashable {
        case gsm7 = "GSM-7"
        case ucs2 = "UCS-2"
    }

    public var encoding: Encoding
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    public var units: Int
    /// How many SMS parts the text is sent as (0 for an empty text).
    public var count: Int

    /// Characters in one unsplit message.
    public var singleLimit: Int { encoding == .gsm7 ? 160 : 70 }
    /// Characters per part of a split message.
    public var partLimit: Int { encoding == .gsm7 ? 153 : 67 }

    public init(counting text: String) {
        let scalars = Array(text.unicodeScalars)
        if scalars.allSatisfy({ Self.gsmSeptets($0) != nil }) {
            encoding = .gsm7
            let sizes = scalars.map { Self.gsmSeptets($0) ?? 1 }
            units = sizes.reduce(0, +)
            count = Self.parts(sizes: sizes, total: units, single: 160, part: 153)
        } else {
            encoding = .ucs2
            let sizes = scalars.map { $0.utf16.count }
            units = sizes.reduce(0, +)
            count = Self.parts(sizes: sizes, total: units, single: 70, part: 67)
        }
    }

    /// Parts needed for characters of these sizes, none split across parts.
    private static func parts(sizes: [Int], total: Int, single: Int, part: Int) -> Int {
        if total == 0 { return 0 }
        if total <= single { return 1 }
        var parts = 1
        var used = 0
        for size in sizes {
            if used + size > part {
                parts += 1
                used = 0
            }
            used += size
        }
        return parts
    }

    /// Septets `scalar` takes in GSM-7 (1, or 2 for the extension table), or
    /// nil when GSM-7 cannot carry it.
    static func gsmSeptets(_ scalar: Unicode.Scalar) -> Int? {
        if basic.contains(scalar) { return 1 }
        if extensionTable.contains(scalar) { return 2 }
        return nil
    }

    /// The GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1), the escape
    /// code excepted.
    private static let basic: Set<Unicode.Scalar> = Set(
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").unicodeScalars)

    /// The default alphabet's extension table: each costs an escape septet too.
    private static let extensionTable: Set<Unicode.Scalar> = Set("\u{0C}^{}\\[~]|€".unicodeScalars)
}

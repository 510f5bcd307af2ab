/// The type of a WeChat subscribe message data field, read from its name's
/// prefix (`thing1` is a `thing`), and the value rules WeChat documents for
/// it. A value breaking them is refused at send time with errcode 47003,
/// so lint checks them first.
///
/// Rules from the subscribe-message `send` documentation
/// (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html),
/// "订阅消息参数值内容限制说明". Lengths are counted in characters (Unicode scalars).
public enum WeChatField: String, Sendable, Hashable, CaseIterable {
    /// 事物: at most 20 characters of any kind.
    case thing
    /// 数字: at most 32 digits, a decimal point allowed.
    case number
    /// 字母: at most 32 letters.
    case letter
    /// 符号: at most 5 symbols.
    case symbol
    /// 字符串: at most 32 digits, letters or symbols (no Chinese).
    case characterString = "character_string"
    /// 时间: a 24-hour time, a date before it allowed (`15:01`, `2019年10月1日 15:01`); a span joined by `~`.
    case time
    /// 日期: a date, a 24-hour time after it allowed (`2019年10月1日`, `2019年10月1日 15:01`); a span joined by `~`.
    case date
    /// 金额: one currency symbol, at most 10 digits, decimals allowed, `元` at the end allowed.
    case amount
    /// 电话: at most 17 digits and symbols (`+86-0766-66888866`).
    case phoneNumber = "phone_number"
    /// 车牌: at most 8 characters.
    case carNumber = "car_number"
    /// 姓名: at most 10 Chinese characters, or 20 letters and symbols; mixed counts as Chinese.
    case name
    /// 汉字: at most 5 Chinese characters, nothing else.
    case phrase
    /// 短事物: at most 5 characters.
    case shortThing = "short_thing"
    /// 常量: at most 20 characters, and only values approved with the template.
    case const

    /// The type of a field called `field` (`thing1` → `.thing`), nil for an unknown prefix.
    public init?(field: String) {
        guard Self.isFieldName(field) else { return nil }
        self.init(rawValue: String(field.prefix { !$0.isASCII || !$0.isNumber }))
    }

    /// A WeChat data field name: lowercase letters and `_`, then digits (`thing1`, `character_string12`).
    public static func isFieldName(_ field: String) -> Bool {
        let prefix = field.unicodeScalars.prefix { ("a"..."z").contains($0) || $0 == "_" }
        let rest = field.unicodeScalars.dropFirst(prefix.count)
        return !prefix.isEmpty && !rest.isEmpty && rest.allSatisfy { ("0"..."9").contains($0) }
    }

    /// The most characters a value may have, when the type has a plain length limit.
    public var maxLength: Int? {
        switch self {
        case .thing, .const: 20
        case .number, .letter, .characterString: 32
        case .symbol, .phrase, .shortThing: 5
        case .phoneNumber: 17
        case .carNumber: 8
        case .name: 10
        case .time, .date, .amount: nil
        }
    }

    /// Whether the type limits length only (so a variable's `maxLength` decides the worst case).
    var lengthLimited: Bool { maxLength != nil }

    /// Why `value` breaks this type's rules, or nil when it keeps them.
    public func problem(with value: String) -> String? {
        let scalars = Array(value.unicodeScalars)
        let length = scalars.count
        func tooLong(_ limit: Int, _ what: String = "characters") -> String? {
            length > limit ? "has \(length) \(what); \(rawValue) allows at most \(limit)" : nil
        }
        switch self {
        case .thing, .const, .carNumber, .shortThing:
            return tooLong(maxLength ?? 0)
        case .number:
            return Self.matches(value, #"-?[0-9]+(\.[0-9]+)?"#) ? tooLong(32) : "must be digits, with an optional decimal point"
        case .letter:
            return scalars.allSatisfy(Self.isASCIILetter) ? tooLong(32) : "must be letters only"
        case .symbol:
            return scalars.allSatisfy({ !Self.isASCIILetter($0) && !Self.isDigit($0) && !Self.isChinese($0) })
                ? tooLong(5) : "must be symbols only"
        case .characterString:
            return scalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
                ? tooLong(32) : "must be ASCII digits, letters or symbols, without spaces or Chinese"
        case .phoneNumber:
            return scalars.allSatisfy({ Self.isDigit($0) || "+-() ".unicodeScalars.contains($0) })
                ? tooLong(17) : "must be digits and symbols (+86-021-64001234)"
        case .amount:
            return Self.matches(value, #"[^0-9\s]?[0-9]{1,10}(\.[0-9]+)?元?"#)
                ? nil : "must be a currency symbol, at most 10 digits with optional decimals, and an optional 元"
        case .time:
            let part = "(" + Self.datePattern + #"\s*)?"# + Self.clockPattern
            return Self.matches(value, part + #"(\s*~\s*"# + part + ")?")
                ? nil : "must be a 24-hour time, optionally after a date: 15:01 or 2025年6月14日 15:01 (a span joined by ~)"
        case .date:
            let part = Self.datePattern + #"(\s*"# + Self.clockPattern + ")?"
            return Self.matches(value, part + #"(\s*~\s*("# + part + "|" + Self.clockPattern + "))?")
                ? nil : "must be a date, optionally with a 24-hour time: 2025年6月14日 or 2025年6月14日 15:01"
        case .name:
            return scalars.contains(where: Self.isChinese) ? tooLong(10, "characters (Chinese)") : tooLong(20)
        case .phrase:
            return scalars.allSatisfy(Self.isChinese) ? tooLong(5, "Chinese characters") : "must be Chinese characters only"
        }
    }

    private static let datePattern = #"[0-9]{4}(年[0-9]{1,2}月[0-9]{1,2}日|-[0-9]{1,2}-[0-9]{1,2}|/[0-9]{1,2}/[0-9]{1,2})"#
    private static let clockPattern = #"([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?"#

    /// Whether `pattern` matches all of `value`. Patterns spell digits
    /// `[0-9]`: in Swift regexes `\d` also matches numerals such as 四.
    private static func matches(_ value: String, _ pattern: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return value.wholeMatch(of: regex) != nil
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    /// A CJK ideograph (the unified blocks and their extensions, compatibility ideographs).
    static func isChinese(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2EBEF, 0xF900...0xFAFF, 0x30000...0x3134F: true
        default: false
        }
    }
}

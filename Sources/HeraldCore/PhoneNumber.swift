/// A telephone number normalised to E.164, safe to interpolate into a log.
///
/// `PhoneNumber(parsing:)` accepts what residents and committee staff type:
/// mainland mobiles with or without `+86`, `86` or `0086`; mainland landlines
/// with the trunk `0` and an area code (`021-1234 5678`); and any other number
/// in international form (`+44 20 7946 0958`, `0044 ...`). Spaces, dashes,
/// dots and parentheses are ignored, and the full-width digits and `＋` that
/// Chinese input methods produce are read as ASCII.
///
/// `description`, `debugDescription` and `dump` all show only ``masked``, so
/// `"\(phone)"` never puts a resident's number in a log line. Use ``e164``
/// where the whole number is needed: to dial it or to store it. `Codable`
/// encodes ``e164``.
public struct PhoneNumber: Hashable, Sendable {
    /// The country calling code without the `+`: `"86"`, `"1"`, `"852"`.
    public let countryCode: String

    /// The number within its country, without trunk prefix: `"13812345678"`
    /// for a mobile, `"2112345678"` for a Shanghai landline.
    public let nationalNumber: String

    private init(countryCode: String, nationalNumber: String) {
        self.countryCode = countryCode
        self.nationalNumber = nationalNumber
    }

    /// The number in E.164 form: `"+8613812345678"`.
    public var e164: String { "+" + countryCode + nationalNumber }

    /// Whether this is a mainland China mobile (`+86 1[3-9]` and 11 digits),
    /// the only kind of number that can receive an SMS notice.
    public var isMainlandMobile: Bool {
        countryCode == "86" && Self.isMainlandMobile(nationalNumber)
    }

    /// The number with its middle hidden: `"+86 138****5678"`.
    ///
    /// Shows the first 3 and last 4 digits of the national number; a national
    /// number shorter than 8 digits shows only its last 2 (`"+45 ****78"`).
    public var masked: String {
        let national = Array(nationalNumber)
        let visible: String
        if national.count >= 8 {
            visible = String(national.prefix(3)) + "****" + String(national.suffix(4))
        } else {
            visible = "****" + String(national.suffix(2))
        }
        return "+" + countryCode + " " + visible
    }
}

// MARK: - Parsing

extension PhoneNumber {
    /// Parses a number as typed, normalising it to E.164.
    ///
    /// A number without `+` or `00` is read as mainland Chinese: 11 digits
    /// starting `13`–`19` is a mobile (also with `86` in front), and a leading
    /// `0` starts a landline's area code (`010`, `02x`, or 3 digits starting
    /// `3`–`9`) followed by a 7- or 8-digit subscriber number. A mobile typed
    /// with a trunk `0` (`0138...`) is accepted as the mobile.
    ///
    /// A number with `+` or `00` needs 8 to 15 digits and a country code that
    /// does not start with `0`; `+86` numbers must also be valid mainland
    /// numbers (`+86 (0)21 ...` is read as `+86 21 ...`).
    ///
    /// The error's message never repeats the digits typed.
    public init(parsing text: String) throws(PhoneNumberError) {
        let typed = try TypedNumber(scanning: text)
        if typed.hasPlus {
            self = try Self.international(typed.digits)
        } else if typed.digits.hasPrefix("00") {
            self = try Self.international(String(typed.digits.dropFirst(2)))
        } else if typed.digits.hasPrefix("0") {
            self = try Self.mainland(afterTrunkPrefix: String(typed.digits.dropFirst()))
        } else if typed.digits.count == 13, typed.digits.hasPrefix("86"),
                  Self.isMainlandMobile(typed.digits.dropFirst(2)) {
            self = PhoneNumber(countryCode: "86", nationalNumber: String(typed.digits.dropFirst(2)))
        } else {
            self = try Self.mainlandMobile(typed.digits)
        }
    }

    /// The digits of a typed number and whether it began with `+`.
    private struct TypedNumber {
        var hasPlus = false
        var digits = ""

        init(scanning text: String) throws(PhoneNumberError) {
            var position = 0
            for scalar in text.unicodeScalars {
                position += 1
                switch scalar {
                case "0"..."9":
                    digits.unicodeScalars.append(scalar)
                case "\u{FF10}"..."\u{FF19}":  // full-width ０-９
                    digits.unicodeScalars.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
                case "+", "\u{FF0B}":  // ＋
                    guard !hasPlus, digits.isEmpty else {
                        throw PhoneNumberError(
                            .misplacedPlus,
                            "phone number has a + at position \(position); + may only come first",
                            digitCount: digits.count)
                    }
                    hasPlus = true
                case " ", "\t", "\u{00A0}", "\u{3000}",  // spaces, incl. no-break and ideographic
                     "-", "\u{2010}"..."\u{2015}", "\u{FF0D}",  // dashes, incl. full-width
                     "(", ")", "\u{FF08}", "\u{FF09}",  // parentheses, incl. full-width
                     ".", "\u{FF0E}":
                    continue
                default:
                    let kind = scalar.properties.isAlphabetic ? "a letter" : "a symbol"
                    throw PhoneNumberError(
                        .invalidCharacter,
                        "phone number has \(kind) at position \(position); "
                            + "use only digits, spaces, dashes, parentheses and a leading +",
                        digitCount: digits.count)
                }
            }
            if digits.isEmpty {
                let blank = position == 0 || text.unicodeScalars.allSatisfy(\.properties.isWhitespace)
                throw PhoneNumberError(
                    .empty, blank ? "phone number is empty" : "phone number has no digits",
                    digitCount: 0)
            }
        }
    }

    /// A number given with `+` or `00`: country code and national number.
    private static func international(_ digits: String) throws(PhoneNumberError) -> PhoneNumber {
        if digits.hasPrefix("0") {
            throw PhoneNumberError(
                .invalidCountryCode, "country code after + cannot start with 0",
                digitCount: digits.count)
        }
        if digits.count < 8 {
            throw PhoneNumberError(
                .tooShort,
                "international number has \(digits.count) digits after the +; it needs at least 8",
                digitCount: digits.count)
        }
        if digits.count > 15 {
            throw PhoneNumberError(
                .tooLong,
                "international number has \(digits.count) digits after the +; it can have at most 15",
                digitCount: digits.count)
        }
        let countryCode = String(digits.prefix(countryCodeLength(of: digits)))
        let national = String(digits.dropFirst(countryCode.count))
        if countryCode == "86" {
            // "+86 (0)21 ..." is common; the trunk 0 is not part of E.164.
            return try national.hasPrefix("0")
                ? mainland(afterTrunkPrefix: String(national.dropFirst()))
                : mainland(afterTrunkPrefix: national)
        }
        return PhoneNumber(countryCode: countryCode, nationalNumber: national)
    }

    /// A mainland national number (after `+86` or the trunk `0`): a landline
    /// with its area code, or a mobile.
    private static func mainland(afterTrunkPrefix national: String) throws(PhoneNumberError) -> PhoneNumber {
        if isMainlandMobile(national) {
            return PhoneNumber(countryCode: "86", nationalNumber: national)
        }
        let areaCodeLength: Int
        switch national.first {
        case "1" where national.hasPrefix("10"), "2":
            areaCodeLength = 2
        case "3", "4", "5", "6", "7", "8", "9":
            areaCodeLength = 3
        case "1":
            // 11 digits would have been a mobile above; anything else is neither.
            return try mainlandMobile(national)
        case nil:
            throw PhoneNumberError(
                .tooShort, "phone number has only a 0; a landline needs its area code and number",
                digitCount: 1)
        default:
            throw PhoneNumberError(
                .invalidAreaCode,
                "mainland area code cannot start with 00; "
                    + "it is 010, 02x, or 0 and 3 digits starting 3-9",
                digitCount: national.count)
        }
        let subscriberDigits = national.count - areaCodeLength
        guard (7...8).contains(subscriberDigits) else {
            throw PhoneNumberError(
                subscriberDigits < 7 ? .tooShort : .tooLong,
                "landline has \(max(subscriberDigits, 0)) digits after its \(areaCodeLength + 1)-digit "
                    + "area code; a mainland landline has 7 or 8",
                digitCount: national.count)
        }
        return PhoneNumber(countryCode: "86", nationalNumber: national)
    }

    /// A number with no prefix at all, which can only be a mainland mobile.
    private static func mainlandMobile(_ digits: String) throws(PhoneNumberError) -> PhoneNumber {
        if digits.count != 11 {
            var message = "phone number has \(digits.count) digits; a mainland mobile has 11"
            if (7...8).contains(digits.count) {
                message += "; a landline needs its area code, e.g. 021"
            } else if digits.count > 11 {
                message += "; for a number outside mainland China start with + and the country code"
            }
            throw PhoneNumberError(
                digits.count < 11 ? .tooShort : .tooLong, message, digitCount: digits.count)
        }
        guard isMainlandMobile(digits) else {
            throw PhoneNumberError(
                .invalidMobilePrefix,
                "an 11-digit mainland mobile starts with 13 to 19; "
                    + "a landline starts with 0 and its area code, e.g. 021",
                digitCount: digits.count)
        }
        return PhoneNumber(countryCode: "86", nationalNumber: digits)
    }

    /// Whether `national` is 11 ASCII digits starting `1[3-9]`.
    private static func isMainlandMobile(_ national: some StringProtocol) -> Bool {
        let bytes = Array(national.utf8)
        return bytes.count == 11
            && bytes[0] == UInt8(ascii: "1")
            && (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(bytes[1])
            && bytes.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// How many leading digits of an international number are its country
    /// code (ITU-T E.164 assignments: `1` and `7`, a fixed set of 2-digit
    /// codes, and 3 digits for everything else).
    private static func countryCodeLength(of digits: String) -> Int {
        let leading = Array(digits.utf8.prefix(2)).map { Int($0) - Int(UInt8(ascii: "0")) }
        if leading[0] == 1 || leading[0] == 7 {
            return 1
        }
        switch leading[0] * 10 + leading[1] {
        case 20, 27, 30...34, 36, 39, 40, 41, 43...49, 51...58, 60...66, 81, 82, 84, 86, 90...95, 98:
            return 2
        default:
            return 3
        }
    }
}

// MARK: - Text that cannot leak the number

extension PhoneNumber: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The ``masked`` number, so interpolation into a log is safe.
    public var description: String { masked }

    /// The ``masked`` number, so `String(reflecting:)` is safe too.
    public var debugDescription: String { masked }

    /// A mirror holding only ``masked``, so `dump` does not print the digits.
    public var customMirror: Mirror {
        Mirror(self, children: ["masked": masked], displayStyle: .struct)
    }
}

// MARK: - Codable

extension PhoneNumber: Codable {
    /// Decodes a string and parses it as ``init(parsing:)`` does.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "invalid phone number: \(error.message)")
        }
    }

    /// Encodes ``e164``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }
}

// MARK: - Errors

/// Why some text is not a phone number Herald can use.
///
/// The ``message`` says what was wrong (digit count, position of a bad
/// character) but never repeats the digits, so it is safe to log or to show
/// in a CSV import report next to the row number.
public struct PhoneNumberError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable identifier for the kind of problem; the raw value is meant
    /// for API responses and import reports.
    public enum Code: String, Hashable, Sendable, CaseIterable {
        /// Nothing, or only spaces and punctuation, was given.
        case empty
        /// A letter or symbol other than spaces, dashes, dots and parentheses.
        case invalidCharacter = "invalid_character"
        /// A `+` that is not the first thing typed, or more than one.
        case misplacedPlus = "misplaced_plus"
        /// Fewer digits than the kind of number needs.
        case tooShort = "too_short"
        /// More digits than the kind of number allows.
        case tooLong = "too_long"
        /// An 11-digit number that does not start `13`–`19`.
        case invalidMobilePrefix = "invalid_mobile_prefix"
        /// A mainland area code starting `00`.
        case invalidAreaCode = "invalid_area_code"
        /// A country code starting with `0` (`+0...`, `000...`).
        case invalidCountryCode = "invalid_country_code"
    }

    /// What kind of problem this is.
    public let code: Code

    /// A sentence saying what was wrong, without the number's digits.
    public let message: String

    /// How many digits had been read when the problem was found.
    public let digitCount: Int

    public init(_ code: Code, _ message: String, digitCount: Int) {
        self.code = code
        self.message = message
        self.digitCount = digitCount
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

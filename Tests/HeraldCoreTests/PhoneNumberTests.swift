import Foundation
import Testing

@testable import HeraldCore

@Suite("PhoneNumber")
struct PhoneNumberTests {
    // MARK: Mainland mobiles

    @Test(
        "every way of typing a mainland mobile gives the same E.164",
        arguments: [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "(138) 1234-5678",
            " 138.1234.5678 ",
            "+8613812345678",
            "+86 138 1234 5678",
            "+86-138-1234-5678",
            "8613812345678",
            "86 138 1234 5678",
            "008613812345678",
            "0086 138 1234 5678",
            "１３８１２３４５６７８",  // full-width digits, as Chinese IMEs type them
            "＋８６　１３８　１２３４　５６７８",  // full-width plus, ideographic spaces
            "１３８－１２３４－５６７８",  // full-width dashes
        ])
    func mainlandMobileForms(text: String) throws {
        let number = try PhoneNumber(parsing: text)
        #expect(number.e164 == "+8613812345678")
        #expect(number.countryCode == "86")
        #expect(number.nationalNumber == "13812345678")
        #expect(number.isMainlandMobile)
    }

    @Test("all mobile prefixes 13 to 19 are accepted", arguments: 3...9)
    func mobilePrefixes(second: Int) throws {
        let number = try PhoneNumber(parsing: "1\(second)912345678")
        #expect(number.isMainlandMobile)
        #expect(number.e164 == "+861\(second)912345678")
    }

    @Test("different spellings of one number are equal and hash alike")
    func equality() throws {
        let a = try PhoneNumber(parsing: "138 1234 5678")
        let b = try PhoneNumber(parsing: "+86-13812345678")
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(try a != PhoneNumber(parsing: "13812345679"))
    }

    @Test("a mobile typed with a trunk 0 is still the mobile")
    func mobileWithTrunkZero() throws {
        #expect(try PhoneNumber(parsing: "0138 1234 5678").e164 == "+8613812345678")
    }

    // MARK: Mainland landlines

    @Test(
        "landlines drop the trunk 0 and keep the area code",
        arguments: [
            ("021-12345678", "+862112345678"),
            ("(021) 1234 5678", "+862112345678"),
            ("021 1234 5678", "+862112345678"),
            ("+86 21 1234 5678", "+862112345678"),
            ("+86 (0)21 1234 5678", "+862112345678"),
            ("0086 21 12345678", "+862112345678"),
            ("010-87654321", "+861087654321"),
            ("+86 10 8765 4321", "+861087654321"),
            ("0571 8765 4321", "+8657187654321"),
            ("0571-8765432", "+865718765432"),
            ("（０２１）１２３４５６７８", "+862112345678"),
        ])
    func landlines(text: String, e164: String) throws {
        let number = try PhoneNumber(parsing: text)
        #expect(number.e164 == e164)
        #expect(number.countryCode == "86")
        #expect(!number.isMainlandMobile)
    }

    // MARK: Other countries

    @Test(
        "international numbers split at the E.164 country code",
        arguments: [
            ("+1 415 555 0123", "+14155550123", "1"),
            ("+1 (415) 555-0123", "+14155550123", "1"),
            ("+44 20 7946 0958", "+442079460958", "44"),
            ("0044 20 7946 0958", "+442079460958", "44"),
            ("+7 495 123 45 67", "+74951234567", "7"),
            ("+81 3-1234-5678", "+81312345678", "81"),
            ("+852 2123 4567", "+85221234567", "852"),
            ("+886 2 2345 6789", "+886223456789", "886"),
            ("+33 1 23 45 67 89", "+33123456789", "33"),
            ("+45 3212 3456", "+4532123456", "45"),
            ("+65 6123 4567", "+6561234567", "65"),
            ("+971 4 123 4567", "+97141234567", "971"),
            ("+358 40 1234567", "+358401234567", "358"),
            ("+20 2 12345678", "+20212345678", "20"),
            ("+98 21 1234 5678", "+982112345678", "98"),
        ])
    func international(text: String, e164: String, countryCode: String) throws {
        let number = try PhoneNumber(parsing: text)
        #expect(number.e164 == e164)
        #expect(number.countryCode == countryCode)
        #expect(number.nationalNumber == String(e164.dropFirst(1 + countryCode.count)))
        #expect(!number.isMainlandMobile)
    }

    @Test("E.164 length limits are 8 to 15 digits")
    func internationalLengthLimits() throws {
        #expect(try PhoneNumber(parsing: "+44123456").e164 == "+44123456")
        #expect(try PhoneNumber(parsing: "+441234567890123").e164 == "+441234567890123")
        #expect(throws: PhoneNumberError.self) { try PhoneNumber(parsing: "+4412345") }
        #expect(throws: PhoneNumberError.self) { try PhoneNumber(parsing: "+4412345678901234") }
    }

    // MARK: Rejections

    @Test(
        "invalid input is rejected with a stable code",
        arguments: [
            ("", PhoneNumberError.Code.empty),
            ("   ", .empty),
            ("+", .empty),
            ("--", .empty),
            ("138abc45678", .invalidCharacter),
            ("call 13812345678", .invalidCharacter),
            ("13812345678 ext 2", .invalidCharacter),
            ("138#1234#5678", .invalidCharacter),
            ("138123456", .tooShort),
            ("1381234567", .tooShort),
            ("12345678", .tooShort),
            ("138123456789", .tooLong),  // 12 digits starting with 1
            ("1381234567890123", .tooLong),
            ("12812345678", .invalidMobilePrefix),
            ("10812345678", .invalidMobilePrefix),
            ("21123456789", .invalidMobilePrefix),
            ("+0123456789", .invalidCountryCode),
            ("+00 44 20 7946 0958", .invalidCountryCode),
            ("000 44 20 7946 0958", .invalidCountryCode),
            ("+86 138 1234 567", .tooShort),
            ("+86 138 1234 56789", .tooLong),
            ("+86 128 1234 5678", .invalidMobilePrefix),
            ("+1234567", .tooShort),
            ("+1234567890123456", .tooLong),
            ("86+13812345678", .misplacedPlus),
            ("++8613812345678", .misplacedPlus),
            ("021-123456", .tooShort),
            ("021-123456789", .tooLong),
            ("0571-123456", .tooShort),
            ("0", .tooShort),
        ])
    func rejected(text: String, code: PhoneNumberError.Code) {
        #expect {
            try PhoneNumber(parsing: text)
        } throws: { error in
            (error as? PhoneNumberError)?.code == code
        }
    }

    @Test("error messages say what was wrong without repeating the digits")
    func errorMessages() throws {
        let short = try #require(throws: PhoneNumberError.self) { try PhoneNumber(parsing: "138123456") }
        #expect(short.message == "phone number has 9 digits; a mainland mobile has 11")
        #expect(short.digitCount == 9)

        let long = try #require(throws: PhoneNumberError.self) { try PhoneNumber(parsing: "138123456789") }
        #expect(long.message.hasPrefix("phone number has 12 digits; a mainland mobile has 11"))

        let letter = try #require(throws: PhoneNumberError.self) { try PhoneNumber(parsing: "1381234567x") }
        #expect(letter.message.contains("a letter at position 11"))

        let local = try #require(throws: PhoneNumberError.self) { try PhoneNumber(parsing: "62345678") }
        #expect(local.message.contains("area code"))

        for text in ["138123456", "138123456789", "1381234567x", "12812345678", "021-123456789",
                     "+86 138 1234 567", "+0123456789", "62345678"] {
            let error = try #require(throws: PhoneNumberError.self) { try PhoneNumber(parsing: text) }
            let digits = text.filter(\.isNumber)
            #expect(!error.message.contains(digits), "message for \(digits.count) digits repeats them")
            #expect(!error.description.contains(digits))
            #expect(!error.message.contains(String(digits.suffix(4))))
        }
    }

    // MARK: Masking

    @Test(
        "masked keeps the first 3 and last 4 national digits",
        arguments: [
            ("13812345678", "+86 138****5678"),
            ("021-12345678", "+86 211****5678"),
            ("0571 876 5432", "+86 571****5432"),
            ("+1 415 555 0123", "+1 415****0123"),
            ("+44 20 7946 0958", "+44 207****0958"),
            ("+45 3212 3456", "+45 321****3456"),
        ])
    func masked(text: String, masked: String) throws {
        #expect(try PhoneNumber(parsing: text).masked == masked)
    }

    @Test("a national number under 8 digits shows only its last 2")
    func maskedShortNational() throws {
        #expect(try PhoneNumber(parsing: "+354 123 4567").masked == "+354 ****67")
        #expect(try PhoneNumber(parsing: "+47 1234 567").masked == "+47 ****67")
    }

    @Test("interpolation, description, reflection and dump never show the full number")
    func textIsMasked() throws {
        let number = try PhoneNumber(parsing: "13812345678")
        #expect("\(number)" == "+86 138****5678")
        #expect(number.description == "+86 138****5678")
        #expect(number.debugDescription == "+86 138****5678")
        #expect(String(reflecting: number) == "+86 138****5678")
        #expect("\([number])" == "[+86 138****5678]")
        #expect("\(Optional(number) as Any)" == "Optional(+86 138****5678)")
        var dumped = ""
        dump(number, to: &dumped)
        #expect(!dumped.contains("13812345678"))
        #expect(dumped.contains("138****5678"))
    }

    // MARK: Codable

    @Test("Codable writes E.164 and reads it back")
    func codableRoundTrip() throws {
        struct Resident: Codable, Equatable {
            var name: String
            var phone: PhoneNumber
        }
        let resident = Resident(name: "王阿姨", phone: try PhoneNumber(parsing: "138 1234 5678"))
        let data = try JSONEncoder().encode(resident)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["phone"] as? String == "+8613812345678")
        #expect(try JSONDecoder().decode(Resident.self, from: data) == resident)

        let numbers = try ["+14155550123", "+862112345678"].map(PhoneNumber.init(parsing:))
        let decoded = try JSONDecoder().decode([PhoneNumber].self, from: JSONEncoder().encode(numbers))
        #expect(decoded == numbers)
    }

    @Test("decoding validates the number and keeps the digits out of the error")
    func decodingValidates() throws {
        let lenient = try JSONDecoder().decode([PhoneNumber].self, from: Data(#"["138-1234-5678"]"#.utf8))
        #expect(lenient.first?.e164 == "+8613812345678")

        let error = try #require(throws: DecodingError.self) {
            try JSONDecoder().decode([PhoneNumber].self, from: Data(#"["138123456"]"#.utf8))
        }
        guard case .dataCorrupted(let context) = error else {
            Issue.record("expected dataCorrupted, got \(error)")
            return
        }
        #expect(context.debugDescription.contains("9 digits"))
        #expect(!context.debugDescription.contains("138123456"))

        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([PhoneNumber].self, from: Data("[13812345678]".utf8))
        }
    }
}

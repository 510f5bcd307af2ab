import HeraldCore
import Testing

@Suite("SMSSegments")
struct SMSSegmentsTests {
    static func chinese(_ count: Int) -> String { String(repeating: "通", count: count) }

    @Test(arguments: [(0, 0), (1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)])
    func chineseIsUCS2WithSeventyThenSixtySeven(characters: Int, parts: Int) {
        let segments = SMSSegments(counting: Self.chinese(characters))
        #expect(segments.count == parts)
        #expect(segments.units == characters)
        if characters > 0 { #expect(segments.encoding == .ucs2) }
    }

    @Test(arguments: [(160, 1), (161, 2), (306, 2), (307, 3)])
    func gsmIsOneSixtyThenOneFiftyThree(characters: Int, parts: Int) {
        let segments = SMSSegments(counting: String(repeating: "a", count: characters))
        #expect(segments.encoding == .gsm7)
        #expect(segments.count == parts)
    }

    @Test func extensionCharactersCountTwo() {
        let text = String(repeating: "a", count: 158) + "€"
        let segments = SMSSegments(counting: text)
        #expect(segments.encoding == .gsm7)
        #expect(segments.units == 160)
        #expect(segments.count == 1)
        #expect(SMSSegments(counting: String(repeating: "a", count: 159) + "{").count == 2)
        #expect(SMSSegments(counting: "[]{}~^|\\").units == 16)
    }

    @Test func anExtensionCharacterIsNotSplitAcrossParts() {
        // 152 septets, then "€" (escape + code) would straddle the 153 boundary: it moves to part 2,
        // so 306 septets need 3 parts, not 2.
        let text = String(repeating: "a", count: 152) + "€" + String(repeating: "a", count: 152)
        let segments = SMSSegments(counting: text)
        #expect(segments.units == 306)
        #expect(segments.count == 3)
    }

    @Test func gsmAccentsStayGSMButOtherLatinIsUCS2() {
        #expect(SMSSegments(counting: "Hôtel").encoding == .ucs2)  // ô is not in GSM 03.38
        #expect(SMSSegments(counting: "Café à Zürich £5 ¥6 @ñ").encoding == .gsm7)
        #expect(SMSSegments(counting: "Reply TD to stop").encoding == .gsm7)
        #expect(SMSSegments(counting: "回复TD退订").encoding == .ucs2)
    }

    @Test func anEmojiCountsTwoUnits() {
        #expect(SMSSegments(counting: "🎉").units == 2)
        #expect(SMSSegments(counting: Self.chinese(68) + "🎉").count == 1)  // 70 units
        #expect(SMSSegments(counting: Self.chinese(69) + "🎉").count == 2)  // 71 units
        // 66 + 🎉 would straddle the 67-unit part boundary: the pair moves whole.
        let straddling = SMSSegments(counting: Self.chinese(66) + "🎉" + Self.chinese(66))
        #expect(straddling.units == 134)
        #expect(straddling.count == 3)
    }

    @Test func limitsFollowTheEncoding() {
        let ucs2 = SMSSegments(counting: "通")
        #expect(ucs2.singleLimit == 70 && ucs2.partLimit == 67)
        let gsm = SMSSegments(counting: "a")
        #expect(gsm.singleLimit == 160 && gsm.partLimit == 153)
    }
}

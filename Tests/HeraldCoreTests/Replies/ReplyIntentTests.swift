import Testing

@testable import HeraldCore

@Suite("ReplyIntent")
struct ReplyIntentTests {
    // MARK: SMS replies to an invitation

    @Test("sign-up replies to an invitation",
          arguments: ["1", "１", " 1 ", "1\n", "　1　", "1。", "1!", "【1】", "报名", "参加", "我要报名", "我 参加", "报名参加"])
    func signUpReplies(text: String) {
        #expect(ReplyIntent.parse(text: text, for: .invitation) == .signUp)
        #expect(ReplyIntent.parse(text: text, for: .reminder) == .signUp)
    }

    @Test("cancel replies to an invitation",
          arguments: ["2", "２", " 2 ", "取消", "不参加", "取消报名", "我不参加", "不去了", "取消。"])
    func cancelReplies(text: String) {
        #expect(ReplyIntent.parse(text: text, for: .invitation) == .cancel)
        #expect(ReplyIntent.parse(text: text, for: .reminder) == .cancel)
    }

    @Test("a reply is read whole, never searched",
          arguments: ["11", "12", "1 王阿姨 3号楼", "参加吗", "3", "0", "报名2人", "好", "", "   ", "。"])
    func otherRepliesAreUnknown(text: String) {
        #expect(ReplyIntent.parse(text: text, for: .invitation) == .unknown(text))
    }

    // MARK: Opt-out, in every context

    @Test("opt-out replies, whatever the broadcast",
          arguments: ["TD", "td", "Td", "ＴＤ", "ｔｄ", " TD ", "T", "t", "退订", "退订TD", "TD退订", "退订 TD",
                      "回复TD", "回TD", "回T", "R", "r", "拒收", "拒收R", "取消订阅", "退订。"])
    func optOutReplies(text: String) {
        for kind in BroadcastKind.allCases {
            #expect(ReplyIntent.parse(text: text, for: kind) == .optOut, "\(kind)")
        }
    }

    @Test("near misses are not opt-outs",
          arguments: ["TDX", "退", "回", "回复", "退订谢谢", "不要退订", "STOP", "取消订", "TD1"])
    func nearMissesAreNotOptOuts(text: String) {
        for kind in BroadcastKind.allCases {
            #expect(ReplyIntent.parse(text: text, for: kind) != .optOut, "\(kind)")
        }
    }

    // MARK: Polls

    @Test func pollDigitsAndWords() {
        let expected: [(String, String)] = [
            ("1", "1"), ("２", "2"), (" 3 ", "3"), ("9", "9"),
            ("同意", "1"), ("赞成", "1"), ("支持", "1"), ("反对", "2"), ("不同意", "2"), ("弃权", "3"), ("弃权。", "3"),
        ]
        for (text, choice) in expected {
            #expect(ReplyIntent.parse(text: text, for: .poll) == .pollAnswer(PollChoice(rawValue: choice)!), "\(text)")
        }
        for text in ["0", "10", "报名", "取消", "同意1", "agree"] {
            #expect(ReplyIntent.parse(text: text, for: .poll) == .unknown(text), "\(text)")
        }
    }

    @Test func contextDecidesWhatADigitMeans() {
        #expect(ReplyIntent.parse(text: "1", for: .invitation) == .signUp)
        #expect(ReplyIntent.parse(text: "1", for: .poll) == .pollAnswer(.agree))
        #expect(ReplyIntent.parse(text: "1", for: .notice) == .acknowledge)
        #expect(ReplyIntent.parse(text: "2", for: .notice) == .unknown("2"))
        #expect(ReplyIntent.parse(text: "收到", for: .notice) == .acknowledge)
        #expect(ReplyIntent.parse(text: "收到", for: .invitation) == .unknown("收到"))
        #expect(ReplyIntent.parse(text: "报名", for: .notice) == .unknown("报名"))
    }

    @Test func unknownKeepsTheTextAsReceived() {
        #expect(ReplyIntent.parse(text: " 3号楼王阿姨，报名两位 ", for: .invitation)
                == .unknown(" 3号楼王阿姨，报名两位 "))
    }

    // MARK: Voice key presses

    @Test func keyPresses() {
        #expect(ReplyIntent.parse(keys: "1", for: .invitation) == .signUp)
        #expect(ReplyIntent.parse(keys: "1#", for: .invitation) == .signUp)
        #expect(ReplyIntent.parse(keys: "11", for: .invitation) == .signUp)
        #expect(ReplyIntent.parse(keys: "2", for: .invitation) == .cancel)
        #expect(ReplyIntent.parse(keys: "2", for: .reminder) == .cancel)
        #expect(ReplyIntent.parse(keys: "3", for: .invitation) == .unknown("3"))
        #expect(ReplyIntent.parse(keys: "12", for: .invitation) == .unknown("12"))
        #expect(ReplyIntent.parse(keys: "", for: .invitation) == .unknown(""))
        #expect(ReplyIntent.parse(keys: "#", for: .invitation) == .unknown("#"))
        #expect(ReplyIntent.parse(keys: "*", for: .invitation) == .unknown("*"))
        #expect(ReplyIntent.parse(keys: "3", for: .poll) == .pollAnswer(.abstain))
        #expect(ReplyIntent.parse(keys: "7#", for: .poll) == .pollAnswer(PollChoice(rawValue: "7")!))
        #expect(ReplyIntent.parse(keys: "0", for: .poll) == .unknown("0"))
        #expect(ReplyIntent.parse(keys: "1", for: .notice) == .acknowledge)
        #expect(ReplyIntent.parse(keys: "１", for: .invitation) == .unknown("１"), "a keypad sends ASCII digits")
    }

    // MARK: Poll choices

    @Test func pollChoiceValidationAndOrder() {
        #expect(PollChoice(rawValue: "") == nil)
        #expect(PollChoice(rawValue: "同意") == nil)
        #expect(PollChoice(rawValue: "a b") == nil)
        #expect(PollChoice(rawValue: String(repeating: "x", count: 33)) == nil)
        #expect(PollChoice(rawValue: "option_a-2") != nil)
        #expect(PollChoice(number: 0) == nil)
        let sorted = ["10", "b", "2", "a", "1"].compactMap(PollChoice.init(rawValue:)).sorted().map(\.rawValue)
        #expect(sorted == ["1", "2", "10", "a", "b"])
    }
}

import Foundation

/// What a resident meant by an SMS reply or a key press.
///
/// Pure: the dispatcher reads the intent, then acts on it (a sign-up, a
/// cancellation, a vote, an opt-out). The broadcast's kind decides what a
/// digit means: "1" signs up to an invitation and votes 1 in a poll.
///
/// A reply is read whole, never searched: "不参加" is not a sign-up because
/// it contains "参加", and "1 王阿姨 3号楼" is `unknown`, for staff to read.
/// Before matching, full-width letters and digits become ASCII ("１" is "1",
/// "ＴＤ" is "TD"), all spaces go (also the ideographic space), punctuation
/// and symbols around the reply go ("1。", "【报名】"), and letters are
/// upper-cased ("td" is "TD").
public enum ReplyIntent: Sendable, Hashable {
    /// Take a place in the activity: "1", "报名", "参加", "我要报名".
    case signUp
    /// Give the place back: "2", "取消", "不参加", "取消报名".
    case cancel
    /// A notice was received: "1", "收到", "知道了".
    case acknowledge
    /// Stop messages on the channel the reply came through, in any context:
    /// "TD", "T", "退订", "退订TD", and "R", "拒收" (the "拒收请回复R" ending of
    /// many senders), also after "回"/"回复" ("回复TD").
    case optOut
    /// A vote: a digit 1–9, or "同意"/"赞成"/"支持" (1), "反对"/"不同意" (2),
    /// "弃权" (3).
    case pollAnswer(PollChoice)
    /// Anything else, exactly as received.
    case unknown(String)

    /// Reads an SMS (or mini-program text) reply to a broadcast of `kind`.
    public static func parse(text: String, for kind: BroadcastKind) -> ReplyIntent {
        let reply = normalized(text)
        if isOptOut(reply) { return .optOut }
        switch kind {
        case .invitation, .reminder:
            if signUpReplies.contains(reply) { return .signUp }
            if cancelReplies.contains(reply) { return .cancel }
        case .poll:
            if let choice = pollChoice(reply) { return .pollAnswer(choice) }
        case .notice:
            if acknowledgeReplies.contains(reply) { return .acknowledge }
        }
        return .unknown(text)
    }

    /// Reads the keys pressed during a voice call about a broadcast of `kind`.
    ///
    /// A trailing `#` (the terminator some gateways report) and spaces are
    /// ignored, and the same key pressed several times ("11") counts once.
    /// Invitations and reminders: 1 signs up, 2 cancels; polls: 1–9 vote;
    /// notices: 1 acknowledges. A voice call has no opt-out key.
    public static func parse(keys: String, for kind: BroadcastKind) -> ReplyIntent {
        var pressed = keys.filter { !$0.isWhitespace }
        while pressed.hasSuffix("#") { pressed.removeLast() }
        guard let key = pressed.first, key.isASCII, key.isWholeNumber,
              pressed.allSatisfy({ $0 == key }),
              let digit = key.wholeNumberValue
        else { return .unknown(keys) }
        switch (kind, digit) {
        case (.invitation, 1), (.reminder, 1): return .signUp
        case (.invitation, 2), (.reminder, 2): return .cancel
        case (.notice, 1): return .acknowledge
        case (.poll, 1...9): return PollChoice(number: digit).map(ReplyIntent.pollAnswer) ?? .unknown(keys)
        default: return .unknown(keys)
        }
    }

    // MARK: Vocabulary

    static let signUpReplies: Set<String> = [
        "1", "报名", "参加", "我报名", "我参加", "要报名", "要参加", "我要报名", "我要参加", "报名参加",
    ]

    static let cancelReplies: Set<String> = [
        "2", "取消", "取消报名", "不参加", "我不参加", "不参加了", "不去", "不去了", "不报名",
    ]

    static let acknowledgeReplies: Set<String> = ["1", "收到", "已收到", "知道了", "好的"]

    static let pollWords: [String: PollChoice] = [
        "同意": .agree, "赞成": .agree, "支持": .agree,
        "反对": .disagree, "不同意": .disagree, "不赞成": .disagree,
        "弃权": .abstain,
    ]

    /// Words that opt out, alone or run together ("退订TD", "拒收R").
    /// Longest first, so "TD" is read before "T".
    static let optOutWords = ["取消订阅", "退订", "拒收", "TD", "T", "R"]

    /// What may come before them: the resident copying the instruction "回复TD退订".
    static let optOutLeads = ["回复", "回"]

    // MARK: Reading

    /// Full-width to ASCII (NFKC), no spaces, no punctuation or symbols at
    /// either end, upper case.
    static func normalized(_ text: String) -> String {
        let folded = text.precomposedStringWithCompatibilityMapping
        var compact = String.UnicodeScalarView()
        compact.append(contentsOf: folded.unicodeScalars.filter { !$0.properties.isWhitespace })
        return String(compact).trimmingCharacters(in: .punctuationCharacters.union(.symbols)).uppercased()
    }

    static func isOptOut(_ reply: String) -> Bool {
        var rest = Substring(reply)
        if let lead = optOutLeads.first(where: { rest.hasPrefix($0) }) { rest = rest.dropFirst(lead.count) }
        guard !rest.isEmpty else { return false }
        while !rest.isEmpty {
            guard let word = optOutWords.first(where: { rest.hasPrefix($0) }) else { return false }
            rest = rest.dropFirst(word.count)
        }
        return true
    }

    static func pollChoice(_ reply: String) -> PollChoice? {
        if reply.count == 1, let digit = Int(reply), (1...9).contains(digit) { return PollChoice(number: digit) }
        return pollWords[reply]
    }
}

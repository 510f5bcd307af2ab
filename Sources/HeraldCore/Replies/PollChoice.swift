/// One choice of a poll, as stored in `poll_answers.choice`: "1", "2", "3"…
///
/// SMS replies and key presses give digits; the words residents type are read
/// as the usual three choices (`agree` "1", `disagree` "2", `abstain` "3").
/// The mini program may use its own keys: 1 to 32 ASCII letters, digits,
/// `_` or `-`, so no free text ever lands in a tally.
public struct PollChoice: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Nil unless `rawValue` is 1 to 32 ASCII letters, digits, `_` or `-`.
    public init?(rawValue: String) {
        guard (1...32).contains(rawValue.utf8.count),
              rawValue.utf8.allSatisfy({ byte in
                  (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                      || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                      || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                      || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
              })
        else { return nil }
        self.rawValue = rawValue
    }

    /// The choice numbered `number` (1 to 9 on a keypad).
    public init?(number: Int) {
        guard number >= 1 else { return nil }
        self.init(rawValue: String(number))
    }

    /// "1": 同意, 赞成, 支持.
    public static let agree = PollChoice(rawValue: "1")!
    /// "2": 反对, 不同意.
    public static let disagree = PollChoice(rawValue: "2")!
    /// "3": 弃权.
    public static let abstain = PollChoice(rawValue: "3")!

    /// Numbered choices in numeric order ("2" before "10"), then the others by name.
    public static func < (lhs: PollChoice, rhs: PollChoice) -> Bool {
        switch (Int(lhs.rawValue), Int(rhs.rawValue)) {
        case let (left?, right?): left < right
        case (.some, nil): true
        case (nil, .some): false
        case (nil, nil): lhs.rawValue < rhs.rawValue
        }
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let choice = PollChoice(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "a poll choice is 1 to 32 ASCII letters, digits, _ or -"))
        }
        self = choice
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A channel a resident can say they prefer to be reached by.
///
/// The raw value is what JSON and the canonical CSV spelling use. The
/// channel plan still decides the order of channels; a preference moves the
/// resident's preferred channel first.
public enum ResidentChannel: String, Hashable, Sendable, CaseIterable, Codable {
    /// A WeChat mini-program subscribe message.
    case push
    /// A text message; needs a mainland mobile number.
    case sms
    /// A text-to-speech call, for residents who do not read their phone.
    case voice

    /// Reads a roster cell: `push`, `sms`, `voice` in any case, or
    /// 推送, 短信, 电话, 语音 (电话 and 语音 are both voice). Surrounding spaces
    /// are ignored; anything else is `nil`.
    public init?(rosterText text: String) {
        switch text.trimmedForRoster.lowercased() {
        case "push", "推送": self = .push
        case "sms", "短信": self = .sms
        case "voice", "电话", "语音": self = .voice
        default: return nil
        }
    }
}

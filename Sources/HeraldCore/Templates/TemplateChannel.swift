/// The three channel files a template may have.
public enum TemplateChannel: String, Sendable, Hashable, CaseIterable {
    case sms
    case voice
    case push

    /// The file in the template's folder: `sms.txt`, `voice.txt`, `push.json`.
    public var file: String {
        switch self {
        case .sms: "sms.txt"
        case .voice: "voice.txt"
        case .push: "push.json"
        }
    }
}

/// A gateway's code for one template.
public enum TemplateCode: Sendable, Hashable {
    /// Alibaba `TemplateCode`/`TtsCode`, Tencent `TemplateId`, WeChat `template_id`.
    case code(String)
    /// Alibaba IvrCall's voice menu: the start prompt, a prompt per key, the goodbye.
    case voiceMenu(VoiceMenuCodes)

    /// The plain code, or the menu's start code.
    public var primaryCode: String {
        switch self {
        case .code(let code): code
        case .voiceMenu(let menu): menu.startCode
        }
    }
}

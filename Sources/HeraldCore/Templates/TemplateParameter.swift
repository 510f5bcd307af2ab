/// One named template variable and its rendered value.
///
/// Ordered lists of these carry what a gateway receives: Alibaba sends them
/// as a JSON object, Tencent as an ordered array, WeChat as `data` fields.
/// It lives in HeraldCore because the renderer produces them;
/// `OutboundMessage` in HeraldChannels carries them to an adapter.
public struct TemplateParameter: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

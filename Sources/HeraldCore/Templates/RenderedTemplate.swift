/// A template filled in for one delivery: every channel's text and what
/// each gateway receives. Plain data; HeraldChannels turns it into an
/// `OutboundMessage` for a given adapter.
public struct RenderedTemplate: Sendable, Hashable {
    /// The template's name.
    public var name: String
    public var kind: Template.Kind
    public var deliveryID: Int64
    /// The rendered `sms.txt`, sign included (what Kannel sends).
    public var sms: String?
    /// The rendered `voice.txt`.
    public var voice: String?
    /// The rendered push page, its values percent-encoded.
    public var pushPage: String?
    /// The rendered push data fields in `push.json`'s order (`thing1` → value).
    public var pushData: [TemplateParameter]
    /// Every declared variable with its value, in declared order.
    public var variables: [TemplateParameter]
    /// The built-ins (`resident_name`, `committee_name`, `delivery_id`) with their values.
    public var builtIns: [TemplateParameter]
    /// What Alibaba/Tencent SMS templates receive: the variables `sms.txt`
    /// uses after its leading `【…】` sign (the gateway adds its own sign),
    /// in order of first use — Tencent's `{1}`, `{2}` … in that order.
    public var smsParameters: [TemplateParameter]
    /// What voice templates receive: the variables `voice.txt` uses, in
    /// order of first use.
    public var voiceParameters: [TemplateParameter]
    /// Gateway codes by adapter name, from `template.json`.
    public var codes: [String: TemplateCode]

    public init(name: String, kind: Template.Kind, deliveryID: Int64, sms: String? = nil, voice: String? = nil,
                pushPage: String? = nil, pushData: [TemplateParameter] = [], variables: [TemplateParameter] = [],
                builtIns: [TemplateParameter] = [], smsParameters: [TemplateParameter] = [],
                voiceParameters: [TemplateParameter] = [], codes: [String: TemplateCode] = [:]) {
        self.name = name
        self.kind = kind
        self.deliveryID = deliveryID
        self.sms = sms
        self.voice = voice
        self.pushPage = pushPage
        self.pushData = pushData
        self.variables = variables
        self.builtIns = builtIns
        self.smsParameters = smsParameters
        self.voiceParameters = voiceParameters
        self.codes = codes
    }

    /// Whether the template has a `push.json`.
    public var hasPush: Bool { !pushData.isEmpty }

    /// The push data values, one per line: the push's text for logs and
    /// for text-only senders.
    public var pushText: String {
        pushData.map(\.value).joined(separator: "\n")
    }

    /// The rendered push as JSON in `push.json`'s shape,
    /// `{"page":"…","data":{"thing1":"…",…}}`, every value JSON-string
    /// escaped (quotes, backslashes, control characters), fields in order.
    public var pushJSON: String? {
        guard hasPush else { return nil }
        var json = "{"
        if let pushPage { json += "\"page\":" + TemplateJSON.quoted(pushPage) + "," }
        json += "\"data\":{"
        json += pushData.map { TemplateJSON.quoted($0.name) + ":" + TemplateJSON.quoted($0.value) }
            .joined(separator: ",")
        return json + "}}"
    }

    /// The text a sender of `channel` sends; for nil (a webhook), the SMS
    /// text, else the voice text, else the push text.
    public func text(for channel: TemplateChannel?) -> String? {
        switch channel {
        case .sms: sms
        case .voice: voice
        case .push: hasPush ? pushText : nil
        case nil: sms ?? voice ?? (hasPush ? pushText : nil)
        }
    }
}

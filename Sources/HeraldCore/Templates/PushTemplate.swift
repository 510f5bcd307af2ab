/// `push.json`: the WeChat subscribe message's page and data fields.
public struct PushTemplate: Sendable, Hashable {
    /// The mini-program page the card opens (`pages/…?delivery={{delivery_id}}`); optional.
    public var page: String?
    /// WeChat data fields in file order: field name (`thing1`, `time2`) →
    /// text with placeholders.
    public var data: [TemplateParameter]

    public init(page: String? = nil, data: [TemplateParameter]) {
        self.page = page
        self.data = data
    }
}

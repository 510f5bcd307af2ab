/// The values of the built-in variables for one delivery: who receives it,
/// who sends it, and which delivery it is.
public struct TemplateBuiltIns: Sendable, Hashable {
    /// `{{resident_name}}`. Give a polite fallback (e.g. "居民") when the
    /// committee has no name on record: an empty value cannot be rendered.
    public var residentName: String
    /// `{{committee_name}}`.
    public var committeeName: String
    /// `{{delivery_id}}`.
    public var deliveryID: Int64

    public init(residentName: String, committeeName: String, deliveryID: Int64) {
        self.residentName = residentName
        self.committeeName = committeeName
        self.deliveryID = deliveryID
    }

    /// The built-ins' examples (`Template.builtInVariables`), for previews and lint.
    public static let sample = TemplateBuiltIns(residentName: "王秀英", committeeName: "阳光社区居委会",
                                                deliveryID: 100000001)

    /// Name → value, as placeholders see them.
    public var values: [String: String] {
        [Template.residentName: residentName, Template.committeeName: committeeName,
         Template.deliveryID: String(deliveryID)]
    }

    /// The three in `Template.builtInVariables` order.
    public var parameters: [TemplateParameter] {
        [TemplateParameter(Template.residentName, residentName),
         TemplateParameter(Template.committeeName, committeeName),
         TemplateParameter(Template.deliveryID, String(deliveryID))]
    }
}

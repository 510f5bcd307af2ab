/// One piece of a resident's roster entry: a CSV column or a JSON field.
///
/// The raw value is the canonical name: the JSON field name of
/// ``ResidentInput`` and the name ``RosterIssue/field`` reports.
public enum RosterField: String, Hashable, Sendable, CaseIterable, Codable {
    case name
    case phone
    case openID = "openid"
    case building
    case unit
    case room
    case tags
    case preferredChannel = "preferred_channel"
    case voiceOK = "voice_ok"
    case quietHours = "quiet_hours"
    case externalID = "external_id"

    /// The header names a CSV column may use for this field, as compared:
    /// see ``init(header:)``.
    ///
    /// | field | headers |
    /// |---|---|
    /// | name | name, 姓名 |
    /// | phone | phone, mobile, 手机, 手机号, 手机号码, 电话, 联系电话 |
    /// | openid | openid, open_id, 微信openid |
    /// | building | building, 楼号, 楼栋 |
    /// | unit | unit, 单元 |
    /// | room | room, 房号, 室 |
    /// | tags | tags, 标签 |
    /// | preferred_channel | preferred_channel, 首选渠道 |
    /// | voice_ok | voice_ok, 可接电话, 接受电话 |
    /// | quiet_hours | quiet_hours, 免打扰 |
    /// | external_id | external_id, 编号, 居民编号 |
    public var headerNames: [String] {
        switch self {
        case .name: ["name", "姓名"]
        case .phone: ["phone", "mobile", "手机", "手机号", "手机号码", "电话", "联系电话"]
        case .openID: ["openid", "open_id", "微信openid"]
        case .building: ["building", "楼号", "楼栋"]
        case .unit: ["unit", "单元"]
        case .room: ["room", "房号", "室"]
        case .tags: ["tags", "标签"]
        case .preferredChannel: ["preferred_channel", "首选渠道"]
        case .voiceOK: ["voice_ok", "可接电话", "接受电话"]
        case .quietHours: ["quiet_hours", "免打扰"]
        case .externalID: ["external_id", "编号", "居民编号"]
        }
    }

    /// The field a CSV header names, or `nil` for a column Herald does not know.
    ///
    /// The header is trimmed (ideographic and no-break spaces too), compared
    /// without case, and spaces or dashes inside it count as `_`, so
    /// `"Preferred Channel"`, `"preferred-channel"` and `" 微信OpenID "` match.
    public init?(header: String) {
        guard let field = Self.byHeaderName[Self.normalizedHeader(header)] else { return nil }
        self = field
    }

    private static let byHeaderName: [String: RosterField] = {
        var table: [String: RosterField] = [:]
        for field in allCases {
            for name in field.headerNames {
                table[name] = field
            }
        }
        return table
    }()

    static func normalizedHeader(_ header: String) -> String {
        var normalized = String.UnicodeScalarView()
        for scalar in header.trimmedForRoster.lowercased().unicodeScalars {
            switch scalar {
            case " ", "-", "\u{3000}", "\u{00A0}", "\t":
                normalized.append("_")
            default:
                normalized.append(scalar)
            }
        }
        return String(normalized)
    }
}

/// One resident of a committee's roster, validated and ready to store.
///
/// Made by ``RosterImport`` from a CSV row or a ``ResidentInput``. Every
/// record has a ``name`` and at least one of ``phone`` and ``openID``. Text
/// fields are trimmed, and an empty cell is `nil`. When several rows were the
/// same resident (same phone or same external id), this is their merge and
/// ``source`` is the first of them.
///
/// Printing a record shows the phone number masked (``PhoneNumber`` prints
/// that way), so a record may be interpolated into a log line.
public struct ResidentRecord: Hashable, Sendable {
    /// The most characters (grapheme clusters) a name may have.
    public static let maximumNameLength = 50

    /// The resident's name as the committee writes it (`"陈阿婆"`).
    public var name: String
    /// The resident's phone, normalised to E.164.
    public var phone: PhoneNumber?
    /// The resident's WeChat openid for mini-program push.
    public var openID: String?
    /// The building (`"3号楼"`, `"12"`), as written.
    public var building: String?
    /// The unit within the building, as written.
    public var unit: String?
    /// The room, as written.
    public var room: String?
    /// The committee's tags (`"独居"`, `"高龄"`): trimmed, no empty ones, each
    /// once, in the order first written.
    public var tags: [String]
    /// The channel the resident prefers, if they said.
    public var preferredChannel: ResidentChannel?
    /// Whether the resident accepts voice calls. `true` unless the roster
    /// says otherwise: voice is Herald's way to reach residents who do not
    /// read their phone, and quiet hours still apply. `false` means never
    /// call, even when ``preferredChannel`` is `.voice`.
    public var voiceOK: Bool
    /// The resident's own do-not-disturb span; `nil` means the queue's default.
    public var quietHours: QuietHoursOverride?
    /// The committee's own id for the resident (`"A-0032"`), compared exactly.
    public var externalID: String?
    /// Where the record came from: the first row that made it.
    public var source: RosterLocation

    public init(
        name: String, phone: PhoneNumber? = nil, openID: String? = nil,
        building: String? = nil, unit: String? = nil, room: String? = nil, tags: [String] = [],
        preferredChannel: ResidentChannel? = nil, voiceOK: Bool = true,
        quietHours: QuietHoursOverride? = nil, externalID: String? = nil, source: RosterLocation
    ) {
        self.name = name
        self.phone = phone
        self.openID = openID
        self.building = building
        self.unit = unit
        self.room = room
        self.tags = tags
        self.preferredChannel = preferredChannel
        self.voiceOK = voiceOK
        self.quietHours = quietHours
        self.externalID = externalID
        self.source = source
    }

    /// The CSV line the record came from, or `nil` for JSON input.
    public var line: Int? {
        if case .line(let line) = source { line } else { nil }
    }
}

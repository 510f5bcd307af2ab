/// One resident as the JSON API receives it, validated by
/// ``RosterImport/json(_:)`` with the same rules as a CSV row.
///
/// Field names are the canonical snake_case ones of ``RosterField``:
///
/// ```json
/// {"name": "陈阿婆", "phone": "138 0000 0001", "openid": null,
///  "building": "3", "unit": "2", "room": "501", "tags": ["独居", "高龄"],
///  "preferred_channel": "voice", "voice_ok": true,
///  "quiet_hours": "21:00-09:00", "external_id": "A-0032"}
/// ```
///
/// Decoding is lenient per field so that one odd field becomes an issue
/// for that resident instead of failing the whole request: text fields also
/// take a JSON integer (`"building": 3`); `tags` takes a list or one text
/// split like a CSV cell; `voice_ok` takes a boolean, `0`/`1`, or the texts a
/// CSV cell may hold (`"是"`); `null` is the same as absent. A value of the
/// wrong type, or a `voice_ok` text that is not a yes or no (``voiceOK`` is
/// then `nil`), is reported as an issue by ``RosterImport/json(_:)``;
/// unknown fields are reported as one warning. Decoding throws only when
/// the value is not a JSON object.
public struct ResidentInput: Hashable, Sendable {
    public var name: String?
    public var phone: String?
    public var openID: String?
    public var building: String?
    public var unit: String?
    public var room: String?
    public var tags: [String]?
    public var preferredChannel: String?
    public var voiceOK: Bool?
    public var quietHours: String?
    public var externalID: String?

    /// Problems found while decoding, reported when validated.
    var decodingProblems: [DecodingProblem] = []
    /// A `voice_ok` text that is not a yes or no, kept for validation to
    /// report in its place among the other fields.
    var unreadVoiceOK: String?
    /// Fields of the JSON object that are not resident fields.
    var unknownKeys: [String] = []

    struct DecodingProblem: Hashable, Sendable {
        let field: RosterField
        let code: RosterIssue.Code
        let reason: String
    }

    public init(
        name: String? = nil, phone: String? = nil, openID: String? = nil,
        building: String? = nil, unit: String? = nil, room: String? = nil, tags: [String]? = nil,
        preferredChannel: String? = nil, voiceOK: Bool? = nil, quietHours: String? = nil,
        externalID: String? = nil
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
    }

    /// The row to validate, at array position `index`.
    func row(at index: Int) -> RosterRow {
        var row = RosterRow(location: .index(index), columnNames: .canonical)
        row[.name] = name
        row[.phone] = phone
        row[.openID] = openID
        row[.building] = building
        row[.unit] = unit
        row[.room] = room
        row[.preferredChannel] = preferredChannel
        row[.voiceOK] = unreadVoiceOK ?? voiceOK.map { $0 ? "true" : "false" }
        row[.quietHours] = quietHours
        row[.externalID] = externalID
        row.tagList = tags
        row.problems = decodingProblems.map {
            RosterIssue($0.code, $0.reason, at: .index(index), column: $0.field.rawValue, field: $0.field)
        }
        return row
    }
}

extension ResidentInput: Codable {
    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        init(_ field: RosterField) { stringValue = field.rawValue }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        var problems: [DecodingProblem] = []

        func text(_ field: RosterField) -> String? {
            let key = Key(field)
            guard container.contains(key), (try? container.decodeNil(forKey: key)) != true else { return nil }
            if let text = try? container.decode(String.self, forKey: key) { return text }
            if let number = try? container.decode(Int64.self, forKey: key) { return String(number) }
            problems.append(DecodingProblem(field: field, code: .wrongType, reason: "must be text"))
            return nil
        }

        name = text(.name)
        phone = text(.phone)
        openID = text(.openID)
        building = text(.building)
        unit = text(.unit)
        room = text(.room)
        preferredChannel = text(.preferredChannel)
        quietHours = text(.quietHours)
        externalID = text(.externalID)

        let tagsKey = Key(.tags)
        if container.contains(tagsKey), (try? container.decodeNil(forKey: tagsKey)) != true {
            if let list = try? container.decode([String].self, forKey: tagsKey) {
                tags = list
            } else if let text = try? container.decode(String.self, forKey: tagsKey) {
                tags = RosterRow.splitTags(text)
            } else {
                problems.append(DecodingProblem(field: .tags, code: .wrongType, reason: "must be a list of texts, or one text"))
            }
        }

        let voiceKey = Key(.voiceOK)
        if container.contains(voiceKey), (try? container.decodeNil(forKey: voiceKey)) != true {
            if let flag = try? container.decode(Bool.self, forKey: voiceKey) {
                voiceOK = flag
            } else if let number = try? container.decode(Int64.self, forKey: voiceKey), number == 0 || number == 1 {
                voiceOK = number == 1
            } else if let text = try? container.decode(String.self, forKey: voiceKey) {
                voiceOK = RosterRow.rosterBool(text)
                unreadVoiceOK = voiceOK == nil ? text : nil
            } else {
                problems.append(DecodingProblem(field: .voiceOK, code: .invalidBoolean, reason: RosterRow.booleanReason))
            }
        }

        decodingProblems = problems
        unknownKeys = container.allKeys.map(\.stringValue).filter { RosterField(rawValue: $0) == nil }.sorted()
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(name, forKey: Key(.name))
        try container.encodeIfPresent(phone, forKey: Key(.phone))
        try container.encodeIfPresent(openID, forKey: Key(.openID))
        try container.encodeIfPresent(building, forKey: Key(.building))
        try container.encodeIfPresent(unit, forKey: Key(.unit))
        try container.encodeIfPresent(room, forKey: Key(.room))
        try container.encodeIfPresent(tags, forKey: Key(.tags))
        try container.encodeIfPresent(preferredChannel, forKey: Key(.preferredChannel))
        try container.encodeIfPresent(voiceOK, forKey: Key(.voiceOK))
        try container.encodeIfPresent(quietHours, forKey: Key(.quietHours))
        try container.encodeIfPresent(externalID, forKey: Key(.externalID))
    }
}

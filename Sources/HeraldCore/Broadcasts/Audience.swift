/// How urgent a broadcast is; emergencies go first in every queue.
public enum BroadcastPriority: String, Sendable, Hashable, Codable, CaseIterable {
    case emergency
    case normal
    case low
}

/// Who a broadcast is for, within its committee.
///
/// JSON: `{"all": true}`, `{"buildings": ["3号楼", "5号楼"]}`,
/// `{"tags": ["独居老人"]}` or `{"residents": [12, 15]}`. Residents who
/// opted out of every channel in the plan are left out whatever the audience.
public enum Audience: Sendable, Hashable, Codable {
    case all
    case buildings([String])
    case tags([String])
    case residents([Int64])

    private enum CodingKeys: String, CodingKey { case all, buildings, tags, residents }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let present = container.allKeys
        guard present.count == 1, let key = present.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "an audience is exactly one of all, buildings, tags or residents"))
        }
        switch key {
        case .all:
            guard try container.decode(Bool.self, forKey: .all) else {
                throw DecodingError.dataCorruptedError(forKey: .all, in: container, debugDescription: "all must be true")
            }
            self = .all
        case .buildings: self = .buildings(try container.decode([String].self, forKey: .buildings))
        case .tags: self = .tags(try container.decode([String].self, forKey: .tags))
        case .residents: self = .residents(try container.decode([Int64].self, forKey: .residents))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .all: try container.encode(true, forKey: .all)
        case .buildings(let names): try container.encode(names, forKey: .buildings)
        case .tags(let tags): try container.encode(tags, forKey: .tags)
        case .residents(let ids): try container.encode(ids, forKey: .residents)
        }
    }

    /// Why this audience cannot be used, or nil.
    public var problem: String? {
        switch self {
        case .all: nil
        case .buildings(let names) where names.isEmpty || names.contains(where: { $0.isEmpty }): "buildings must list at least one non-empty name"
        case .tags(let tags) where tags.isEmpty || tags.contains(where: { $0.isEmpty }): "tags must list at least one non-empty tag"
        case .residents(let ids) where ids.isEmpty: "residents must list at least one resident id"
        default: nil
        }
    }
}

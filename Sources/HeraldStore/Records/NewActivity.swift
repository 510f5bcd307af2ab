import Foundation

/// An activity staff are about to publish.
public struct NewActivity: Sendable, Hashable {
    public var committee: Int64
    /// What residents will see in the invitation ("灭火器免费更换"). Trimmed.
    public var title: String
    /// Where it happens ("3号楼门口"); blank is stored as none. Trimmed.
    public var place: String?
    public var startsAt: Date
    /// The last moment to sign up; nil means until the start.
    public var signupDeadline: Date?
    /// Places, at least 1.
    public var capacity: Int

    public init(committee: Int64, title: String, place: String? = nil, startsAt: Date,
                signupDeadline: Date? = nil, capacity: Int) {
        self.committee = committee
        self.title = title
        self.place = place
        self.startsAt = startsAt
        self.signupDeadline = signupDeadline
        self.capacity = capacity
    }

    var trimmedTitle: String { title.trimmingCharacters(in: .whitespacesAndNewlines) }

    var trimmedPlace: String? {
        guard let place = place?.trimmingCharacters(in: .whitespacesAndNewlines), !place.isEmpty else { return nil }
        return place
    }

    /// Everything wrong with it that can be seen without the database.
    func problems(now: Date) -> [ActivityError.Problem] {
        var problems: [ActivityError.Problem] = []
        if trimmedTitle.isEmpty {
            problems.append(.init(.titleMissing, field: "title",
                                  "the title is empty: give the activity the name residents will see in the invitation"))
        }
        if capacity < 1 {
            problems.append(.init(.capacityNotPositive, field: "capacity",
                                  "capacity is \(capacity): an activity needs at least 1 place"))
        }
        if startsAt < now {
            problems.append(.init(.startsInPast, field: "startsAt",
                                  "the activity starts at \(Self.format(startsAt)), which has already passed"))
        }
        if let deadline = signupDeadline {
            if deadline > startsAt {
                problems.append(.init(.deadlineAfterStart, field: "signupDeadline",
                                      "the sign-up deadline \(Self.format(deadline)) is after the start "
                                          + "\(Self.format(startsAt)): set it at or before the start, or leave it "
                                          + "out to take sign-ups until the start"))
            } else if deadline < now {
                problems.append(.init(.deadlinePassed, field: "signupDeadline",
                                      "the sign-up deadline \(Self.format(deadline)) has already passed: "
                                          + "nobody could sign up"))
            }
        }
        return problems
    }

    /// A time as committee staff read it: "2026-12-01 09:00 (Asia/Shanghai)".
    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date) + " (Asia/Shanghai)"
    }
}

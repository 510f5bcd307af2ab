import Foundation
import HeraldCore

/// An activity with a limited number of places, as stored in `activities`.
public struct Activity: Sendable, Hashable, Identifiable {
    public let id: Int64
    public let committeeID: Int64
    public let title: String
    public let place: String?
    public let startsAt: Date?
    /// The last moment a sign-up is taken; nil means until `startsAt`.
    public let signupDeadline: Date?
    public let capacity: Int
    /// Residents signed up now (cancellations subtracted).
    public let signedUp: Int
    /// When the last place was taken; nil while a place is free.
    public let fullAt: Date?
    public let createdAt: Date

    /// Places still free.
    public var remaining: Int { max(0, capacity - signedUp) }

    public var isFull: Bool { signedUp >= capacity }

    /// When sign-ups close: the deadline, else the start, else never (nil).
    public var closesAt: Date? { signupDeadline ?? startsAt }

    static let columns = """
        id, committee_id, title, place, starts_at, signup_deadline, capacity, signed_up, full_at, created_at
        """

    /// Reads a row selected with `columns`.
    init(row: Statement) {
        id = row.int64(0)
        committeeID = row.int64(1)
        title = row.string(2)
        place = row.optionalString(3)
        startsAt = row.optionalInt64(4).map(Date.init(unixMilliseconds:))
        signupDeadline = row.optionalInt64(5).map(Date.init(unixMilliseconds:))
        capacity = row.int(6)
        signedUp = row.int(7)
        fullAt = row.optionalInt64(8).map(Date.init(unixMilliseconds:))
        createdAt = Date(unixMilliseconds: row.int64(9))
    }
}

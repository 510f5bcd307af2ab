/// A neighbourhood committee (居委会): the tenant every resident, broadcast
/// and activity belongs to.
public struct Committee: Sendable, Hashable, Codable {
    public var id: Int64
    /// A short, stable, URL-safe name, e.g. "yangguang".
    public var slug: String
    /// The committee's name as residents know it, e.g. "阳光社区居委会".
    public var name: String
    /// IANA time zone for quiet hours and schedules.
    public var timeZone: String
    public var createdAt: Int64
}

/// Why a record was refused: which field, and what is wrong with it.
public struct RecordError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case invalid
        case notFound
        case conflict
    }

    public var code: Code
    /// The field at fault, e.g. "slug".
    public var field: String?
    public var message: String

    public init(_ code: Code, field: String? = nil, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }
}

/// The records contradict a rule Herald keeps (a sign-up count that does not
/// match the sign-ups, a stored value no type accepts): a bug or a hand edit.
/// The transaction that found it is rolled back.
public struct RecordInconsistency: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    init(_ message: String) { self.message = message }

    public var description: String { "inconsistent records: \(message)" }
}

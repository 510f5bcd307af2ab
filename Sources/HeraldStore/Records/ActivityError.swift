/// Why an activity was not created: every problem found, each with a stable
/// code and the field it is about, so a form can mark them all at once.
public struct ActivityError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case titleMissing = "title_missing"
        case capacityNotPositive = "capacity_not_positive"
        case startsInPast = "starts_in_past"
        case deadlineAfterStart = "deadline_after_start"
        case deadlinePassed = "deadline_passed"
        case unknownCommittee = "unknown_committee"
    }

    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public let code: Code
        /// The `NewActivity` property at fault ("title", "capacity", …).
        public let field: String
        /// What is wrong and what to do, for staff.
        public let message: String

        init(_ code: Code, field: String, _ message: String) {
            self.code = code
            self.field = field
            self.message = message
        }

        public var description: String { "\(field): \(message)" }
    }

    public let problems: [Problem]

    public var codes: [Code] { problems.map(\.code) }

    public var description: String {
        "the activity cannot be created: " + problems.map(\.description).joined(separator: "; ")
    }
}

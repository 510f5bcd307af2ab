/// Why a send window could not be made: a time out of range, text that is
/// not `HH:MM-HH:MM`, or a start equal to the end.
public struct SendWindowError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong and how to write it instead.
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// What became of a resident's "TD".
public enum OptOutResult: Sendable, Hashable {
    /// Stored: nothing more goes to the resident on that channel.
    case optedOut
    /// The resident had already opted out of that channel; the first
    /// opt-out's source and time are kept.
    case alreadyOptedOut
    case unknownResident
}

/// What became of a resident's "2" / "取消".
public enum SignUpCancellation: Sendable, Hashable {
    /// The place is free again; `count` residents remain signed up.
    /// `reopened`: the activity was full before.
    case cancelled(count: Int, reopened: Bool)
    /// The resident had no place (never signed up, or already cancelled);
    /// nothing changed.
    case notSignedUp(count: Int)
    case unknownActivity
}

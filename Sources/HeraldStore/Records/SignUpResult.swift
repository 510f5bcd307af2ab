/// What became of a resident's "1".
public enum SignUpResult: Sendable, Hashable {
    /// A place was taken; `count` residents are now signed up. `becameFull`:
    /// this was the last place, so the invitations still waiting to go out
    /// should be cancelled (`ActivityStore.cancelPendingInvitations`).
    case signedUp(count: Int, becameFull: Bool)
    /// The resident already had a place; nothing changed (a repeated "1").
    case alreadySignedUp(count: Int)
    /// No place left: answer with the activity-full template.
    case full
    /// Sign-ups closed (past the deadline, or the start when there is none).
    case closed
    case unknownActivity
    case unknownResident
    /// The resident belongs to another committee than the activity.
    case wrongCommittee
}

/// What a broadcast asks of its residents, stored in `broadcasts.kind`.
///
/// The kind decides how a reply is read (`ReplyIntent.parse(text:for:)`):
/// "1" to an invitation is a sign-up, "1" to a poll is a vote.
public enum BroadcastKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Information only ("water off in building 3 tomorrow 9:00-12:00").
    case notice
    /// An activity invitation with places to take ("按1报名").
    case invitation
    /// A reminder to residents who signed up for an activity.
    case reminder
    /// A question with numbered choices ("同意请回复1，反对请回复2").
    case poll
}

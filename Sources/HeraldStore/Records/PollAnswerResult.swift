import HeraldCore

/// What became of a resident's vote.
public enum PollAnswerResult: Sendable, Hashable {
    /// Stored; `replaced` is the resident's earlier answer, if any (which may
    /// be the same choice: a repeated vote changes nothing in the tally).
    case recorded(replaced: PollChoice?)
    /// The resident already answered later than `at` (replies can arrive out
    /// of order); the later answer stands.
    case outdated(current: PollChoice)
    case unknownBroadcast
    /// The broadcast is not a poll.
    case notAPoll
    case unknownResident
    /// The resident belongs to another committee than the poll.
    case wrongCommittee
}

import HeraldCore

/// The answers to one poll, counted per choice.
public struct PollTally: Sendable, Hashable {
    public let broadcastID: Int64
    /// Residents per choice; a choice nobody picked is absent.
    public let counts: [PollChoice: Int]

    public init(broadcastID: Int64, counts: [PollChoice: Int]) {
        self.broadcastID = broadcastID
        self.counts = counts
    }

    /// Residents who answered.
    public var total: Int { counts.values.reduce(0, +) }

    /// Residents who picked `choice` (0 when nobody did).
    public subscript(choice: PollChoice) -> Int { counts[choice] ?? 0 }

    /// The choices in order ("1", "2", … "10", then named ones) with their counts.
    public var sorted: [(choice: PollChoice, count: Int)] {
        counts.sorted { $0.key < $1.key }.map { (choice: $0.key, count: $0.value) }
    }
}

import Foundation

/// What a voice queue does when a resident does not pick up: call again
/// after ``retryAfter``, up to ``maxCalls`` calls in all.
///
/// A queue file's `"noAnswer": {"retryAfterSeconds": 600, "maxCalls": 3}`.
public struct NoAnswerPolicy: Sendable, Hashable {
    /// How long to wait before calling again, in seconds.
    public var retryAfter: TimeInterval
    /// Calls in all, the first included; 1 means never call again.
    public var maxCalls: Int

    public init(retryAfter: TimeInterval = 600, maxCalls: Int = 3) {
        self.retryAfter = retryAfter
        self.maxCalls = maxCalls
    }

    /// Ten minutes between calls, three calls at most.
    public static let voiceDefault = NoAnswerPolicy()
}

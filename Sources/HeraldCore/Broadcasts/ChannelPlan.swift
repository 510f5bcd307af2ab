/// The ordered ways a broadcast tries to reach each resident, e.g. push,
/// then SMS if push is refused or unconfirmed after 30 minutes, then a voice
/// call for residents who accept calls after 2 hours.
///
/// JSON: `{"steps": [{"channel": "push", "queue": "wechat-subscribe",
/// "escalate_after_seconds": 1800}, {"channel": "sms", "queue": "alibaba-sms",
/// "escalate_after_seconds": 7200}, {"channel": "voice", "queue": "alibaba-ivr"}]}`.
public struct ChannelPlan: Sendable, Hashable, Codable {
    public struct Step: Sendable, Hashable, Codable {
        /// "push", "sms", "voice" or "webhook".
        public var channel: String
        /// The queue (a `Queues/<name>.json`) that sends this step.
        public var queue: String
        /// Move to the next step when nothing confirms this one in this long;
        /// nil: only a failure or refusal moves on.
        public var escalateAfterSeconds: Int?

        public init(channel: String, queue: String, escalateAfterSeconds: Int? = nil) {
            self.channel = channel
            self.queue = queue
            self.escalateAfterSeconds = escalateAfterSeconds
        }

        enum CodingKeys: String, CodingKey {
            case channel, queue
            case escalateAfterSeconds = "escalate_after_seconds"
        }

        /// What a resident needs for this step to reach them.
        public func reaches(hasPhone: Bool, hasOpenID: Bool, voiceOK: Bool) -> Bool {
            switch channel {
            case "push": hasOpenID
            case "sms": hasPhone
            case "voice": hasPhone && voiceOK
            default: true
            }
        }
    }

    public static let channels: Set<String> = ["push", "sms", "voice", "webhook"]

    public var steps: [Step]

    public init(steps: [Step]) {
        self.steps = steps
    }

    /// Why this plan cannot be used, or nil.
    public var problem: String? {
        guard (1...4).contains(steps.count) else { return "a channel plan has 1 to 4 steps; this one has \(steps.count)" }
        for (index, step) in steps.enumerated() {
            let name = "step \(index + 1)"
            guard Self.channels.contains(step.channel) else {
                return "\(name): channel must be push, sms, voice or webhook; got '\(step.channel)'"
            }
            guard !step.queue.isEmpty else { return "\(name): queue is empty" }
            if let seconds = step.escalateAfterSeconds, seconds < 60 || seconds > 7 * 86_400 {
                return "\(name): escalate_after_seconds must be between 60 and 604800; got \(seconds)"
            }
        }
        return nil
    }

    /// The channels in the plan, for the opt-out check at fan-out.
    public var channelSet: Set<String> { Set(steps.map(\.channel)) }

    /// The first step at or after `start` that can reach this resident.
    public func firstStep(from start: Int = 0, hasPhone: Bool, hasOpenID: Bool, voiceOK: Bool,
                          optedOut: Set<String> = []) -> Int? {
        guard start < steps.count else { return nil }
        return (start..<steps.count).first { index in
            let step = steps[index]
            return !optedOut.contains(step.channel) && step.reaches(hasPhone: hasPhone, hasOpenID: hasOpenID, voiceOK: voiceOK)
        }
    }
}

import Foundation
import HeraldCore

/// A job that will not run again on its own: it used up its attempts or
/// failed for good (`JobState.dead`). What `herald dead` lists and shows.
public struct DeadJob: Sendable, Hashable {
    public var id: Int64
    public var queue: String
    public var priority: JobPriority
    /// Attempts made (the last one failed).
    public var attempts: Int
    public var maxAttempts: Int
    /// The committee it was for (0: none).
    public var committee: Int64
    /// The broadcast it belongs to, if any.
    public var group: Int64?
    /// Unix milliseconds.
    public var createdAt: Int64
    /// When it died, Unix milliseconds.
    public var finishedAt: Int64?
    /// Why its last attempt failed.
    public var lastError: String?
    public var payload: Data

    /// One failed attempt from `job_attempts`.
    public struct Attempt: Sendable, Hashable {
        public var attempt: Int
        public var finishedAt: Int64
        /// "retry", "dead" or "lease expired".
        public var outcome: String
        public var error: String?
    }

    /// The delivery a send job's payload names, as staff may see it: the
    /// phone only masked.
    public struct Delivery: Sendable, Hashable {
        public var deliveryID: Int64
        /// The plan step the job sends (0-based).
        public var step: Int
        public var broadcastID: Int64
        public var residentID: Int64
        public var residentName: String
        /// `138****0001`; nil when the resident has no phone.
        public var maskedPhone: String?
        /// The channel the delivery is on now (or ended on).
        public var channel: String?
        public var state: DeliveryState?
    }

    /// A dead job with its attempt history and, for a send job, its delivery.
    public struct Detail: Sendable, Hashable {
        public var job: DeadJob
        /// Oldest first.
        public var history: [Attempt]
        /// Nil when the payload is not a send job, or its delivery is gone.
        public var delivery: Delivery?
        /// A send job's delivery id and step, decoded from the payload even when the delivery is gone.
        public var deliveryJob: DeliveryJob?
    }
}

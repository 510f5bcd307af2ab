import Foundation
import HeraldCore

/// A send job the dispatcher holds after the send-time checks: the claimed
/// job, and everything the send needs.
public struct ClaimedSend: Sendable {
    public let job: ClaimedJob
    public let delivery: DeliveryJob
    public let context: SendContext

    public init(job: ClaimedJob, delivery: DeliveryJob, context: SendContext) {
        self.job = job
        self.delivery = delivery
        self.context = context
    }
}

/// What one send came to, handed to `GroupCommitter.submit(results:)`: the
/// job's completion and the delivery's update commit together (`SendLedger`).
public struct SendResult: Sendable {
    public enum Outcome: Sendable, Hashable {
        /// The gateway took it. The delivery is sent, under the gateway's id;
        /// when the plan's step has a confirmation window, the next step is
        /// scheduled for when it closes.
        case accepted(gatewayID: String?)
        /// A transient failure: the job retries (after `after` seconds when
        /// the gateway said so, else the queue's backoff).
        case retry(error: String, after: TimeInterval?)
        /// Not now and not the message's fault (the circuit is open, the
        /// queue is shutting down, the gateway needs an operator): runs again
        /// at `until` without using up an attempt.
        case snooze(until: Date, reason: String)
        /// This step can never reach the resident (a bad number, a refused
        /// push, a template without this channel, attempts used up): the
        /// plan's next step starts now, or the delivery has failed.
        case failed(reason: String)
    }

    public let send: ClaimedSend
    public let outcome: Outcome
    /// The adapter that sent it, for the event log.
    public let gateway: String

    public init(_ send: ClaimedSend, _ outcome: Outcome, gateway: String) {
        self.send = send
        self.outcome = outcome
        self.gateway = gateway
    }

    /// The job's side of the result.
    var completion: Completion {
        let lease = send.job.lease
        switch outcome {
        case .accepted: return Completion(lease, .succeeded)
        case .retry(let error, let after): return Completion(lease, .retry(error: error, retryAfter: after))
        case .snooze(let until, _): return Completion(lease, .snooze(until: until))
        case .failed(let reason): return Completion(lease, .dead(error: reason))
        }
    }
}

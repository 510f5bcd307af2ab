/// What `ActivityStore.cancelPendingInvitations` stopped.
public struct InvitationCancellation: Sendable, Hashable {
    /// The invitation broadcasts of the activity, by id.
    public var broadcasts: [Int64] = []
    /// Pending jobs cancelled (state 4).
    public var jobs = 0
    /// Queued deliveries cancelled (state 5), each with a `cancelled` event.
    public var deliveries = 0

    public init(broadcasts: [Int64] = [], jobs: Int = 0, deliveries: Int = 0) {
        self.broadcasts = broadcasts
        self.jobs = jobs
        self.deliveries = deliveries
    }
}

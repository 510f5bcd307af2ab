extension Routes {
    /// The `/v1` API: committees (admin), residents, broadcasts, activities,
    /// sign-up cancellation by staff, templates, status, queues, dead letters and tokens (admin). The
    /// mini program's signed sign-up webhook is registered with the callbacks.
    mutating func addAPIRoutes() {
        addCommitteeRoutes()
        addResidentRoutes()
        addBroadcastRoutes()
        addActivityRoutes()
        addTemplateRoutes()
        addStatusRoutes()
        addQueueRoutes()
        addDeadLetterRoutes()
        addTokenRoutes()
    }
}

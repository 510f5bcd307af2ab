import HeraldChannels

/// One callback to send to Herald, planned when the request is processed
/// so that it follows from the seed.
struct CallbackPlan: Sendable {
    var kind: SimulatorCallbackKind
    var method: HTTPMethod
    var url: String
    var body: [UInt8] = []
    /// Simulated seconds after the previous callback of the same request
    /// (or after the request, for the first).
    var delaySeconds: Double
    var deliveryID: String?
    /// Sign with `WebhookSignature` when sent (the time then is signed).
    var signed = false
    /// Simulated seconds to wait before each retry after a failure.
    var retryDelaysSeconds: [Double] = []

    /// A JSON POST.
    static func post(_ kind: SimulatorCallbackKind, url: String, json: SimulatorJSON, delay: Double,
                     deliveryID: String?) -> CallbackPlan {
        CallbackPlan(kind: kind, method: .post, url: url, body: json.bytes, delaySeconds: delay,
                     deliveryID: deliveryID)
    }
}

extension CallbackPlan {
    /// Plans given at offsets from the request, as a chain whose delays are
    /// the gaps between them: in order of offset, ties in the order given.
    static func sequence(_ timed: [(at: Double, plan: CallbackPlan)]) -> [CallbackPlan] {
        var previous = 0.0
        let ordered = timed.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
        return ordered.map(\.element).map { entry in
            var plan = entry.plan
            plan.delaySeconds = max(0, entry.at - previous)
            previous = entry.at
            return plan
        }
    }
}

import HeraldHTTP

/// What a gateway made of a request: the answer and what to log and send.
struct GatewayReply {
    var response: HTTPServerResponse
    var action: String
    var outcome: SimulatorOutcome
    var recipients: [String] = []
    var deliveryID: String?
    /// The message went out to the resident.
    var sent = false
    var gatewayID: String?
    /// Callbacks to Herald, sent one after another.
    var callbacks: [CallbackPlan] = []

    init(_ response: HTTPServerResponse, action: String, outcome: SimulatorOutcome) {
        self.response = response
        self.action = action
        self.outcome = outcome
    }
}

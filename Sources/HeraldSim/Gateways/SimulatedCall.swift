/// How one simulated voice call went, drawn when the call is placed.
struct SimulatedCall {
    enum Failure {
        /// It rang; nobody picked up.
        case noAnswer
        case busy
        /// Switched off, out of service area, or refused by the network.
        case unreachable
    }

    /// Nil when the resident answered.
    var failure: Failure?
    /// "1", "2", or nil for no key (always nil for a call that collects none).
    var keyPress: String?
    var ringSeconds: Int
    var talkSeconds: Int

    var answered: Bool { failure == nil }

    /// Draws a call; the number of draws does not depend on the rates.
    static func draw(_ exchange: inout GatewayExchange, collectsKeys: Bool) -> SimulatedCall {
        let behaviour = exchange.behaviour
        let answered = exchange.random.chance(behaviour.answerRate)
        let failureDraw = exchange.random.unit()
        let keyDraw = exchange.random.unit()
        let ring = exchange.random.int(in: 3...15)
        let talk = exchange.random.int(in: 10...45)
        var call = SimulatedCall(failure: nil, keyPress: nil, ringSeconds: ring, talkSeconds: talk)
        if !answered {
            call.failure = failureDraw < 0.6 ? .noAnswer : failureDraw < 0.85 ? .busy : .unreachable
            call.talkSeconds = 0
        } else if collectsKeys {
            if keyDraw < behaviour.keyPress1Rate {
                call.keyPress = "1"
            } else if keyDraw < behaviour.keyPress1Rate + behaviour.keyPress2Rate {
                call.keyPress = "2"
            }
        }
        return call
    }
}

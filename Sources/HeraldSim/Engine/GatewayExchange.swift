import Foundation
import HeraldChannels
import HeraldCore
import HeraldHTTP

/// One gateway request being processed, with what a gateway needs to
/// decide: its random draws, the time, the behaviour and the credentials.
/// Lives only while the engine's lock is held.
struct GatewayExchange {
    let request: HTTPServerRequest
    let sequence: Int
    let now: Date
    var random: SimulatorRandom
    let behaviour: SimulatorBehaviour
    let credentials: SimulatorCredentials
    /// Herald's base URL for callbacks, nil when callbacks are off.
    let callbackBase: String?

    var unixNow: Int { SimulatorTime.unixSeconds(now) }

    /// The callback URL of `kind`, or nil when callbacks are off.
    func callbackURL(_ kind: SimulatorCallbackKind) -> String? {
        callbackBase.flatMap {
            SimulatorCallbackRoutes.url(kind, base: $0, pathSecret: credentials.callbackPathSecret)
        }
    }

    /// A callback delay drawn from the behaviour's range, in simulated seconds.
    mutating func callbackDelay() -> Double {
        random.double(in: behaviour.callbackDelaySeconds)
    }
}

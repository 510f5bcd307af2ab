import Foundation
import HeraldChannels
import HeraldCore
import HeraldHTTP

/// Handles every request the simulator's server receives: routes it,
/// decides faults, lets the gateway answer, logs it, schedules its
/// callbacks and sends the answer now, later or never.
///
/// A gateway request is processed entirely under the store's lock, in
/// arrival order, so its sequence number, random draws and effect on the
/// state (balances, limits, tokens) follow one another as in a real queue.
/// Processing is computation only (signatures, JSON); answers and callbacks
/// leave the lock before they are sent.
///
/// Sendable: the store and the dispatcher serialize their own state;
/// everything else is immutable.
final class SimulatorEngine: Sendable {
    let configuration: GatewaySimulator.Configuration
    let store: SimulatorStore
    let dispatcher: CallbackDispatcher
    /// Where delayed answers are sent from: a serial queue of its own, which
    /// always has a thread (unlike the shared pool, which blocked clients can exhaust).
    private let answers = DispatchQueue(label: "herald.sim.answers")

    init(configuration: GatewaySimulator.Configuration) throws(GatewaySimulatorError) {
        self.configuration = configuration
        let store = SimulatorStore(SimulatorState(behaviour: configuration.behaviour))
        self.store = store
        let maxRecords = configuration.maxRecords
        do {
            dispatcher = try CallbackDispatcher(clock: configuration.clock, timeScale: configuration.timeScale,
                                                webhookSecret: configuration.credentials.webhookSecret,
                                                timeout: configuration.callbackTimeout, logger: configuration.logger,
                                                record: { entry in
                                                    store.withState { $0.record(entry, maxRecords: maxRecords) }
                                                })
        } catch {
            throw GatewaySimulatorError(code: .startFailed, message: "cannot start the callback client: \(error)")
        }
    }

    /// The server's handler.
    func handle(_ request: HTTPServerRequest, _ responder: HTTPServerResponder) {
        let endpoint: SimulatorEndpoint
        switch SimulatorEndpoint.match(request) {
        case .failure(let box):
            responder.respond(box.response)
            return
        case .success(let matched):
            endpoint = matched
        }
        guard let gateway = endpoint.gateway else {
            responder.respond(control(endpoint, request))
            return
        }
        let plan = store.withState { state in
            state.requestStarted(gateway)
            return process(endpoint, gateway: gateway, request: request, responder: responder, state: &state)
        }
        dispatcher.schedule(plan.callbacks, requestSequence: plan.sequence)
        switch plan.timing {
        case .now:
            store.withState { $0.requestAnswered(gateway) }
            responder.respond(plan.response)
        case .after(let milliseconds):
            answers.asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { [store] in
                store.withState { $0.requestAnswered(gateway) }
                responder.respond(plan.response)
            }
        case .held:
            break
        }
    }

    // MARK: Processing

    private struct AnswerPlan {
        enum Timing {
            case now
            case after(milliseconds: Int)
            /// Kept in `SimulatorState.heldResponders` until stop.
            case held
        }

        var sequence: Int
        var response: HTTPServerResponse
        var timing: Timing
        var callbacks: [CallbackPlan]
    }

    private func process(_ endpoint: SimulatorEndpoint, gateway: SimulatedGateway, request: HTTPServerRequest,
                         responder: HTTPServerResponder, state: inout SimulatorState) -> AnswerPlan {
        let sequence = state.nextSequence
        state.nextSequence += 1
        var random = SimulatorRandom(seed: configuration.seed, sequence: sequence)
        let now = configuration.clock.now()
        let behaviour = state.behaviour
        let forced = state.takeForcedFault(for: gateway)
        let drawn = Self.drawFault(&random, behaviour)
        let fault = forced ?? drawn
        let latency = random.int(in: behaviour.latencyMilliseconds)

        if let fault, !fault.afterProcessing {
            let response = Self.faultResponse(fault, gateway: gateway, random: &random)
            state.record(SimulatorRequestRecord(sequence: sequence, time: now, gateway: gateway,
                                                action: Self.actionName(endpoint, request), recipients: [],
                                                deliveryID: nil, outcome: .faulted(fault), fault: nil, sent: false,
                                                status: response.status, gatewayID: nil,
                                                delayMilliseconds: latency),
                         maxRecords: configuration.maxRecords)
            return AnswerPlan(sequence: sequence, response: response,
                              timing: latency > 0 ? .after(milliseconds: latency) : .now, callbacks: [])
        }

        var exchange = GatewayExchange(request: request, sequence: sequence, now: now, random: random,
                                       behaviour: behaviour, credentials: configuration.credentials,
                                       callbackBase: configuration.callbackBaseURL)
        let reply: GatewayReply = switch endpoint {
        case .kannelSend: KannelAPI.send(&exchange, &state)
        case .alibaba: AlibabaAPI.handle(&exchange, &state)
        case .tencent: TencentAPI.handle(&exchange, &state)
        case .wechatToken: WeChatAPI.token(&exchange, &state)
        case .wechatSubscribeSend: WeChatAPI.subscribeSend(&exchange, &state)
        case .webhook: WebhookAPI.receive(&exchange, &state)
        case .genericSend: GenericAPI.send(&exchange, &state)
        case .simRequests, .simStats, .simReset, .simFaults: GatewayReply(.empty(500), action: "", outcome: .accepted)
        }

        var response = reply.response
        var status: Int? = response.status
        var timing: AnswerPlan.Timing = latency > 0 ? .after(milliseconds: latency) : .now
        var delay = latency
        switch fault {
        case .timeout(let hold)?:
            if let hold {
                delay = max(0, Int(hold.components.seconds) * 1000
                                + Int(hold.components.attoseconds / 1_000_000_000_000_000))
                timing = .after(milliseconds: delay)
            } else {
                timing = .held
                status = nil
                state.heldResponders[sequence] = responder
            }
        case .dropConnection?:
            response = .dropConnection
            status = nil
        case .malformedBody(let kind)?:
            response = Self.malformed(response, kind)
            status = response.status
        case .status5xx?, .status429?, nil:
            break
        }
        state.record(SimulatorRequestRecord(sequence: sequence, time: now, gateway: gateway, action: reply.action,
                                            recipients: reply.recipients, deliveryID: reply.deliveryID,
                                            outcome: reply.outcome, fault: fault, sent: reply.sent, status: status,
                                            gatewayID: reply.gatewayID, delayMilliseconds: delay),
                     maxRecords: configuration.maxRecords)
        return AnswerPlan(sequence: sequence, response: response, timing: timing, callbacks: reply.callbacks)
    }

    /// A random fault per the behaviour's rates, or nil. One draw decides
    /// whether and which; a fault's details take a few more.
    static func drawFault(_ random: inout SimulatorRandom, _ behaviour: SimulatorBehaviour) -> SimulatorFault? {
        let rates = behaviour.faults
        let draw = random.unit()
        var edge = rates.status5xx
        if draw < edge {
            let status = [500, 502, 503][random.int(in: 0...2)]
            let retryAfter = random.chance(0.5) ? random.int(in: 1...30) : nil
            return .status5xx(status: status, retryAfter: retryAfter)
        }
        edge += rates.status429
        if draw < edge { return .status429(retryAfter: random.int(in: 1...60)) }
        edge += rates.timeout
        if draw < edge { return .timeout(hold: behaviour.timeoutHold) }
        edge += rates.dropConnection
        if draw < edge { return .dropConnection }
        edge += rates.malformedBody
        if draw < edge { return .malformedBody(random.chance(0.5) ? .truncatedJSON : .htmlErrorPage) }
        return nil
    }

    /// The answer to a request that a 5xx or 429 fault stops at the door.
    static func faultResponse(_ fault: SimulatorFault, gateway: SimulatedGateway,
                              random: inout SimulatorRandom) -> HTTPServerResponse {
        switch fault {
        case .status5xx(let status, let retryAfter):
            let reason = switch status {
            case 500: "Internal Server Error"
            case 502: "Bad Gateway"
            case 503: "Service Temporarily Unavailable"
            case 504: "Gateway Time-out"
            default: "Server Error"
            }
            let page = "<html>\r\n<head><title>\(status) \(reason)</title></head>\r\n<body>\r\n"
                + "<center><h1>\(status) \(reason)</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
            var response = HTTPServerResponse(status: status, headers: [HTTPField("Content-Type", "text/html")],
                                              body: Array(page.utf8))
            if let retryAfter { response.headers.append(HTTPField("Retry-After", String(retryAfter))) }
            return response
        case .status429(let retryAfter):
            var response = switch gateway {
            case .kannel: KannelAPI.tooManyRequests()
            case .alibaba: AlibabaAPI.tooManyRequests(&random)
            case .tencent: TencentAPI.tooManyRequests(&random)
            case .wechat: WeChatAPI.tooManyRequests()
            case .webhook: WebhookAPI.tooManyRequests()
            case .generic: GenericAPI.tooManyRequests()
            }
            if let retryAfter { response.headers.append(HTTPField("Retry-After", String(retryAfter))) }
            return response
        case .timeout, .dropConnection, .malformedBody:
            return .dropConnection
        }
    }

    /// `response` spoiled: cut in half, or replaced by an HTML page.
    static func malformed(_ response: HTTPServerResponse, _ kind: SimulatorFault.MalformedBody) -> HTTPServerResponse {
        switch kind {
        case .truncatedJSON:
            var cut = response
            cut.body = Array(response.body.prefix(max(1, response.body.count / 2)))
            if response.body.count <= 1 { cut.body = Array("{".utf8) }
            return cut
        case .htmlErrorPage:
            let page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Error</title></head>"
                + "<body><h1>An error occurred.</h1><p>Sorry, the page you are looking for is currently "
                + "unavailable. Please try again later.</p></body></html>"
            return HTTPServerResponse(status: 200, headers: [HTTPField("Content-Type", "text/html; charset=utf-8")],
                                      body: Array(page.utf8))
        }
    }

    /// The action a faulted request asked for, read without processing it.
    static func actionName(_ endpoint: SimulatorEndpoint, _ request: HTTPServerRequest) -> String {
        switch endpoint {
        case .kannelSend: "sendsms"
        case .alibaba: request.queryValue("Action") ?? request.formValue("Action") ?? "unknown"
        case .tencent: request.header("X-TC-Action") ?? "unknown"
        case .wechatToken: "token"
        case .wechatSubscribeSend: "subscribe.send"
        case .webhook: "webhook"
        case .genericSend: "generic.send"
        case .simRequests, .simStats, .simReset, .simFaults: "control"
        }
    }

    // MARK: Reading and control

    func stats() -> SimulatorStats {
        var stats = store.withState { $0.stats }
        stats.callbacksPending = dispatcher.pendingCount
        return stats
    }

    func duplicates() -> [String: Int] {
        store.withState { state in state.sendsByDelivery.filter { $0.value > 1 } }
    }

    /// Drops the responders of requests held until stop (the server has
    /// answered them by then). They are released after the lock is: a
    /// responder released unanswered tries to answer.
    func releaseHeldRequests() {
        let held = store.withState { state in
            defer { state.heldResponders = [:] }
            return state.heldResponders
        }
        withExtendedLifetime(held) {}
    }
}

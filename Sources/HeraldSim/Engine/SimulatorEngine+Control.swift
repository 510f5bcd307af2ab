import Foundation
import HeraldHTTP

/// `/sim/...`: the request log, the counts, reset and fault injection over
/// HTTP, for the demo and for poking at a running `herald gateway-sim`.
/// No latency, no faults, not logged.
extension SimulatorEngine {
    func control(_ endpoint: SimulatorEndpoint, _ request: HTTPServerRequest) -> HTTPServerResponse {
        do {
            switch endpoint {
            case .simRequests:
                let gateway = request.queryValue("gateway").flatMap(SimulatedGateway.init(rawValue:))
                let (requests, callbacks) = store.withState { ($0.records, $0.callbackRecords) }
                return try .json(encoding: RequestLog(
                    requests: requests.filter { gateway == nil || $0.gateway == gateway },
                    callbacks: callbacks.filter { gateway == nil || $0.kind.gateway == gateway }))
            case .simStats:
                let balances = store.withState { state in
                    Dictionary(uniqueKeysWithValues: state.balances.map { ($0.key.rawValue, $0.value) })
                }
                return try .json(encoding: StatsAnswer(stats: stats(), duplicates: duplicates(), balances: balances))
            case .simReset:
                store.withState { $0.reset() }
                return .json(200, .fields(["reset": .bool(true)]))
            case .simFaults:
                return injectFromQuery(request)
            default:
                return .error(status: 404, code: "not_found", message: "no such control endpoint")
            }
        } catch {
            return .error(status: 500, code: "encoding_failed", message: "cannot encode the answer: \(error)")
        }
    }

    /// `POST /sim/faults?fault=429&retry_after=7&count=3&gateway=alibaba`.
    /// `fault` is `5xx` (with `status`, `retry_after`), `429` (`retry_after`),
    /// `timeout` (`hold_ms`, absent: until stop), `drop`, `malformed`
    /// (`body=truncated|html`); `count` defaults to 1, `gateway` to any.
    private func injectFromQuery(_ request: HTTPServerRequest) -> HTTPServerResponse {
        func int(_ name: String) -> Int? { request.queryValue(name).flatMap { Int($0) } }
        let fault: SimulatorFault
        switch request.queryValue("fault") ?? "" {
        case "5xx": fault = .status5xx(status: int("status") ?? 503, retryAfter: int("retry_after"))
        case "429": fault = .status429(retryAfter: int("retry_after"))
        case "timeout": fault = .timeout(hold: int("hold_ms").map { .milliseconds($0) })
        case "drop": fault = .dropConnection
        case "malformed":
            fault = .malformedBody(request.queryValue("body") == "html" ? .htmlErrorPage : .truncatedJSON)
        default:
            return .error(status: 400, code: "bad_fault",
                          message: "fault must be 5xx, 429, timeout, drop or malformed")
        }
        if case .status5xx(let status, _) = fault, !(500...599).contains(status) {
            return .error(status: 400, code: "bad_status", message: "status must be 500 to 599")
        }
        let count = int("count") ?? 1
        guard count >= 1 else { return .error(status: 400, code: "bad_count", message: "count must be 1 or more") }
        var gateway: SimulatedGateway?
        if let name = request.queryValue("gateway") {
            guard let named = SimulatedGateway(rawValue: name) else {
                return .error(status: 400, code: "bad_gateway", message: "gateway must be one of "
                                  + SimulatedGateway.allCases.map(\.rawValue).joined(separator: ", "))
            }
            gateway = named
        }
        store.withState { $0.forcedFaults.append(.init(fault: fault, remaining: count, gateway: gateway)) }
        return .json(200, .fields(["queued": .int(count), "fault": .string(fault.description)]))
    }

    private struct RequestLog: Encodable {
        var requests: [SimulatorRequestRecord]
        var callbacks: [SimulatorCallbackRecord]
    }

    private struct StatsAnswer: Encodable {
        var stats: SimulatorStats
        var duplicates: [String: Int]
        var balances: [String: Int]
    }
}

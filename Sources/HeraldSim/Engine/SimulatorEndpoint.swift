import HeraldHTTP

/// What a request is for, by method and path.
enum SimulatorEndpoint: Sendable {
    case kannelSend
    case alibaba
    case tencent
    case wechatToken
    case wechatSubscribeSend
    case webhook
    case genericSend
    case simRequests
    case simStats
    case simReset
    case simFaults

    var gateway: SimulatedGateway? {
        switch self {
        case .kannelSend: .kannel
        case .alibaba: .alibaba
        case .tencent: .tencent
        case .wechatToken, .wechatSubscribeSend: .wechat
        case .webhook: .webhook
        case .genericSend: .generic
        case .simRequests, .simStats, .simReset, .simFaults: nil
        }
    }

    /// The endpoint for `request`, or the 404/405 answer.
    static func match(_ request: HTTPServerRequest) -> Result<SimulatorEndpoint, HTTPServerResponseBox> {
        var path = request.path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        let method = request.method
        func only(_ allowed: String, _ endpoint: SimulatorEndpoint) -> Result<SimulatorEndpoint, HTTPServerResponseBox> {
            // No HEAD for GET: a HEAD of sendsms must not send an SMS.
            if method == allowed { return .success(endpoint) }
            var response = HTTPServerResponse.error(status: 405, code: "method_not_allowed",
                                                    message: "\(method) is not allowed on \(path); use \(allowed)")
            response.headers.append(HTTPField("Allow", allowed))
            return .failure(HTTPServerResponseBox(response))
        }
        switch path {
        case "/":
            if method == "POST", request.header("X-TC-Action") != nil { return .success(.tencent) }
            if method == "POST" || method == "GET" { return .success(.alibaba) }
            return only("POST", .alibaba)
        case "/cgi-bin/sendsms": return only("GET", .kannelSend)
        case "/cgi-bin/token": return only("GET", .wechatToken)
        case "/cgi-bin/message/subscribe/send": return only("POST", .wechatSubscribeSend)
        case "/generic/send": return only("POST", .genericSend)
        case "/sim/requests": return only("GET", .simRequests)
        case "/sim/stats": return only("GET", .simStats)
        case "/sim/reset": return only("POST", .simReset)
        case "/sim/faults": return only("POST", .simFaults)
        case _ where path == "/webhook" || path.hasPrefix("/webhook/"): return only("POST", .webhook)
        default:
            return .failure(HTTPServerResponseBox(.error(status: 404, code: "not_found",
                                                         message: "the simulator has nothing at \(path)")))
        }
    }
}

/// A response as an `Error`, for `Result`.
struct HTTPServerResponseBox: Error {
    let response: HTTPServerResponse

    init(_ response: HTTPServerResponse) {
        self.response = response
    }
}

import HeraldChannels
import HeraldCore
import HeraldDispatch
import HeraldHTTP

/// The gateways that call Herald back, each with the answer it expects.
enum CallbackGateway: String, Sendable {
    case kannel, alibaba, tencent, webhook

    /// What tells the gateway "received, do not send again".
    var accepted: HTTPServerResponse {
        switch self {
        // Kannel sends a get-url's answer to the resident as a reply SMS
        // unless it is empty; Herald replies through its own queues.
        case .kannel: .text(200, "")
        case .alibaba: .json(status: 200, bytes: Array(#"{"code":0,"msg":"成功"}"#.utf8))
        case .tencent: .json(status: 200, bytes: Array(#"{"result":0,"errmsg":"OK"}"#.utf8))
        case .webhook: .json(status: 200, bytes: Array(#"{"result":"ok"}"#.utf8))
        }
    }

    /// Alibaba's and Tencent's callbacks carry no signature: a secret path
    /// segment stands in for one.
    var usesPathSecret: Bool { self == .alibaba || self == .tencent }
}

extension Routes {
    /// The gateways' `/callbacks/...` routes (docs/CALLBACKS.md), then the
    /// mini program's signed `/v1/signups`.
    mutating func addCallbackRoutes() {
        addCallback("GET", "/callbacks/kannel/dlr", .kannel) { request in
            [try ReceiptParser.kannelReport(query: request.http.queryFields)]
        }
        addCallback("GET", "/callbacks/kannel/mo", .kannel) { request in
            [try ReceiptParser.kannelReply(query: request.http.queryFields)]
        }
        addCallback("POST", "/callbacks/alibaba/{secret}/sms-report", .alibaba) { request in
            try ReceiptParser.alibabaSMSReports(request.http.body)
        }
        addCallback("POST", "/callbacks/alibaba/{secret}/sms-up", .alibaba) { request in
            try ReceiptParser.alibabaSMSReplies(request.http.body)
        }
        addCallback("POST", "/callbacks/alibaba/{secret}/voice-report", .alibaba) { request in
            try ReceiptParser.alibabaVoiceReports(request.http.body)
        }
        addCallback("POST", "/callbacks/tencent/{secret}/sms-status", .tencent) { request in
            try ReceiptParser.tencentSMSStatus(request.http.body)
        }
        addCallback("POST", "/callbacks/tencent/{secret}/sms-reply", .tencent) { request in
            [try ReceiptParser.tencentSMSReply(request.http.body)]
        }
        addCallback("POST", "/callbacks/tencent/{secret}/voice", .tencent) { request in
            [try ReceiptParser.tencentVoice(request.http.body)]
        }
        // The mini program's answer to an invitation it showed: names the
        // delivery, so it counts against that broadcast like a key press.
        add("POST", "/callbacks/webhook/signup", .open) { request in
            let metrics = request.context.metrics
            do {
                let results = try request.signedWebhook {
                    try request.process(.webhook) { try [ReceiptParser.miniProgramSignUp(request.http.body)] }
                }
                metrics.recordCallback(gateway: "webhook", result: "ok")
                struct Answer: Encodable { var result: String; var actions: [String] }
                return try .api(200, Answer(result: "ok", actions: results.map(\.action.name)))
            } catch {
                metrics.recordCallback(gateway: "webhook", result: Self.callbackResult(of: error))
                throw error
            }
        }
        addSignUpRoutes()
    }

    /// A gateway callback: source allowed, path secret right, body in the
    /// gateway's shape; every receipt is recorded (committed) before the
    /// gateway's "received" goes out.
    private mutating func addCallback(_ method: String, _ pattern: String, _ gateway: CallbackGateway,
                                      _ parse: @escaping @Sendable (APIRequest) throws -> [Receipt]) {
        add(method, pattern, .open) { request in
            let metrics = request.context.metrics
            do {
                try request.checkCallbackSource(gateway)
                _ = try request.process(gateway) { try parse(request) }
                metrics.recordCallback(gateway: gateway.rawValue, result: "ok")
                return gateway.accepted
            } catch {
                metrics.recordCallback(gateway: gateway.rawValue, result: Self.callbackResult(of: error))
                throw error
            }
        }
    }

    /// The `result` label of `herald_callbacks_total` for a refused callback.
    static func callbackResult(of error: any Error) -> String {
        let status = APIError.from(error).status
        return switch status {
        case 400, 422: "malformed"
        case 401, 403, 404, 409: "rejected"
        default: status >= 500 ? "error" : "rejected"
        }
    }
}

extension APIRequest {
    /// Refuses a callback from outside `HERALD_CALLBACK_ALLOW` (403) or,
    /// for Alibaba and Tencent, with a wrong path secret (404, as if the
    /// route did not exist: a guess learns nothing).
    func checkCallbackSource(_ gateway: CallbackGateway) throws(APIError) {
        let configuration = context.configuration
        guard configuration.callbackAllowList.allows(http.remoteAddress) else {
            throw APIError(403, "source_not_allowed",
                           "\(http.remoteAddress) is not in \(ServerConfiguration.Variable.callbackAllowList)")
        }
        guard gateway.usesPathSecret else { return }
        guard let expected = configuration.callbackPathSecret,
              Signer.constantTimeEquals(Array(expected.utf8), Array((http.pathParameter("secret") ?? "").utf8)) else {
            throw APIError.notFound("callback route")
        }
    }

    /// Parses the receipts and processes each, in order. A parse failure is
    /// a 400 (the gateway's retry would fail the same way); a failure to
    /// record is a 500, so the gateway sends the callback again.
    func process(_ gateway: CallbackGateway,
                 _ parse: () throws -> [Receipt]) throws -> [ReceiptProcessor.Result] {
        let receipts: [Receipt]
        do {
            receipts = try parse()
        } catch let error as ReceiptError {
            throw APIError(400, "malformed_callback", error.message)
        }
        return try receipts.map { receipt in
            do {
                return try context.receipts.process(receipt)
            } catch {
                context.logger.error("could not record a callback", ["gateway": .string(gateway.rawValue),
                                                                     "event": .string(receipt.event.name),
                                                                     "error": .string("\(error)")])
                throw APIError(500, "not_recorded", "Herald could not record the \(receipt.event.name) receipt; send it again")
            }
        }
    }
}

extension HTTPServerRequest {
    /// The query as a dictionary; a repeated name keeps its first value.
    var queryFields: [String: String] {
        var fields: [String: String] = [:]
        for item in query where fields[item.name] == nil { fields[item.name] = item.value }
        return fields
    }
}

extension ReceiptProcessor.Action {
    /// The action's name in API answers.
    var name: String {
        switch self {
        case .recorded: "recorded"
        case .orphan: "orphan"
        case .signedUp: "signed_up"
        case .alreadySignedUp: "already_signed_up"
        case .activityFull: "activity_full"
        case .signUpClosed: "signup_closed"
        case .signUpCancelled: "signup_cancelled"
        case .optedOut: "opted_out"
        case .pollAnswered: "poll_answered"
        case .acknowledged: "acknowledged"
        case .unreadReply: "unread_reply"
        }
    }
}

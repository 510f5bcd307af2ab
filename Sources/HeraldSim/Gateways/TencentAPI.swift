import Foundation
import HeraldChannels
import HeraldCore
import HeraldHTTP

/// Tencent Cloud API 3.0 on `POST /`, chosen by the `X-TC-Action` header:
/// SMS `SendSms` (2021-01-11, service `sms`) and voice `SendTtsVoice`
/// (2020-09-02, service `vms`).
///
/// Every answer is HTTP 200 `{"Response":{…,"RequestId"}}`; a failed call
/// has `Response.Error.{Code,Message}`. Checked first:
/// `InvalidAction`, `NoSuchVersion`, the `Authorization` header
/// (`TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request,
/// SignedHeaders=content-type;host, Signature=HEX`):
/// `AuthFailure.SecretIdNotFound`, `AuthFailure.SignatureExpire` (an
/// `X-TC-Timestamp` more than 5 minutes from the simulator's clock),
/// `AuthFailure.SignatureFailure` (recomputed with `TencentTC3Signature`
/// over the received `Host` and body, the service the action belongs to).
enum TencentAPI {
    struct Action {
        var service: String
        var version: String
    }

    static let actions: [String: Action] = [
        "SendSms": Action(service: "sms", version: "2021-01-11"),
        "SendTtsVoice": Action(service: "vms", version: "2020-09-02"),
    ]
    static let timestampWindowSeconds = 300

    static func handle(_ exchange: inout GatewayExchange, _ state: inout SimulatorState) -> GatewayReply {
        let request = exchange.request
        let name = request.header("X-TC-Action") ?? ""
        let requestID = exchange.random.uuid()
        func fail(_ code: String, _ message: String) -> GatewayReply {
            GatewayReply(errorResponse(code, message, requestID: requestID), action: name.isEmpty ? "unknown" : name,
                         outcome: .rejected(code: code))
        }
        guard let action = actions[name] else {
            return fail("InvalidAction", "The requested action `\(name)` does not exist.")
        }
        guard request.header("X-TC-Version") == action.version else {
            return fail("NoSuchVersion", "The requested version `\(request.header("X-TC-Version") ?? "")` of "
                            + "action `\(name)` does not exist; use \(action.version).")
        }
        guard let authorization = request.header("Authorization"), let parsed = Authorization(authorization) else {
            return fail("AuthFailure.SignatureFailure", "The Authorization header is missing or not TC3-HMAC-SHA256.")
        }
        guard parsed.secretID == exchange.credentials.tencentSecretID else {
            return fail("AuthFailure.SecretIdNotFound",
                        "The SecretId is not found, please ensure that your SecretId is correct.")
        }
        guard let timestamp = request.header("X-TC-Timestamp").flatMap({ Int($0) }) else {
            return fail("MissingParameter", "The request is missing a required parameter `Timestamp`.")
        }
        guard abs(timestamp - exchange.unixNow) <= timestampWindowSeconds else {
            return fail("AuthFailure.SignatureExpire",
                        "Signature expired. Timestamp: \(timestamp), current server time: \(exchange.unixNow).")
        }
        let host = request.header("Host") ?? ""
        let expected = try? TencentTC3Signature.sign(secretId: parsed.secretID,
                                                     secretKey: exchange.credentials.tencentSecretKey,
                                                     service: action.service, host: host, action: name,
                                                     version: action.version, region: nil, timestamp: timestamp,
                                                     payload: request.body)
        guard let expected, parsed.signedHeaders == TencentTC3Signature.signedHeaders,
              request.header("Content-Type") == TencentTC3Signature.contentType,
              parsed.credentialScope == expected.credentialScope,
              Signer.constantTimeEquals(Array(expected.signature.utf8), Array(parsed.signature.utf8)) else {
            return fail("AuthFailure.SignatureFailure",
                        "The provided credentials could not be validated. Please check your signature is correct.")
        }
        guard let body = request.json, body.members != nil else {
            return name == "SendSms"
                ? fail("FailedOperation.JsonParseFail", "The request body is not a JSON object.")
                : fail("FailedOperation.InvalidJsonParameters", "The request body is not a JSON object.")
        }
        if name == "SendSms" {
            return sendSms(body, requestID: requestID, &exchange, &state)
        }
        return sendTtsVoice(body, requestID: requestID, &exchange, &state)
    }

    // MARK: SendSms

    /// Per-number `Code` in `SendStatusSet`: `Ok`,
    /// `InvalidParameterValue.IncorrectPhoneNumber` (not a mainland mobile;
    /// `+86…`, `86…` and 11 digits are read), `LimitExceeded.PhoneNumberThirtySecondLimit`
    /// / `…OneHourLimit` / `…DailyLimit`, `FailedOperation.InsufficientBalanceInSmsPackage`
    /// (balance ran out during the batch). Whole-call errors: `MissingParameter`,
    /// `LimitExceeded.PhoneNumberCountLimit` (over 200 numbers),
    /// `FailedOperation.InsufficientBalanceInSmsPackage` (no balance at all),
    /// `InternalError.Timeout` (not accepted).
    private static func sendSms(_ body: SimulatorJSON, requestID: String, _ exchange: inout GatewayExchange,
                                _ state: inout SimulatorState) -> GatewayReply {
        let sessionContext = body["SessionContext"]?.text.flatMap { $0.isEmpty ? nil : $0 }
        let numbers = body["PhoneNumberSet"]?.arrayValue?.map { $0.text ?? "" } ?? []
        func fail(_ code: String, _ message: String) -> GatewayReply {
            var reply = GatewayReply(errorResponse(code, message, requestID: requestID), action: "SendSms",
                                     outcome: .rejected(code: code))
            reply.recipients = numbers.map(SimulatorRequestRecord.masked)
            reply.deliveryID = sessionContext
            return reply
        }
        for name in ["PhoneNumberSet", "SmsSdkAppId", "TemplateId", "SignName"] where missing(body[name]) {
            return fail("MissingParameter", "The request is missing a required parameter `\(name)`.")
        }
        guard numbers.count <= 200 else {
            return fail("LimitExceeded.PhoneNumberCountLimit", "A request takes at most 200 phone numbers.")
        }
        guard state.canPay(.tencent) else {
            return fail("FailedOperation.InsufficientBalanceInSmsPackage", "Insufficient balance in the SMS package.")
        }
        guard exchange.random.chance(exchange.behaviour.acceptanceRate) else {
            return fail("InternalError.Timeout", "The request timed out inside Tencent Cloud; try again later.")
        }
        let signName = body["SignName"]?.text ?? ""
        let windows = exchange.behaviour.frequencyLimits.tencentSMS
        var statuses: [SimulatorJSON] = []
        var reply = GatewayReply(.json(200, .null), action: "SendSms", outcome: .accepted)
        var firstFailure: String?
        var firstSerial: String?
        for text in numbers {
            let serial = "2433:" + exchange.random.digits(19)
            var code = "Ok", message = "send success"
            if let number = AlibabaAPI.mainlandMobile(text) {
                if let window = state.brokenWindow(product: "tencent.sms", number: number, windows: windows,
                                                   now: exchange.unixNow) {
                    (code, message) = limit(window)
                } else if !state.canPay(.tencent) {
                    (code, message) = ("FailedOperation.InsufficientBalanceInSmsPackage",
                                       "insufficient balance in SMS package")
                } else {
                    state.pay(.tencent)
                    state.countSend(product: "tencent.sms", number: number, windows: windows, now: exchange.unixNow)
                    firstSerial = firstSerial ?? serial
                    reply.callbacks += smsCallbacks(number: number, serial: serial, sessionContext: sessionContext,
                                                    signName: signName, &exchange)
                }
            } else {
                (code, message) = ("InvalidParameterValue.IncorrectPhoneNumber", "invalid mobile number")
            }
            if code != "Ok" { firstFailure = firstFailure ?? code }
            statuses.append(.fields([
                "SerialNo": .string(code == "Ok" ? serial : ""),
                "PhoneNumber": .string(normalized(text)),
                "Fee": .int(code == "Ok" ? 1 : 0),
                "SessionContext": .string(sessionContext ?? ""),
                "Code": .string(code),
                "Message": .string(message),
                "IsoCode": .string("CN"),
            ]))
        }
        reply.response = .json(200, .fields(["Response": .fields(["SendStatusSet": .array(statuses),
                                                                   "RequestId": .string(requestID)])]))
        reply.recipients = numbers.map(SimulatorRequestRecord.masked)
        reply.deliveryID = sessionContext
        reply.gatewayID = firstSerial
        reply.sent = firstSerial != nil
        if !reply.sent { reply.outcome = .rejected(code: firstFailure ?? "Ok") }
        return reply
    }

    /// The status callback for one number, and the reply when the resident answers.
    private static func smsCallbacks(number: String, serial: String, sessionContext: String?, signName: String,
                                     _ exchange: inout GatewayExchange) -> [CallbackPlan] {
        let delivered = exchange.random.chance(exchange.behaviour.deliveryRate)
        let replies = exchange.random.chance(exchange.behaviour.replyRate)
        let replyText = exchange.random.element(of: exchange.behaviour.replyTexts) ?? "1"
        let reportDelay = exchange.callbackDelay(), replyDelay = exchange.callbackDelay()
        var plans: [CallbackPlan] = []
        if let url = exchange.callbackURL(.tencentSmsStatus) {
            var fields: [SimulatorJSON.Member] = [
                .init("user_receive_time", .string(SimulatorTime.beijing(exchange.now.addingTimeInterval(reportDelay)))),
                .init("nationcode", .string("86")),
                .init("mobile", .string(number)),
                .init("report_status", .string(delivered ? "SUCCESS" : "FAIL")),
                .init("errmsg", .string(delivered ? "DELIVRD" : "UNDELIV")),
                .init("description", .string(delivered ? "用户短信送达成功" : "用户短信接收失败")),
                .init("sid", .string(serial)),
            ]
            if exchange.behaviour.tencentStatusEchoesSessionContext {
                fields.append(.init("ext", .string(sessionContext ?? "")))
            }
            plans.append(.post(.tencentSmsStatus, url: url, json: .array([.object(fields)]), delay: reportDelay,
                               deliveryID: sessionContext))
        }
        if delivered, replies, let url = exchange.callbackURL(.tencentSmsReply) {
            let time = exchange.unixNow + Int(reportDelay + replyDelay)
            plans.append(.post(.tencentSmsReply, url: url, json: .fields([
                "extend": .string(""),
                "mobile": .string(number),
                "nationcode": .string("86"),
                "sign": .string(signName),
                "text": .string(replyText),
                "time": .int(time),
            ]), delay: plans.isEmpty ? reportDelay + replyDelay : replyDelay, deliveryID: nil))
        }
        return plans
    }

    // MARK: SendTtsVoice

    /// Errors: `MissingParameter`, `InvalidParameterValue.CalledNumberVerifyFail`
    /// (not a mainland number), `LimitExceeded.DeliveryFrequencyLimit`,
    /// `FailedOperation.InsufficientBalanceInVoicePackage`,
    /// `FailedOperation.AccessUpstreamTimeout` (not accepted).
    private static func sendTtsVoice(_ body: SimulatorJSON, requestID: String, _ exchange: inout GatewayExchange,
                                     _ state: inout SimulatorState) -> GatewayReply {
        let sessionContext = body["SessionContext"]?.text.flatMap { $0.isEmpty ? nil : $0 }
        let called = body["CalledNumber"]?.text ?? ""
        func fail(_ code: String, _ message: String) -> GatewayReply {
            var reply = GatewayReply(errorResponse(code, message, requestID: requestID), action: "SendTtsVoice",
                                     outcome: .rejected(code: code))
            reply.recipients = called.isEmpty ? [] : [SimulatorRequestRecord.masked(called)]
            reply.deliveryID = sessionContext
            return reply
        }
        for name in ["TemplateId", "CalledNumber", "VoiceSdkAppid"] where missing(body[name]) {
            return fail("MissingParameter", "The request is missing a required parameter `\(name)`.")
        }
        guard let phone = try? PhoneNumber(parsing: called), phone.countryCode == "86" else {
            return fail("InvalidParameterValue.CalledNumberVerifyFail", "Called number verification failed.")
        }
        let number = phone.nationalNumber
        let windows = exchange.behaviour.frequencyLimits.tencentVoice
        if state.brokenWindow(product: "tencent.voice", number: number, windows: windows, now: exchange.unixNow) != nil {
            return fail("LimitExceeded.DeliveryFrequencyLimit", "This number was called too often; try again later.")
        }
        guard state.canPay(.tencent) else {
            return fail("FailedOperation.InsufficientBalanceInVoicePackage", "Insufficient balance in the voice package.")
        }
        guard exchange.random.chance(exchange.behaviour.acceptanceRate) else {
            return fail("FailedOperation.AccessUpstreamTimeout", "Timed out reaching the carrier; try again later.")
        }
        let callID = exchange.random.uuid()
        var reply = GatewayReply(.json(200, .fields(["Response": .fields([
            "SendStatus": .fields(["CallId": .string(callID), "SessionContext": .string(sessionContext ?? "")]),
            "RequestId": .string(requestID),
        ])])), action: "SendTtsVoice", outcome: .accepted)
        reply.recipients = [phone.masked]
        reply.deliveryID = sessionContext
        reply.gatewayID = callID
        reply.sent = true
        state.pay(.tencent)
        state.countSend(product: "tencent.voice", number: number, windows: windows, now: exchange.unixNow)

        let call = SimulatedCall.draw(&exchange, collectsKeys: true)
        let delay = exchange.callbackDelay()
        let started = exchange.unixNow + Int(delay)
        let accepted = started + call.ringSeconds
        let ended = accepted + call.talkSeconds
        var timed: [(at: Double, plan: CallbackPlan)] = []
        if let url = exchange.callbackURL(.tencentVoiceKey), let key = call.keyPress {
            timed.append((delay + Double(call.ringSeconds + call.talkSeconds / 2), .post(
                .tencentVoiceKey, url: url, json: .fields(["voicekey_callback": .fields([
                    "call_from": .string(""),
                    "callid": .string(callID),
                    "keypress": .string(key),
                    "mobile": .string(number),
                    "nationcode": .string("86"),
                ])]), delay: 0, deliveryID: sessionContext)))
        }
        if let url = exchange.callbackURL(.tencentVoicePrompt) {
            let result = switch call.failure {
            case nil: "0"
            case .noAnswer: "1"
            case .busy, .unreachable: "2"
            }
            timed.append((delay + Double(call.ringSeconds + call.talkSeconds), .post(
                .tencentVoicePrompt, url: url, json: .fields(["voiceprompt_callback": .fields([
                    "result": .string(result),
                    "accept_time": .string(call.answered ? String(accepted) : "0"),
                    "call_from": .string(""),
                    "callid": .string(callID),
                    "end_calltime": .string(String(call.answered ? ended : accepted)),
                    "fee": .string(call.answered ? "1" : "0"),
                    "mobile": .string(number),
                    "nationcode": .string("86"),
                    "start_calltime": .string(String(started)),
                ])]), delay: 0, deliveryID: sessionContext)))
        }
        reply.callbacks = CallbackPlan.sequence(timed)
        return reply
    }

    // MARK: Helpers

    /// `{"Response":{"Error":{"Code","Message"},"RequestId"}}`, HTTP 200.
    static func errorResponse(_ code: String, _ message: String, requestID: String) -> HTTPServerResponse {
        .json(200, .fields(["Response": .fields([
            "Error": .fields(["Code": .string(code), "Message": .string(message)]),
            "RequestId": .string(requestID),
        ])]))
    }

    static func tooManyRequests(_ random: inout SimulatorRandom) -> HTTPServerResponse {
        var response = errorResponse("RequestLimitExceeded",
                                     "The request frequency exceeds the limit; reduce the frequency of calls.",
                                     requestID: random.uuid())
        response.status = 429
        return response
    }

    private static func missing(_ value: SimulatorJSON?) -> Bool {
        switch value {
        case nil, .null?: true
        case .string(let text)?: text.isEmpty
        case .array(let values)?: values.isEmpty
        default: false
        }
    }

    private static func limit(_ window: SimulatorBehaviour.RateWindow) -> (String, String) {
        if window.seconds <= 30 {
            return ("LimitExceeded.PhoneNumberThirtySecondLimit",
                    "the number of sms messages sent from a single mobile number within 30 seconds exceeds the upper limit")
        }
        if window.seconds <= 3600 {
            return ("LimitExceeded.PhoneNumberOneHourLimit",
                    "the number of sms messages sent from a single mobile number within 1 hour exceeds the upper limit")
        }
        return ("LimitExceeded.PhoneNumberDailyLimit",
                "the number of sms messages sent from a single mobile number every day exceeds the upper limit")
    }

    /// The number as Tencent echoes it: E.164 for a mainland mobile.
    private static func normalized(_ text: String) -> String {
        AlibabaAPI.mainlandMobile(text).map { "+86" + $0 } ?? text
    }

    /// The parts of a TC3 `Authorization` header.
    struct Authorization {
        var secretID: String
        var credentialScope: String
        var signedHeaders: String
        var signature: String

        init?(_ header: String) {
            let prefix = TencentTC3Signature.algorithm + " "
            guard header.hasPrefix(prefix) else { return nil }
            var fields: [String: String] = [:]
            for part in header.dropFirst(prefix.count).split(separator: ",") {
                let piece = part.trimmingCharacters(in: .whitespaces)
                guard let equals = piece.firstIndex(of: "=") else { return nil }
                fields[String(piece[..<equals])] = String(piece[piece.index(after: equals)...])
            }
            guard let credential = fields["Credential"], let signedHeaders = fields["SignedHeaders"],
                  let signature = fields["Signature"], let slash = credential.firstIndex(of: "/") else { return nil }
            secretID = String(credential[..<slash])
            credentialScope = String(credential[credential.index(after: slash)...])
            self.signedHeaders = signedHeaders
            self.signature = signature
        }
    }
}

import Foundation
import HeraldChannels
import HeraldCore
import HeraldHTTP

/// Alibaba Cloud's RPC API on `/` (`GET` with a query, or `POST` with a
/// form body), version 2017-05-25: `SendSms` (dysmsapi), `SingleCallByTts`
/// and `IvrCall` (dyvmsapi).
///
/// Checked in this order, answering in Alibaba's JSON shape
/// `{"RequestId","HostId","Code","Message"}`:
/// - `Version` (400 `InvalidVersion`), `Action` (404 `InvalidAction.NotFound`),
/// - `AccessKeyId` (404 `InvalidAccessKeyId.NotFound`),
/// - `SignatureMethod` `HMAC-SHA1` and `SignatureVersion` `1.0` (400),
/// - `Timestamp` within 15 minutes of the simulator's clock (400
///   `InvalidTimeStamp.Format` / `InvalidTimeStamp.Expired`),
/// - `Signature`, recomputed with `AlibabaRPCSignature` over every
///   parameter but itself (400 `IncompleteSignature` / `SignatureDoesNotMatch`,
///   whose message carries the server's string to sign),
/// - `SignatureNonce` not used in the last 15 minutes (400 `SignatureNonceUsed`),
/// - each action's mandatory parameters (400 `Missing<Name>`).
///
/// Business answers are HTTP 200 `{"RequestId","Code","Message"}`: see
/// `sendSms` and `call`. Success: `{"Code":"OK","Message":"OK","BizId"|"CallId","RequestId"}`.
enum AlibabaAPI {
    static let version = "2017-05-25"
    static let smsHost = "dysmsapi.aliyuncs.com"
    static let voiceHost = "dyvmsapi.aliyuncs.com"
    /// How far `Timestamp` may be from the simulator's clock, and how long a nonce is remembered.
    static let timestampWindowSeconds = 15 * 60
    /// After a failed receipt Alibaba tries again after 1, 5 and 10 minutes.
    static let callbackRetryDelays: [Double] = [60, 300, 600]

    static func handle(_ exchange: inout GatewayExchange, _ state: inout SimulatorState) -> GatewayReply {
        let request = exchange.request
        var parameters: [String: String] = [:]
        for item in request.query { parameters[item.name] = item.value }
        if request.method == "POST" {
            for item in request.formItems { parameters[item.name] = item.value }
        }
        let action = parameters["Action"] ?? ""
        let requestID = exchange.random.uuid(uppercase: true)
        let host = action == "SendSms" ? smsHost : voiceHost
        func fail(_ status: Int, _ code: String, _ message: String) -> GatewayReply {
            GatewayReply(.json(status, .fields(["RequestId": .string(requestID), "HostId": .string(host),
                                                "Code": .string(code), "Message": .string(message)])),
                         action: action.isEmpty ? "unknown" : action, outcome: .rejected(code: code))
        }

        guard let version = parameters["Version"] else {
            return fail(400, "MissingVersion", "Version is mandatory for this action.")
        }
        guard version == self.version else {
            return fail(400, "InvalidVersion", "Specified parameter Version is not valid.")
        }
        guard !action.isEmpty else { return fail(400, "MissingAction", "Action is mandatory for this action.") }
        guard ["SendSms", "SingleCallByTts", "IvrCall"].contains(action) else {
            return fail(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
        }
        guard let accessKeyID = parameters["AccessKeyId"] else {
            return fail(400, "MissingAccessKeyId", "AccessKeyId is mandatory for this action.")
        }
        guard accessKeyID == exchange.credentials.alibabaAccessKeyID else {
            return fail(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        }
        guard parameters["SignatureMethod"] == "HMAC-SHA1" else {
            return fail(400, "InvalidSignatureMethod", "Specified signature method is not valid; use HMAC-SHA1.")
        }
        guard parameters["SignatureVersion"] == "1.0" else {
            return fail(400, "InvalidSignatureVersion", "Specified signature version is not valid; use 1.0.")
        }
        guard let timestampText = parameters["Timestamp"] else {
            return fail(400, "MissingTimestamp", "Timestamp is mandatory for this action.")
        }
        guard let timestamp = SimulatorTime.parseISO8601(timestampText) else {
            return fail(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.")
        }
        guard abs(timestamp - exchange.unixNow) <= timestampWindowSeconds else {
            return fail(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
        }
        guard let nonce = parameters["SignatureNonce"], !nonce.isEmpty else {
            return fail(400, "MissingSignatureNonce", "SignatureNonce is mandatory for this action.")
        }
        guard let signature = parameters["Signature"], !signature.isEmpty else {
            return fail(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.")
        }
        let method: HTTPMethod = request.method == "GET" ? .get : .post
        guard let expected = try? AlibabaRPCSignature.sign(method: method, parameters: parameters,
                                                           accessKeySecret: exchange.credentials.alibabaAccessKeySecret)
        else {
            return fail(500, "InternalError", "The simulator could not compute the signature (libcrypto failed).")
        }
        guard Signer.constantTimeEquals(Array(expected.signature.utf8), Array(signature.utf8)) else {
            return fail(400, "SignatureDoesNotMatch",
                        "Specified signature is not matched with our calculation. server string to sign is:"
                            + expected.stringToSign)
        }
        guard state.useNonce(nonce, now: exchange.unixNow, window: timestampWindowSeconds) else {
            return fail(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
        }

        let mandatory: [String] = switch action {
        case "SendSms": ["PhoneNumbers", "SignName", "TemplateCode"]
        case "SingleCallByTts": ["CalledNumber", "TtsCode"]
        default: ["CalledShowNumber", "CalledNumber", "StartCode", "MenuKeyMap.1.Key"]
        }
        for name in mandatory where (parameters[name] ?? "").isEmpty {
            let shown = name.hasPrefix("MenuKeyMap") ? "MenuKeyMap" : name
            return fail(400, "Missing" + shown, "\(shown) is mandatory for this action.")
        }
        if action == "SendSms" {
            return sendSms(parameters, requestID: requestID, &exchange, &state)
        }
        return call(action, parameters, requestID: requestID, &exchange, &state)
    }

    // MARK: SendSms

    /// `SendSms`: `isv.MOBILE_NUMBER_ILLEGAL` (a number in `PhoneNumbers`
    /// is not a mainland mobile, with or without `+86`/`0086`/`86`),
    /// `isv.SMS_SIGNATURE_ILLEGAL` / `isv.SMS_TEMPLATE_ILLEGAL` (not in the
    /// configured sign names or templates), `isv.INVALID_JSON_PARAM`
    /// (`TemplateParam` is not a JSON object of strings),
    /// `isv.TEMPLATE_MISSING_PARAMETERS` (a configured template's variable is
    /// missing), `isv.BUSINESS_LIMIT_CONTROL` (per-number limit),
    /// `isv.AMOUNT_NOT_ENOUGH` (balance), `isp.SYSTEM_ERROR` (not accepted).
    private static func sendSms(_ parameters: [String: String], requestID: String,
                                _ exchange: inout GatewayExchange, _ state: inout SimulatorState) -> GatewayReply {
        let outID = parameters["OutId"].flatMap { $0.isEmpty ? nil : $0 }
        let entries = (parameters["PhoneNumbers"] ?? "").split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        func business(_ code: String, _ message: String) -> GatewayReply {
            var reply = GatewayReply(.json(200, .fields(["RequestId": .string(requestID), "Code": .string(code),
                                                         "Message": .string(message)])),
                                     action: "SendSms", outcome: .rejected(code: code))
            reply.recipients = entries.map(SimulatorRequestRecord.masked)
            reply.deliveryID = outID
            return reply
        }
        var numbers: [String] = []
        for entry in entries {
            guard let number = mainlandMobile(entry) else { return business("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号") }
            numbers.append(number)
        }
        let behaviour = exchange.behaviour
        let signName = parameters["SignName"] ?? ""
        if !behaviour.alibabaSignNames.isEmpty, !behaviour.alibabaSignNames.contains(signName) {
            return business("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
        }
        let templateCode = parameters["TemplateCode"] ?? ""
        var variables: [SimulatorJSON.Member] = []
        if let text = parameters["TemplateParam"], !text.isEmpty {
            guard let members = SimulatorJSON.parse(text)?.members,
                  members.allSatisfy({ $0.value.stringValue != nil }) else {
                return business("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
            }
            variables = members
        }
        if !behaviour.alibabaTemplates.isEmpty {
            guard let needed = behaviour.alibabaTemplates[templateCode] else {
                return business("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
            }
            let given = Set(variables.filter { !($0.value.stringValue ?? "").isEmpty }.map(\.name))
            guard needed.allSatisfy(given.contains) else {
                return business("isv.TEMPLATE_MISSING_PARAMETERS", "模板缺少变量")
            }
        }
        let windows = behaviour.frequencyLimits.alibabaSMS
        for number in numbers {
            if let window = state.brokenWindow(product: "alibaba.sms", number: number, windows: windows,
                                               now: exchange.unixNow) {
                return business("isv.BUSINESS_LIMIT_CONTROL", limitMessage(window))
            }
        }
        guard state.canPay(.alibaba, count: numbers.count) else {
            return business("isv.AMOUNT_NOT_ENOUGH", "账户余额不足")
        }
        guard exchange.random.chance(behaviour.acceptanceRate) else {
            return business("isp.SYSTEM_ERROR", "系统错误")
        }

        let bizID = exchange.random.digits(15) + "^0"
        var reply = GatewayReply(.json(200, .fields(["Code": .string("OK"), "Message": .string("OK"),
                                                     "BizId": .string(bizID), "RequestId": .string(requestID)])),
                                 action: "SendSms", outcome: .accepted)
        reply.recipients = numbers.map(SimulatorRequestRecord.masked)
        reply.deliveryID = outID
        reply.gatewayID = bizID
        reply.sent = true
        state.pay(.alibaba, count: numbers.count)
        for number in numbers {
            state.countSend(product: "alibaba.sms", number: number, windows: windows, now: exchange.unixNow)
            reply.callbacks += smsCallbacks(number: number, bizID: bizID, outID: outID, signName: signName,
                                            &exchange)
        }
        return reply
    }

    /// `SmsReport` for one number, and `SmsUp` when the resident replies.
    private static func smsCallbacks(number: String, bizID: String, outID: String?, signName: String,
                                     _ exchange: inout GatewayExchange) -> [CallbackPlan] {
        let delivered = exchange.random.chance(exchange.behaviour.deliveryRate)
        let replies = exchange.random.chance(exchange.behaviour.replyRate)
        let replyText = exchange.random.element(of: exchange.behaviour.replyTexts) ?? "1"
        let sequenceID = exchange.random.digits(10)
        let reportDelay = exchange.callbackDelay(), replyDelay = exchange.callbackDelay()
        var plans: [CallbackPlan] = []
        let sendTime = SimulatorTime.beijing(exchange.now)
        if let url = exchange.callbackURL(.alibabaSmsReport) {
            let report = SimulatorJSON.fields([
                "phone_number": .string(number),
                "send_time": .string(sendTime),
                "report_time": .string(SimulatorTime.beijing(exchange.now.addingTimeInterval(reportDelay))),
                "success": .bool(delivered),
                "err_code": .string(delivered ? "DELIVERED" : "MK:0001"),
                "err_msg": .string(delivered ? "用户接收成功" : "用户接收失败"),
                "sms_size": .string("1"),
                "biz_id": .string(bizID),
                "out_id": .string(outID ?? ""),
            ])
            var plan = CallbackPlan.post(.alibabaSmsReport, url: url, json: .array([report]), delay: reportDelay,
                                         deliveryID: outID)
            plan.retryDelaysSeconds = callbackRetryDelays
            plans.append(plan)
        }
        if delivered, replies, let url = exchange.callbackURL(.alibabaSmsUp) {
            let up = SimulatorJSON.fields([
                "phone_number": .string(number),
                "send_time": .string(SimulatorTime.beijing(exchange.now.addingTimeInterval(reportDelay + replyDelay))),
                "content": .string(replyText),
                "sign_name": .string(signName),
                "dest_code": .string(""),
                "sequence_id": .number(sequenceID),
            ])
            var plan = CallbackPlan.post(.alibabaSmsUp, url: url, json: .array([up]),
                                         delay: plans.isEmpty ? reportDelay + replyDelay : replyDelay, deliveryID: nil)
            plan.retryDelaysSeconds = callbackRetryDelays
            plans.append(plan)
        }
        return plans
    }

    // MARK: Voice

    /// `SingleCallByTts` and `IvrCall`: `isv.MOBILE_NUMBER_ILLEGAL`
    /// (`CalledNumber` is not a mainland number), `isv.BUSINESS_LIMIT_CONTROL`
    /// (per-callee limit), `isv.AMOUNT_NOT_ENOUGH`, `isp.SYSTEM_ERROR`.
    /// `SingleCallByTts` collects no keys; `IvrCall` reports the key in `dtmf`.
    private static func call(_ action: String, _ parameters: [String: String], requestID: String,
                             _ exchange: inout GatewayExchange, _ state: inout SimulatorState) -> GatewayReply {
        let outID = parameters["OutId"].flatMap { $0.isEmpty ? nil : $0 }
        let called = parameters["CalledNumber"] ?? ""
        func business(_ code: String, _ message: String) -> GatewayReply {
            var reply = GatewayReply(.json(200, .fields(["RequestId": .string(requestID), "Code": .string(code),
                                                         "Message": .string(message)])),
                                     action: action, outcome: .rejected(code: code))
            reply.recipients = [SimulatorRequestRecord.masked(called)]
            reply.deliveryID = outID
            return reply
        }
        guard let phone = try? PhoneNumber(parsing: called), phone.countryCode == "86",
              called.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return business("isv.MOBILE_NUMBER_ILLEGAL", "号码格式非法")
        }
        let number = phone.nationalNumber
        let windows = exchange.behaviour.frequencyLimits.alibabaVoice
        if let window = state.brokenWindow(product: "alibaba.voice", number: number, windows: windows,
                                           now: exchange.unixNow) {
            return business("isv.BUSINESS_LIMIT_CONTROL", limitMessage(window))
        }
        guard state.canPay(.alibaba) else { return business("isv.AMOUNT_NOT_ENOUGH", "账户余额不足") }
        guard exchange.random.chance(exchange.behaviour.acceptanceRate) else {
            return business("isp.SYSTEM_ERROR", "系统错误")
        }

        let callID = exchange.random.digits(12) + "^" + exchange.random.digits(12)
        var reply = GatewayReply(.json(200, .fields(["Code": .string("OK"), "Message": .string("OK"),
                                                     "CallId": .string(callID), "RequestId": .string(requestID)])),
                                 action: action, outcome: .accepted)
        reply.recipients = [phone.masked]
        reply.deliveryID = outID
        reply.gatewayID = callID
        reply.sent = true
        state.pay(.alibaba)
        state.countSend(product: "alibaba.voice", number: number, windows: windows, now: exchange.unixNow)

        let call = SimulatedCall.draw(&exchange, collectsKeys: action == "IvrCall")
        let delay = exchange.callbackDelay()
        guard let url = exchange.callbackURL(.alibabaVoiceReport) else { return reply }
        let started = exchange.now.addingTimeInterval(delay + Double(call.ringSeconds))
        let ended = started.addingTimeInterval(Double(call.talkSeconds))
        let (code, message): (String, String) = switch call.failure {
        case nil: ("200000", "用户听完语音")
        case .noAnswer: ("200003", "用户收到呼叫但未接听")
        case .busy: ("200002", "用户占线")
        case .unreachable: ("200005", "被叫用户无法接通")
        }
        let report = SimulatorJSON.fields([
            "call_id": .string(callID),
            "start_time": .string(call.answered ? SimulatorTime.beijing(started) : ""),
            "end_time": .string(call.answered ? SimulatorTime.beijing(ended) : ""),
            "duration": .string(String(call.talkSeconds)),
            "status_code": .string(code),
            "status_msg": .string(message),
            "out_id": .string(outID ?? ""),
            "caller": .string(parameters["CalledShowNumber"] ?? ""),
            "callee": .string(number),
            "hangup_direction": .string(call.answered ? "机器" : ""),
            "dtmf": .string(call.keyPress ?? ""),
        ])
        var plan = CallbackPlan.post(.alibabaVoiceReport, url: url, json: .array([report]),
                                     delay: delay + Double(call.ringSeconds + call.talkSeconds), deliveryID: outID)
        plan.retryDelaysSeconds = callbackRetryDelays
        reply.callbacks = [plan]
        return reply
    }

    // MARK: Helpers

    /// The 11-digit mainland mobile in `text`, which may start `+86`,
    /// `0086` or `86` (Alibaba's accepted forms), or nil.
    static func mainlandMobile(_ text: String) -> String? {
        var digits = Substring(text)
        if digits.hasPrefix("+86") {
            digits = digits.dropFirst(3)
        } else if digits.hasPrefix("0086") {
            digits = digits.dropFirst(4)
        } else if digits.hasPrefix("86"), digits.count == 13 {
            digits = digits.dropFirst(2)
        }
        let bytes = Array(digits.utf8)
        guard bytes.count == 11, bytes[0] == UInt8(ascii: "1"),
              (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(bytes[1]),
              bytes.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return String(digits)
    }

    /// Alibaba's frequency-control message for the window that was hit.
    static func limitMessage(_ window: SimulatorBehaviour.RateWindow) -> String {
        let scale = window.seconds <= 60 ? "分钟级" : window.seconds <= 3600 ? "小时级" : "天级"
        return "触发\(scale)流控Permits:\(window.count)"
    }

    /// Alibaba's answer to an account over its API call rate.
    static func tooManyRequests(_ random: inout SimulatorRandom) -> HTTPServerResponse {
        .json(429, .fields(["RequestId": .string(random.uuid(uppercase: true)), "HostId": .string(smsHost),
                            "Code": .string("Throttling.User"),
                            "Message": .string("Request was denied due to user flow control.")]))
    }
}

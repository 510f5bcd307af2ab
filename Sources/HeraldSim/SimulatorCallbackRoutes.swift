import Foundation

/// Which callback a gateway sends to Herald.
public enum SimulatorCallbackKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Kannel delivery report: `GET` of the request's own `dlr-url`.
    case kannelDeliveryReport = "kannel.dlr"
    /// Kannel reply (MO) through an `sms-service` `get-url`.
    case kannelReply = "kannel.mo"
    /// Alibaba `SmsReport` (JSON array).
    case alibabaSmsReport = "alibaba.sms-report"
    /// Alibaba `SmsUp` (JSON array).
    case alibabaSmsUp = "alibaba.sms-up"
    /// Alibaba `VoiceReport` (JSON array).
    case alibabaVoiceReport = "alibaba.voice-report"
    /// Tencent SMS status (JSON array).
    case tencentSmsStatus = "tencent.sms-status"
    /// Tencent SMS reply (JSON object).
    case tencentSmsReply = "tencent.sms-reply"
    /// Tencent `voiceprompt_callback` (call result).
    case tencentVoicePrompt = "tencent.voiceprompt"
    /// Tencent `voicekey_callback` (key press).
    case tencentVoiceKey = "tencent.voicekey"
    /// A mini-program sign-up, signed with `WebhookSignature`.
    case webhookSignup = "webhook.signup"

    public var gateway: SimulatedGateway {
        switch self {
        case .kannelDeliveryReport, .kannelReply: .kannel
        case .alibabaSmsReport, .alibabaSmsUp, .alibabaVoiceReport: .alibaba
        case .tencentSmsStatus, .tencentSmsReply, .tencentVoicePrompt, .tencentVoiceKey: .tencent
        case .webhookSignup: .wechat
        }
    }

    /// This kind's row of `SimulatorCallbackRoutes.table`.
    public var route: SimulatorCallbackRoutes.Route {
        SimulatorCallbackRoutes.table.first { $0.kind == self }!
    }
}

/// Where the simulated gateways call Herald back: the one table of callback
/// paths, which Herald's server implements. Paths are relative to the
/// configured callback base URL; `{pathSecret}` is
/// `SimulatorCredentials.callbackPathSecret`.
///
/// | kind | method | path | body |
/// | --- | --- | --- | --- |
/// | kannel.dlr | GET | the request's `dlr-url` (Herald's adapter uses `/callbacks/kannel/dlr?delivery=ID&status=%d&ts=%T&smscid=%F`) | none |
/// | kannel.mo | GET | `/callbacks/kannel/mo?from=%p&to=%P&text=%a` | none |
/// | alibaba.sms-report | POST | `/callbacks/alibaba/{pathSecret}/sms-report` | JSON array |
/// | alibaba.sms-up | POST | `/callbacks/alibaba/{pathSecret}/sms-up` | JSON array |
/// | alibaba.voice-report | POST | `/callbacks/alibaba/{pathSecret}/voice-report` | JSON array |
/// | tencent.sms-status | POST | `/callbacks/tencent/{pathSecret}/sms-status` | JSON array |
/// | tencent.sms-reply | POST | `/callbacks/tencent/{pathSecret}/sms-reply` | JSON object |
/// | tencent.voiceprompt, tencent.voicekey | POST | `/callbacks/tencent/{pathSecret}/voice` | JSON object |
/// | webhook.signup | POST | `/callbacks/webhook/signup` | JSON object, `X-Herald-Timestamp`/`X-Herald-Signature` |
public enum SimulatorCallbackRoutes {
    /// One row of the table.
    public struct Route: Sendable, Hashable {
        public let kind: SimulatorCallbackKind
        public let method: String
        /// The path with `{pathSecret}` and, for Kannel MO, Kannel's `%`
        /// escapes still in it. Empty for Kannel delivery reports, whose URL
        /// comes from the request.
        public let path: String
        /// What the body is, in words.
        public let body: String
    }

    public static let table: [Route] = [
        Route(kind: .kannelDeliveryReport, method: "GET", path: "",
              body: "none: Kannel fetches the dlr-url given with the message, escapes (%d %T %p %P %A %F %I) filled in"),
        Route(kind: .kannelReply, method: "GET", path: "/callbacks/kannel/mo?from=%p&to=%P&text=%a",
              body: "none: from = resident, to = the short code, text = the reply"),
        Route(kind: .alibabaSmsReport, method: "POST", path: "/callbacks/alibaba/{pathSecret}/sms-report",
              body: "JSON array of {phone_number, send_time, report_time, success, err_code, err_msg, sms_size, biz_id, out_id}"),
        Route(kind: .alibabaSmsUp, method: "POST", path: "/callbacks/alibaba/{pathSecret}/sms-up",
              body: "JSON array of {phone_number, send_time, content, sign_name, dest_code, sequence_id}"),
        Route(kind: .alibabaVoiceReport, method: "POST", path: "/callbacks/alibaba/{pathSecret}/voice-report",
              body: "JSON array of {call_id, start_time, end_time, duration, status_code, status_msg, out_id, "
                  + "caller, callee, hangup_direction, dtmf}"),
        Route(kind: .tencentSmsStatus, method: "POST", path: "/callbacks/tencent/{pathSecret}/sms-status",
              body: "JSON array of {user_receive_time, nationcode, mobile, report_status, errmsg, description, sid}"),
        Route(kind: .tencentSmsReply, method: "POST", path: "/callbacks/tencent/{pathSecret}/sms-reply",
              body: "JSON {extend, mobile, nationcode, sign, text, time}"),
        Route(kind: .tencentVoicePrompt, method: "POST", path: "/callbacks/tencent/{pathSecret}/voice",
              body: "JSON {voiceprompt_callback: {result, accept_time, call_from, callid, end_calltime, fee, mobile, "
                  + "nationcode, start_calltime}}"),
        Route(kind: .tencentVoiceKey, method: "POST", path: "/callbacks/tencent/{pathSecret}/voice",
              body: "JSON {voicekey_callback: {call_from, callid, keypress, mobile, nationcode}}"),
        Route(kind: .webhookSignup, method: "POST", path: "/callbacks/webhook/signup",
              body: "JSON {delivery_id, openid, action: \"signup\"}, signed with WebhookSignature"),
    ]

    /// The URL of `kind` under `base`, with `{pathSecret}` filled in and any
    /// Kannel escapes left. Nil for Kannel delivery reports.
    public static func url(_ kind: SimulatorCallbackKind, base: String, pathSecret: String) -> String? {
        let route = kind.route
        guard !route.path.isEmpty else { return nil }
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        return trimmed + route.path.replacingOccurrences(of: "{pathSecret}", with: pathSecret)
    }
}

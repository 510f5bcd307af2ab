import Foundation

/// Reads each gateway's callbacks into `Receipt`s. Pure: the HTTP layer hands
/// over the query items or body; nothing here touches the network or disk.
///
/// Unknown fields are kept in `raw`; a callback that is not in the expected
/// shape throws a `ReceiptError` saying what is missing, so the server can
/// answer 400 and record it.
public enum ReceiptParser {
    /// Kannel's dlr-url fetch: `delivery`, `status` (%d), `ts`, `smscid`.
    public static func kannelReport(query: [String: String]) throws(ReceiptError) -> Receipt {
        guard let delivery = query["delivery"].flatMap(Int64.init) else { throw .missing("delivery", in: "Kannel report") }
        guard let status = query["status"].flatMap(Int.init) else { throw .missing("status", in: "Kannel report") }
        let event: Receipt.Event = switch status {
        case 1: .delivered
        case 2: .failed("not delivered to the phone (Kannel report 2)")
        case 16: .failed("the SMSC rejected the message (Kannel report 16)")
        default: .acceptedBySMSC  // 4 queued on the SMSC, 8 delivered to the SMSC
        }
        return Receipt(gateway: "kannel", channel: "sms", reference: .delivery(delivery), event: event,
                       raw: masked(query, phoneKeys: ["from", "to"]))
    }

    /// Kannel's MO get-url: `from` (%p) and `text` (%a).
    public static func kannelReply(query: [String: String]) throws(ReceiptError) -> Receipt {
        guard let from = query["from"], let phone = try? PhoneNumber(parsing: from) else {
            throw .missing("from (a phone number)", in: "Kannel reply")
        }
        return Receipt(gateway: "kannel", channel: "sms", reference: .sender(phone), event: .reply(query["text"] ?? ""),
                       raw: masked(query, phoneKeys: ["from", "to"]))
    }

    /// Alibaba `SmsReport`: a JSON array of reports.
    public static func alibabaSMSReports(_ body: [UInt8]) throws(ReceiptError) -> [Receipt] {
        try objects(body, "Alibaba SmsReport").map { (fields) throws(ReceiptError) -> Receipt in
            let success = fields["success"] == "true" || fields["success"] == "1"
            let event: Receipt.Event = success ? .delivered
                : .failed([fields["err_code"], fields["err_msg"]].compactMap { $0 }.joined(separator: " "))
            return Receipt(gateway: "alibaba", channel: "sms", reference: try reference(outID: fields["out_id"], gatewayID: fields["biz_id"], "Alibaba SmsReport"),
                           event: event, raw: masked(fields, phoneKeys: ["phone_number"]))
        }
    }

    /// Alibaba `SmsUp`: a JSON array of replies.
    public static func alibabaSMSReplies(_ body: [UInt8]) throws(ReceiptError) -> [Receipt] {
        try objects(body, "Alibaba SmsUp").map { (fields) throws(ReceiptError) -> Receipt in
            guard let number = fields["phone_number"], let phone = try? PhoneNumber(parsing: number) else {
                throw .missing("phone_number", in: "Alibaba SmsUp")
            }
            return Receipt(gateway: "alibaba", channel: "sms", reference: .sender(phone), event: .reply(fields["content"] ?? ""),
                           raw: masked(fields, phoneKeys: ["phone_number"]))
        }
    }

    /// Alibaba `VoiceReport`: answered or not, and the key pressed (`dtmf`).
    public static func alibabaVoiceReports(_ body: [UInt8]) throws(ReceiptError) -> [Receipt] {
        var receipts: [Receipt] = []
        for fields in try objects(body, "Alibaba VoiceReport") {
            let reference = try reference(outID: fields["out_id"], gatewayID: fields["call_id"], "Alibaba VoiceReport")
            let raw = masked(fields, phoneKeys: ["callee", "caller"])
            let answered = fields["status_code"] == "200000"
            receipts.append(Receipt(gateway: "alibaba", channel: "voice", reference: reference,
                                    event: answered ? .answered : .notAnswered(
                                        [fields["status_code"], fields["status_msg"]].compactMap { $0 }.joined(separator: " ")),
                                    raw: raw))
            if answered, let key = fields["dtmf"], !key.isEmpty {
                receipts.append(Receipt(gateway: "alibaba", channel: "voice", reference: reference, event: .keyPress(key), raw: raw))
            }
        }
        return receipts
    }

    /// Tencent SMS status callback: a JSON array; `sid` is the SerialNo.
    public static func tencentSMSStatus(_ body: [UInt8]) throws(ReceiptError) -> [Receipt] {
        try objects(body, "Tencent SMS status").map { (fields) throws(ReceiptError) -> Receipt in
            guard let sid = fields["sid"], !sid.isEmpty else { throw .missing("sid", in: "Tencent SMS status") }
            let event: Receipt.Event = fields["report_status"] == "SUCCESS" ? .delivered
                : .failed([fields["errmsg"], fields["description"]].compactMap { $0 }.joined(separator: " "))
            return Receipt(gateway: "tencent", channel: "sms", reference: .gatewayID(sid), event: event,
                           raw: masked(fields, phoneKeys: ["mobile"]))
        }
    }

    /// Tencent SMS reply callback: one object.
    public static func tencentSMSReply(_ body: [UInt8]) throws(ReceiptError) -> Receipt {
        guard let fields = try objects(body, "Tencent SMS reply").first else { throw .missing("a reply", in: "Tencent SMS reply") }
        let number = (fields["nationcode"].map { "+" + $0 } ?? "") + (fields["mobile"] ?? "")
        guard let phone = try? PhoneNumber(parsing: number) else { throw .missing("mobile", in: "Tencent SMS reply") }
        return Receipt(gateway: "tencent", channel: "sms", reference: .sender(phone), event: .reply(fields["text"] ?? ""),
                       raw: masked(fields, phoneKeys: ["mobile"]))
    }

    /// Tencent voice callbacks: `voiceprompt_callback` (result) or `voicekey_callback` (keypress).
    public static func tencentVoice(_ body: [UInt8]) throws(ReceiptError) -> Receipt {
        guard let object = try? JSONDecoder().decode([String: [String: CallbackScalar]].self, from: Data(body)) else {
            throw .malformed("Tencent voice callback is not a JSON object of objects")
        }
        if let prompt = object["voiceprompt_callback"] {
            let fields = prompt.compactMapValues(\.text)
            guard let call = fields["callid"] else { throw .missing("callid", in: "Tencent voiceprompt_callback") }
            let event: Receipt.Event = switch fields["result"] {
            case "0": .answered
            case "1": .notAnswered("no answer")
            default: .notAnswered("busy or unreachable (result \(fields["result"] ?? "?"))")
            }
            return Receipt(gateway: "tencent", channel: "voice", reference: .gatewayID(call), event: event,
                           raw: masked(fields, phoneKeys: ["mobile", "call_from"]))
        }
        if let key = object["voicekey_callback"] {
            let fields = key.compactMapValues(\.text)
            guard let call = fields["callid"] else { throw .missing("callid", in: "Tencent voicekey_callback") }
            return Receipt(gateway: "tencent", channel: "voice", reference: .gatewayID(call),
                           event: .keyPress(fields["keypress"] ?? ""), raw: masked(fields, phoneKeys: ["mobile", "call_from"]))
        }
        throw .malformed("Tencent voice callback has neither voiceprompt_callback nor voicekey_callback")
    }

    /// The mini program's sign-up webhook: `{"delivery_id", "openid", "action": "signup" | "cancel"}`.
    public static func miniProgramSignUp(_ body: [UInt8]) throws(ReceiptError) -> Receipt {
        guard let fields = try objects(body, "sign-up").first else { throw .missing("a body", in: "sign-up") }
        guard let delivery = fields["delivery_id"].flatMap(Int64.init) else { throw .missing("delivery_id", in: "sign-up") }
        let event: Receipt.Event
        switch fields["action"] ?? "signup" {
        case "signup": event = .signUp
        case "cancel": event = .cancelSignUp
        case let other: throw .malformed("sign-up action must be signup or cancel; got '\(other)'")
        }
        return Receipt(gateway: "webhook", channel: "push", reference: .delivery(delivery), event: event, raw: fields)
    }

    // MARK: - Helpers

    private static func reference(outID: String?, gatewayID: String?, _ what: String) throws(ReceiptError) -> Receipt.Reference {
        if let outID, let delivery = Int64(outID) { return .delivery(delivery) }
        if let gatewayID, !gatewayID.isEmpty { return .gatewayID(gatewayID) }
        throw .missing("out_id or the gateway's id", in: what)
    }

    /// A JSON array of objects (or one object) as string fields.
    private static func objects(_ body: [UInt8], _ what: String) throws(ReceiptError) -> [[String: String]] {
        let data = Data(body)
        let decoder = JSONDecoder()
        if let array = try? decoder.decode([[String: CallbackScalar]].self, from: data) {
            return array.map { $0.compactMapValues(\.text) }
        }
        if let object = try? decoder.decode([String: CallbackScalar].self, from: data) {
            return [object.compactMapValues(\.text)]
        }
        throw .malformed("\(what) is neither a JSON object nor an array of objects")
    }

    /// The fields with every phone number masked, for the event log.
    static func masked(_ fields: [String: String], phoneKeys: Set<String>) -> [String: String] {
        var fields = fields
        for key in phoneKeys {
            guard let value = fields[key], !value.isEmpty else { continue }
            fields[key] = (try? PhoneNumber(parsing: value))?.masked ?? String(repeating: "*", count: min(value.count, 4))
        }
        return fields
    }
}

/// A callback Herald could not read.
public struct ReceiptError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public static func missing(_ field: String, in what: String) -> ReceiptError {
        ReceiptError(message: "\(what): \(field) is missing or unreadable")
    }

    public static func malformed(_ message: String) -> ReceiptError { ReceiptError(message: message) }

    public var description: String { message }
}

/// One JSON value of a callback, read as text: strings as they are, numbers
/// and booleans spelled out; objects, arrays and null are not fields.
struct CallbackScalar: Decodable {
    let text: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
        } else if let bool = try? container.decode(Bool.self) {
            text = bool ? "true" : "false"
        } else if let integer = try? container.decode(Int64.self) {
            text = String(integer)
        } else if let number = try? container.decode(Double.self) {
            text = String(number)
        } else {
            text = nil
        }
    }
}

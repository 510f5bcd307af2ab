import Foundation
import HeraldCore

/// One gateway request as the simulator saw and answered it.
///
/// Phone numbers are kept only masked (`+86 138****5678`): the log can be
/// printed and served on `/sim/requests` without leaking a resident's number.
public struct SimulatorRequestRecord: Sendable, Hashable, Encodable {
    /// 1 for the first gateway request since start or `reset()`.
    public var sequence: Int
    /// The simulator clock's time when the request arrived.
    public var time: Date
    public var gateway: SimulatedGateway
    /// `sendsms`, `SendSms`, `IvrCall`, `SingleCallByTts`, `SendTtsVoice`,
    /// `token`, `subscribe.send`, `webhook`, `generic.send`.
    public var action: String
    /// Who the message was for: masked numbers, or openids.
    public var recipients: [String]
    /// Herald's delivery id the request carried (Kannel dlr-url `delivery`,
    /// Alibaba `OutId`, Tencent `SessionContext`, WeChat page `?delivery=`,
    /// webhook and generic `delivery_id`/`ref`).
    public var deliveryID: String?
    public var outcome: SimulatorOutcome
    /// A fault that hit after the gateway processed the request.
    public var fault: SimulatorFault?
    /// Whether the message reached the resident's side (accepted, whatever
    /// happened to the answer afterwards).
    public var sent: Bool
    /// The HTTP status answered; nil when none was (dropped, or held until stop).
    public var status: Int?
    /// The gateway's id for the message: BizId, CallId, SerialNo, msgid…
    public var gatewayID: String?
    /// Milliseconds the answer was held back (latency or timeout hold).
    public var delayMilliseconds: Int

    public init(sequence: Int, time: Date, gateway: SimulatedGateway, action: String, recipients: [String],
                deliveryID: String?, outcome: SimulatorOutcome, fault: SimulatorFault?, sent: Bool, status: Int?,
                gatewayID: String?, delayMilliseconds: Int) {
        self.sequence = sequence
        self.time = time
        self.gateway = gateway
        self.action = action
        self.recipients = recipients
        self.deliveryID = deliveryID
        self.outcome = outcome
        self.fault = fault
        self.sent = sent
        self.status = status
        self.gatewayID = gatewayID
        self.delayMilliseconds = delayMilliseconds
    }

    private enum CodingKeys: String, CodingKey {
        case sequence, time, gateway, action, recipients, deliveryID = "delivery_id", outcome, fault, sent, status
        case gatewayID = "gateway_id", delayMilliseconds = "delay_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(SimulatorTime.iso8601Milliseconds(time), forKey: .time)
        try container.encode(gateway, forKey: .gateway)
        try container.encode(action, forKey: .action)
        try container.encode(recipients, forKey: .recipients)
        try container.encodeIfPresent(deliveryID, forKey: .deliveryID)
        try container.encode(outcome.label, forKey: .outcome)
        try container.encodeIfPresent(fault?.label, forKey: .fault)
        try container.encode(sent, forKey: .sent)
        try container.encodeIfPresent(status, forKey: .status)
        try container.encodeIfPresent(gatewayID, forKey: .gatewayID)
        try container.encode(delayMilliseconds, forKey: .delayMilliseconds)
    }

    /// A number as it may be logged: masked when it parses, otherwise only
    /// its last two characters.
    static func masked(_ number: String) -> String {
        if let phone = try? PhoneNumber(parsing: number) { return phone.masked }
        let tail = number.count > 2 ? String(number.suffix(2)) : ""
        return "****" + tail + " (unparsable)"
    }

    static func masked(_ phone: PhoneNumber) -> String { phone.masked }
}

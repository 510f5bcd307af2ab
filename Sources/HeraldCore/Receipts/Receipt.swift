/// One thing a gateway or the mini program told Herald about a message: a
/// delivery report, a call result, a key press, an SMS reply, a sign-up.
public struct Receipt: Sendable, Hashable {
    /// How the receipt names the message it is about.
    public enum Reference: Sendable, Hashable {
        /// Herald's delivery id, echoed by the gateway (dlr-url, OutId, webhook).
        case delivery(Int64)
        /// The gateway's own id for the send (Alibaba BizId/CallId, Tencent SerialNo/CallId).
        case gatewayID(String)
        /// Only the resident's number: an SMS reply. The latest SMS delivery to
        /// that resident is meant.
        case sender(PhoneNumber)
    }

    public enum Event: Sendable, Hashable {
        /// The operator's SMSC took the SMS (Kannel report 8).
        case acceptedBySMSC
        /// On the resident's phone.
        case delivered
        /// Will not arrive; the reason in the gateway's words.
        case failed(String)
        /// The resident picked up the call.
        case answered
        /// No answer, busy or unreachable.
        case notAnswered(String)
        /// A key pressed during a call ("1" sign up, "2" decline).
        case keyPress(String)
        /// The text of an SMS reply.
        case reply(String)
        /// A sign-up or its cancellation from the mini program.
        case signUp
        case cancelSignUp

        /// The event's name in the delivery event log.
        public var name: String {
            switch self {
            case .acceptedBySMSC: "smsc"
            case .delivered: "delivered"
            case .failed: "failed"
            case .answered: "answered"
            case .notAnswered: "not_answered"
            case .keyPress: "key"
            case .reply: "reply"
            case .signUp: "signup"
            case .cancelSignUp: "signup_cancelled"
            }
        }
    }

    /// "kannel", "alibaba", "tencent" or "webhook".
    public var gateway: String
    /// "sms", "voice" or "push".
    public var channel: String
    public var reference: Reference
    public var event: Event
    /// The gateway's fields as received, phone numbers masked, for the event log.
    public var raw: [String: String]

    public init(gateway: String, channel: String, reference: Reference, event: Event, raw: [String: String]) {
        self.gateway = gateway
        self.channel = channel
        self.reference = reference
        self.event = event
        self.raw = raw
    }
}

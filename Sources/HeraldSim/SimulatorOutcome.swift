/// What the simulated gateway made of a request.
public enum SimulatorOutcome: Sendable, Hashable {
    /// Taken: the message goes out (receipts follow).
    case accepted
    /// Refused with the gateway's own code: Alibaba and Tencent `Code`,
    /// WeChat `errcode`, Kannel's answer text, or the webhook's HTTP status.
    case rejected(code: String)
    /// Never reached the gateway: an injected 5xx or 429.
    case faulted(SimulatorFault)

    /// `accepted`, the code, or `fault.` and the fault's label.
    public var label: String {
        switch self {
        case .accepted: "accepted"
        case .rejected(let code): code
        case .faulted(let fault): "fault." + fault.label
        }
    }

    public var isAccepted: Bool { self == .accepted }
}

extension SimulatorOutcome: CustomStringConvertible {
    public var description: String { label }
}

/// The gateway APIs the simulator speaks, one per adapter family.
public enum SimulatedGateway: String, Sendable, Hashable, Codable, CaseIterable {
    /// Kannel's smsbox `GET /cgi-bin/sendsms`.
    case kannel
    /// Alibaba Cloud RPC on `/`: SMS `SendSms` (dysmsapi) and voice
    /// `SingleCallByTts`, `IvrCall` (dyvmsapi).
    case alibaba
    /// Tencent Cloud API 3.0 on `POST /`: SMS `SendSms`, voice `SendTtsVoice`.
    case tencent
    /// WeChat `cgi-bin/token` and mini-program subscribe messages.
    case wechat
    /// A webhook receiver (the mini-program backend) on `POST /webhook...`.
    case webhook
    /// The generic HTTP gateway on `POST /generic/send`.
    case generic

    /// Gateways that charge per message and so have a balance.
    public var hasBalance: Bool { self == .alibaba || self == .tencent }
}

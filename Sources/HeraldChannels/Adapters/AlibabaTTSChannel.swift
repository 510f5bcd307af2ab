import Foundation
import HeraldCore

/// Text-to-speech notice calls through Alibaba Cloud's `SingleCallByTts`
/// (dyvmsapi, API 2017-05-25): the call reads a pre-approved TTS template
/// and collects no keys (`alibaba-ivr` does that).
///
/// Wire format: `POST {endpoint}/`, form body with the RPC common
/// parameters (see `AlibabaRPC`) and `CalledShowNumber` (when the queue sets
/// one; public-mode templates call without), `CalledNumber` (national number
/// for +86, country code and number otherwise), `TtsCode`
/// (`message.templateCode`), `TtsParam` (a JSON object of the parameters in
/// order, when there are any), `PlayTimes` (the queue's, 1–3) and `OutId`
/// (the delivery id). Answer `{"Code": "OK", "CallId": …}` → `.accepted(CallId)`.
///
/// **Not idempotent**: a retry after a timeout may call the resident twice.
///
/// Sendable: immutable configuration and the shared transport.
public final class AlibabaTTSChannel: SingleExchangeChannel {
    public struct Configuration: Sendable {
        /// Base URL, e.g. `https://dyvmsapi.aliyuncs.com`.
        public var endpoint: String
        public var accessKeyID: String
        public var accessKeySecret: Secret
        /// The number the call comes from; nil for public-mode templates.
        public var calledShowNumber: String?
        /// How many times the text is read (1–3).
        public var playTimes: Int
        public var regionID: String
        public var timeout: Duration

        public init(endpoint: String, accessKeyID: String, accessKeySecret: Secret, calledShowNumber: String? = nil,
                    playTimes: Int = 2, regionID: String = "cn-hangzhou", timeout: Duration = .seconds(10)) {
            self.endpoint = endpoint
            self.accessKeyID = accessKeyID
            self.accessKeySecret = accessKeySecret
            self.calledShowNumber = calledShowNumber
            self.playTimes = playTimes
            self.regionID = regionID
            self.timeout = timeout
        }
    }

    public let kind = ChannelKind.voice
    public let adapter = "alibaba-tts"
    public let configuration: Configuration
    public let transport: any HTTPTransport
    private let rpc: AlibabaRPC
    private let logger: Logger

    public init(configuration: Configuration, transport: any HTTPTransport, clock: any WallClock = SystemClock(),
                nonce: @escaping @Sendable () -> String = { UUID().uuidString },
                logger: Logger = Logger(label: "channels")) {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
        rpc = AlibabaRPC(endpoint: configuration.endpoint, accessKeyID: configuration.accessKeyID,
                         accessKeySecret: configuration.accessKeySecret, regionID: configuration.regionID,
                         timeout: configuration.timeout, clock: clock, nonce: nonce)
    }

    /// The signed `SingleCallByTts` request for `message`.
    public func request(for message: OutboundMessage) throws(ChannelError) -> HTTPRequest {
        guard let phone = message.recipient.phone else {
            throw .unsendable("an Alibaba TTS call needs a phone number and the resident has none")
        }
        guard let ttsCode = message.templateCode, !ttsCode.isEmpty else {
            throw .unsendable("Alibaba SingleCallByTts reads approved TTS templates only and the message has no template code")
        }
        var fields = [
            "CalledNumber": AlibabaRPC.dialledNumber(phone),
            "TtsCode": ttsCode,
            "PlayTimes": String(configuration.playTimes),
            "OutId": String(message.deliveryID),
        ]
        if let calledShowNumber = configuration.calledShowNumber {
            fields["CalledShowNumber"] = calledShowNumber
        }
        if !message.parameters.isEmpty {
            fields["TtsParam"] = AlibabaRPC.parametersJSON(message.parameters)
        }
        return try rpc.request(action: "SingleCallByTts", parameters: fields, gateway: Self.table.gateway)
    }

    /// What Alibaba's answer (or the transport's failure) means.
    public func outcome(for result: Result<HTTPResponse, HTTPClientError>) -> SendOutcome {
        Self.table.outcome(for: result, now: rpc.clock.now(), logger: logger) {
            AlibabaRPC.answer($0, idField: "CallId")
        }
    }

    public static let table = AlibabaVoice.table(gateway: "Alibaba TTS call", action: "SingleCallByTts")
}

extension AlibabaTTSChannel {
    static let credentialRoles = ["accessKeyId", "accessKeySecret"]
    static let settingNames = ["calledShowNumber", "playTimes", "regionId"]

    static func configuration(_ reader: GatewaySettingsReader) throws(ChannelError) -> Configuration {
        try reader.checkKnown(credentials: credentialRoles, settings: settingNames)
        return Configuration(endpoint: try reader.endpoint(),
                             accessKeyID: try reader.credential("accessKeyId").value,
                             accessKeySecret: try reader.credential("accessKeySecret"),
                             calledShowNumber: reader.optionalSetting("calledShowNumber"),
                             playTimes: try reader.intSetting("playTimes", default: 2, range: 1...3),
                             regionID: reader.setting("regionId", default: AlibabaRPC.defaultRegion),
                             timeout: try reader.timeout())
    }
}

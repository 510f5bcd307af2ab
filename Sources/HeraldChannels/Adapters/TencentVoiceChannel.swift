import Foundation
import HeraldCore

/// Text-to-speech notice calls through Tencent Cloud's `SendTtsVoice`
/// (voice messaging `vms`, API 3.0, version 2020-09-02; real host
/// `vms.tencentcloudapi.com`).
///
/// Wire format: `POST {endpoint}/` with TC3 headers (`X-TC-Action:
/// SendTtsVoice`, `X-TC-Version: 2020-09-02`, `X-TC-Region`, service `vms`)
/// and the JSON body `{"TemplateId":…,"CalledNumber":"+86…","VoiceSdkAppid":…,
/// "TemplateParamSet":[values in order],"PlayTimes":2,"SessionContext":"<delivery id>"}`.
/// Answer `{"Response":{"SendStatus":{"CallId","SessionContext"},"RequestId"}}`
/// → `.accepted(CallId)`; `Response.Error.Code` → `table`. Key presses come
/// in the `voicekey_callback`.
///
/// Not idempotent: a retry after a timeout may call the resident twice.
///
/// Sendable: immutable configuration and the shared transport.
public final class TencentVoiceChannel: SingleExchangeChannel {
    public struct Configuration: Sendable {
        /// Base URL, e.g. `https://vms.tencentcloudapi.com`.
        public var endpoint: String
        public var secretID: String
        public var secretKey: Secret
        /// The voice application's SdkAppid (`VoiceSdkAppid`).
        public var voiceSdkAppID: String
        /// How many times the template is read (1–3).
        public var playTimes: Int
        public var region: String
        public var timeout: Duration

        public init(endpoint: String, secretID: String, secretKey: Secret, voiceSdkAppID: String, playTimes: Int = 2,
                    region: String = "ap-guangzhou", timeout: Duration = .seconds(10)) {
            self.endpoint = endpoint
            self.secretID = secretID
            self.secretKey = secretKey
            self.voiceSdkAppID = voiceSdkAppID
            self.playTimes = playTimes
            self.region = region
            self.timeout = timeout
        }
    }

    public static let action = "SendTtsVoice"
    public static let version = "2020-09-02"

    public let kind = ChannelKind.voice
    public let adapter = "tencent-voice"
    public let configuration: Configuration
    public let transport: any HTTPTransport
    private let api: TencentCloudAPI
    private let logger: Logger

    public init(configuration: Configuration, transport: any HTTPTransport, clock: any WallClock = SystemClock(),
                logger: Logger = Logger(label: "channels")) {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
        api = TencentCloudAPI(endpoint: configuration.endpoint, secretID: configuration.secretID,
                              secretKey: configuration.secretKey, service: "vms", version: Self.version,
                              region: configuration.region, timeout: configuration.timeout, clock: clock)
    }

    /// The signed `SendTtsVoice` request for `message`.
    public func request(for message: OutboundMessage) throws(ChannelError) -> HTTPRequest {
        guard let phone = message.recipient.phone else {
            throw .unsendable("a Tencent voice call needs a phone number and the resident has none")
        }
        guard let templateID = message.templateCode, !templateID.isEmpty else {
            throw .unsendable("Tencent SendTtsVoice reads approved templates only and the message has no template id")
        }
        let body = JSONValue.fields([
            "TemplateId": .string(templateID),
            "CalledNumber": .string(phone.e164),
            "VoiceSdkAppid": .string(configuration.voiceSdkAppID),
            "TemplateParamSet": .array(message.parameters.map { .string($0.value) }),
            "PlayTimes": .int(Int64(configuration.playTimes)),
            "SessionContext": .string(String(message.deliveryID)),
        ])
        return try api.request(action: Self.action, body: body, gateway: Self.table.gateway)
    }

    /// What Tencent's answer (or the transport's failure) means.
    public func outcome(for result: Result<HTTPResponse, HTTPClientError>) -> SendOutcome {
        Self.table.outcome(for: result, now: api.clock.now(), logger: logger) { response in
            guard let answer = JSONValue.parse(response.body)?["Response"] else { return .unreadable }
            if let error = TencentCloudAPI.errorAnswer(answer) { return error }
            guard let callID = answer["SendStatus"]?["CallId"]?.text, !callID.isEmpty else { return .unreadable }
            return .succeeded(gatewayID: callID)
        }
    }

    /// Tencent voice codes (tencentcloud-sdk vms/v20200902 errors).
    public static let table = OutcomeTable(
        gateway: "Tencent voice",
        duplicateRisk: "SendTtsVoice is not idempotent: a retry may call the resident twice",
        rows: TencentCloudAPI.commonRows + [
            .init("LimitExceeded.DeliveryFrequencyLimit", .rateLimited,
                  "the voice frequency policy for this number", delay: .seconds(60)),
            .init("FailedOperation.AccessUpstreamTimeout", .retry, "Tencent timed out reaching the carrier"),
            .init("InvalidParameterValue.CalledNumberVerifyFail", .permanent, "the gateway rejects the resident's number"),
            .init("InvalidParameterValue.ContentLengthLimit", .permanent, "a template parameter is too long"),
            .init("FailedOperation.ContainSensitiveWord", .permanent, "the content has a sensitive word; reword it"),
            .init("FailedOperation.TemplateIncorrectOrUnapproved", .permanent,
                  "the message's template is not approved or does not match (template bug; other templates still call)"),
            .init("FailedOperation.InsufficientBalanceInVoicePackage", .gatewayFailure,
                  "the voice package is used up; buy more"),
            .init("FailedOperation.PhonenumberUnappliedOrExpired", .gatewayFailure,
                  "no caller number, or its rental expired; renew it"),
            .init("UnauthorizedOperation.VoiceSdkAppidVerifyFail", .gatewayFailure,
                  "the VoiceSdkAppid does not belong to this key's account; check voiceSdkAppId"),
            .init("UnauthorizedOperation.SdkAppidIsDisabled", .gatewayFailure, "the voice application is disabled"),
            .init("InvalidParameterValue.SdkAppidNotExist", .gatewayFailure, "the VoiceSdkAppid does not exist"),
            .init("FailedOperation.FailResolvePacket", .gatewayFailure,
                  "Tencent cannot parse Herald's request (a Herald bug)"),
            .init("FailedOperation.InvalidJsonParameters", .gatewayFailure,
                  "Tencent cannot parse Herald's JSON (a Herald bug)"),
            .init("FailedOperation.JsonParseFail", .gatewayFailure, "Tencent cannot parse Herald's JSON (a Herald bug)"),
        ])
}

extension TencentVoiceChannel {
    static let credentialRoles = ["secretId", "secretKey"]
    static let settingNames = ["voiceSdkAppId", "playTimes", "region"]

    static func configuration(_ reader: GatewaySettingsReader) throws(ChannelError) -> Configuration {
        try reader.checkKnown(credentials: credentialRoles, settings: settingNames)
        return Configuration(endpoint: try reader.endpoint(),
                             secretID: try reader.credential("secretId").value,
                             secretKey: try reader.credential("secretKey"),
                             voiceSdkAppID: try reader.setting("voiceSdkAppId"),
                             playTimes: try reader.intSetting("playTimes", default: 2, range: 1...3),
                             region: reader.setting("region", default: TencentCloudAPI.defaultRegion),
                             timeout: try reader.timeout())
    }
}

import Foundation
import HeraldCore

/// SMS through Alibaba Cloud's `SendSms` (dysmsapi, API 2017-05-25): a
/// pre-approved template (`message.templateCode`) filled with the message's
/// parameters, under the queue's approved sign name.
///
/// Wire format: `POST {endpoint}/`, form body with the RPC common
/// parameters (see `AlibabaRPC`) and `PhoneNumbers` (national number for
/// +86, country code and number otherwise), `SignName`, `TemplateCode`,
/// `TemplateParam` (a JSON object of the parameters in order), `OutId` (the
/// delivery id, echoed in `SmsReport` receipts). Answer `{"Code": "OK",
/// "BizId": …}` → `.accepted(BizId)`; other codes → `table`.
///
/// **Not idempotent**: after a timeout or a lost connection Alibaba may have
/// sent the SMS, and the retry sends it again. The retry reason says so.
///
/// Sendable: immutable configuration and the shared transport.
public final class AlibabaSMSChannel: SingleExchangeChannel {
    public struct Configuration: Sendable {
        /// Base URL, e.g. `https://dysmsapi.aliyuncs.com` (the simulator in tests).
        public var endpoint: String
        public var accessKeyID: String
        public var accessKeySecret: Secret
        /// The approved SMS signature (签名), e.g. "某某社区".
        public var signName: String
        public var regionID: String
        public var timeout: Duration

        public init(endpoint: String, accessKeyID: String, accessKeySecret: Secret, signName: String,
                    regionID: String = "cn-hangzhou", timeout: Duration = .seconds(10)) {
            self.endpoint = endpoint
            self.accessKeyID = accessKeyID
            self.accessKeySecret = accessKeySecret
            self.signName = signName
            self.regionID = regionID
            self.timeout = timeout
        }
    }

    public let kind = ChannelKind.sms
    public let adapter = "alibaba-sms"
    public let configuration: Configuration
    public let transport: any HTTPTransport
    private let rpc: AlibabaRPC
    private let logger: Logger

    /// - Parameters:
    ///   - clock: stamps `Timestamp`; also reads `Retry-After` dates.
    ///   - nonce: a fresh `SignatureNonce` per request (a UUID by default).
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

    /// The signed `SendSms` request for `message`.
    public func request(for message: OutboundMessage) throws(ChannelError) -> HTTPRequest {
        guard let phone = message.recipient.phone else {
            throw .unsendable("Alibaba SMS needs a phone number and the resident has none")
        }
        guard let templateCode = message.templateCode, !templateCode.isEmpty else {
            throw .unsendable("Alibaba SMS sends approved templates only and the message has no template code")
        }
        var parameters = [
            "PhoneNumbers": AlibabaRPC.number(phone),
            "SignName": configuration.signName,
            "TemplateCode": templateCode,
            "OutId": String(message.deliveryID),
        ]
        if !message.parameters.isEmpty {
            parameters["TemplateParam"] = AlibabaRPC.parametersJSON(message.parameters)
        }
        return try rpc.request(action: "SendSms", parameters: parameters, gateway: Self.table.gateway)
    }

    /// What Alibaba's answer (or the transport's failure) means.
    public func outcome(for result: Result<HTTPResponse, HTTPClientError>) -> SendOutcome {
        Self.table.outcome(for: result, now: rpc.clock.now(), logger: logger) {
            AlibabaRPC.answer($0, idField: "BizId")
        }
    }

    /// Alibaba SMS codes (https://help.aliyun.com/document_detail/101346.html).
    public static let table = OutcomeTable(
        gateway: "Alibaba SMS",
        duplicateRisk: "SendSms is not idempotent: a retry may send the SMS twice",
        rows: AlibabaRPC.commonRows + [
            .init("isv.BUSINESS_LIMIT_CONTROL", .rateLimited,
                  "per-number frequency limit (1/min, 5/h, 10/day for codes; 50/day per template for notices)",
                  delay: .seconds(60)),
            .init("isv.DAY_LIMIT_CONTROL", .rateLimited,
                  "the account's daily sending cap set in the console is reached", delay: .seconds(3600)),
            .init("isv.MONTH_LIMIT_CONTROL", .gatewayFailure,
                  "the account's monthly sending cap set in the console is reached; raise it"),
            .init("isv.SMS_TEMPLATE_ILLEGAL", .permanent,
                  "the template code is unknown or not approved for this account (template bug)"),
            .init("isv.SMS_CONTENT_ILLEGAL", .permanent, "the content is forbidden; reword the message"),
            .init("isv.DOMESTIC_NUMBER_NOT_SUPPORTED", .permanent,
                  "an international template cannot be sent to a mainland number"),
            .init("isv.SMS_SIGNATURE_ILLEGAL", .gatewayFailure,
                  "the queue's sign name is unknown or not approved; fix gateway.settings.signName"),
            .init("isv.SMS_SIGN_ILLEGAL", .gatewayFailure, "the queue's sign name is banned; apply for another"),
            .init("isv.SMS_SIGNATURE_SCENE_ILLEGAL", .gatewayFailure,
                  "the sign name's type does not allow this template type (use a general-purpose signature)"),
            .init("isv.DENY_IP_RANGE", .gatewayFailure, "Alibaba refuses requests from this host's IP region"),
        ])
}

extension AlibabaSMSChannel {
    static let credentialRoles = ["accessKeyId", "accessKeySecret"]
    static let settingNames = ["signName", "regionId"]

    static func configuration(_ reader: GatewaySettingsReader) throws(ChannelError) -> Configuration {
        try reader.checkKnown(credentials: credentialRoles, settings: settingNames)
        return Configuration(endpoint: try reader.endpoint(),
                             accessKeyID: try reader.credential("accessKeyId").value,
                             accessKeySecret: try reader.credential("accessKeySecret"),
                             signName: try reader.setting("signName"),
                             regionID: reader.setting("regionId", default: AlibabaRPC.defaultRegion),
                             timeout: try reader.timeout())
    }
}

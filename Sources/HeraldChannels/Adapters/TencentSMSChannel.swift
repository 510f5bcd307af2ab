import Foundation
import HeraldCore

/// SMS through Tencent Cloud's `SendSms` (API 3.0, version 2021-01-11).
///
/// Wire format: `POST {endpoint}/` with TC3 headers (`X-TC-Action: SendSms`,
/// `X-TC-Version: 2021-01-11`, `X-TC-Region`, `X-TC-Timestamp`,
/// `Authorization`) and the JSON body
/// `{"PhoneNumberSet":["+86…"],"SmsSdkAppId":…,"SignName":…,"TemplateId":…,
/// "TemplateParamSet":[values in declared order],"SessionContext":"<delivery id>"}`
/// (members in that order, Chinese as UTF-8). The answer's
/// `Response.SendStatusSet[0]` carries the per-number `Code` (`Ok` →
/// `.accepted(SerialNo)`); `Response.Error.Code` a failure of the whole
/// call. Both go through `table`.
///
/// Template and signature approval: `FailedOperation.TemplateIncorrectOrUnapproved`
/// is `.permanent`, because the template is the message's (other notices on
/// the queue use other templates and still go out; the channel plan
/// escalates this one), while `FailedOperation.SignatureIncorrectOrUnapproved`
/// is `.gatewayFailure`, because the sign name is the queue's and every send fails.
///
/// Not idempotent: a retry after a timeout may send the SMS twice.
///
/// Sendable: immutable configuration and the shared transport.
public final class TencentSMSChannel: SingleExchangeChannel {
    public struct Configuration: Sendable {
        /// Base URL, e.g. `https://sms.tencentcloudapi.com`.
        public var endpoint: String
        public var secretID: String
        public var secretKey: Secret
        /// The SMS application's SdkAppId, e.g. "1400006666".
        public var smsSdkAppID: String
        /// The approved signature content, e.g. "某某社区".
        public var signName: String
        public var region: String
        public var timeout: Duration

        public init(endpoint: String, secretID: String, secretKey: Secret, smsSdkAppID: String, signName: String,
                    region: String = "ap-guangzhou", timeout: Duration = .seconds(10)) {
            self.endpoint = endpoint
            self.secretID = secretID
            self.secretKey = secretKey
            self.smsSdkAppID = smsSdkAppID
            self.signName = signName
            self.region = region
            self.timeout = timeout
        }
    }

    public static let action = "SendSms"
    public static let version = "2021-01-11"

    public let kind = ChannelKind.sms
    public let adapter = "tencent-sms"
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
                              secretKey: configuration.secretKey, service: "sms", version: Self.version,
                              region: configuration.region, timeout: configuration.timeout, clock: clock)
    }

    /// The signed `SendSms` request for `message`.
    public func request(for message: OutboundMessage) throws(ChannelError) -> HTTPRequest {
        guard let phone = message.recipient.phone else {
            throw .unsendable("Tencent SMS needs a phone number and the resident has none")
        }
        guard let templateID = message.templateCode, !templateID.isEmpty else {
            throw .unsendable("Tencent SMS sends approved templates only and the message has no template id")
        }
        let body = JSONValue.fields([
            "PhoneNumberSet": .array([.string(phone.e164)]),
            "SmsSdkAppId": .string(configuration.smsSdkAppID),
            "SignName": .string(configuration.signName),
            "TemplateId": .string(templateID),
            "TemplateParamSet": .array(message.parameters.map { .string($0.value) }),
            "SessionContext": .string(String(message.deliveryID)),
        ])
        return try api.request(action: Self.action, body: body, gateway: Self.table.gateway)
    }

    /// What Tencent's answer (or the transport's failure) means.
    public func outcome(for result: Result<HTTPResponse, HTTPClientError>) -> SendOutcome {
        Self.table.outcome(for: result, now: api.clock.now(), logger: logger) { response in
            guard let answer = JSONValue.parse(response.body)?["Response"] else { return .unreadable }
            if let error = TencentCloudAPI.errorAnswer(answer) { return error }
            guard case .array(let statuses)? = answer["SendStatusSet"], let status = statuses.first,
                  let code = status["Code"]?.stringValue, !code.isEmpty else { return .unreadable }
            return .code(code, message: status["Message"]?.text, gatewayID: status["SerialNo"]?.text)
        }
    }

    /// Tencent SMS codes (https://cloud.tencent.com/document/api/382/52075).
    public static let table = OutcomeTable(
        gateway: "Tencent SMS",
        duplicateRisk: "SendSms is not idempotent: a retry may send the SMS twice",
        rows: TencentCloudAPI.commonRows + [
            .init("Ok", .accepted, "accepted"),
            // Pacing, per number and per application.
            .init("LimitExceeded.PhoneNumberThirtySecondLimit", .rateLimited,
                  "per-number limit for 30 seconds", delay: .seconds(30)),
            .init("LimitExceeded.PhoneNumberOneHourLimit", .rateLimited,
                  "per-number limit for one hour", delay: .seconds(3600)),
            .init("LimitExceeded.PhoneNumberDailyLimit", .rateLimited,
                  "per-number daily limit", delay: .seconds(3600)),
            .init("LimitExceeded.PhoneNumberSameContentDailyLimit", .rateLimited,
                  "per-number daily limit for identical content", delay: .seconds(3600)),
            .init("LimitExceeded.DeliveryFrequencyLimit", .rateLimited,
                  "the application's delivery frequency policy", delay: .seconds(60)),
            .init("LimitExceeded.AppDailyLimit", .gatewayFailure,
                  "the application's daily cap is reached; raise it in the console"),
            .init("LimitExceeded.AppMainlandChinaDailyLimit", .gatewayFailure,
                  "the application's daily mainland cap is reached; raise it in the console"),
            .init("LimitExceeded.DailyLimit", .gatewayFailure, "the account's daily cap is reached"),
            // This message can never go out as sent.
            .init("InvalidParameterValue.IncorrectPhoneNumber", .permanent, "the gateway rejects the resident's number"),
            .init("FailedOperation.PhoneNumberParseFail", .permanent, "the gateway cannot parse the resident's number"),
            .init("FailedOperation.PhoneNumberInBlacklist", .permanent,
                  "the number is on the do-not-disturb list (the resident unsubscribed or the carrier blocks it)"),
            .init("FailedOperation.ContainSensitiveWord", .permanent, "the content has a sensitive word; reword it"),
            .init("InvalidParameterValue.ContentLengthLimit", .permanent, "the content is too long"),
            .init("InvalidParameterValue.TemplateParameterLengthLimit", .permanent, "a template parameter is too long"),
            .init("InvalidParameterValue.TemplateParameterFormatError", .permanent,
                  "a template parameter has the wrong format for the template type"),
            .init("InvalidParameterValue.ProhibitedUseUrlInTemplateParameter", .permanent,
                  "template parameters may not contain a URL"),
            .init("FailedOperation.TemplateParamSetNotMatchApprovedTemplate", .permanent,
                  "the parameter count does not match the approved template (template bug)"),
            .init("FailedOperation.TemplateIncorrectOrUnapproved", .permanent,
                  "the message's template is not approved or does not match (template bug; other templates still send)"),
            .init("UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone", .permanent,
                  "a mainland template cannot go to an international number"),
            .init("UnsupportedOperation.GlobalTemplateToChineseMainlandPhone", .permanent,
                  "an international template cannot go to a mainland number"),
            // Nothing on this queue can go out until someone acts.
            .init("FailedOperation.SignatureIncorrectOrUnapproved", .gatewayFailure,
                  "the queue's sign name is not approved or malformed; fix gateway.settings.signName"),
            .init("FailedOperation.InsufficientBalanceInSmsPackage", .gatewayFailure,
                  "the SMS package is used up; buy more"),
            .init("UnauthorizedOperation.SmsSdkAppIdVerifyFail", .gatewayFailure,
                  "the SmsSdkAppId does not belong to this key's account; check smsSdkAppId"),
            .init("UnauthorizedOperation.SdkAppIdIsDisabled", .gatewayFailure, "the SMS application is disabled"),
            .init("UnauthorizedOperation.RequestIpNotInWhitelist", .gatewayFailure,
                  "this host's IP is not on the application's allow-list"),
            .init("UnauthorizedOperation.RequestPermissionDeny", .gatewayFailure, "the request has no permission"),
            .init("InvalidParameterValue.SdkAppIdNotExist", .gatewayFailure, "the SmsSdkAppId does not exist"),
            .init("FailedOperation.FailResolvePacket", .gatewayFailure,
                  "Tencent cannot parse Herald's request (a Herald bug)"),
            .init("FailedOperation.JsonParseFail", .gatewayFailure, "Tencent cannot parse Herald's JSON (a Herald bug)"),
        ])
}

extension TencentSMSChannel {
    static let credentialRoles = ["secretId", "secretKey"]
    static let settingNames = ["smsSdkAppId", "signName", "region"]

    static func configuration(_ reader: GatewaySettingsReader) throws(ChannelError) -> Configuration {
        try reader.checkKnown(credentials: credentialRoles, settings: settingNames)
        return Configuration(endpoint: try reader.endpoint(),
                             secretID: try reader.credential("secretId").value,
                             secretKey: try reader.credential("secretKey"),
                             smsSdkAppID: try reader.setting("smsSdkAppId"),
                             signName: try reader.setting("signName"),
                             region: reader.setting("region", default: TencentCloudAPI.defaultRegion),
                             timeout: try reader.timeout())
    }
}

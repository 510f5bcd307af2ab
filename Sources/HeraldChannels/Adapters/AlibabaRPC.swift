import Foundation
import HeraldCore

/// What Alibaba Cloud's SMS (`dysmsapi`) and voice (`dyvmsapi`) RPC calls
/// share: the common parameters, signature version 1.0, the form-encoded
/// POST, and the `{Code, Message, RequestId, …}` answer.
///
/// Every call is `POST {endpoint}/` with an
/// `application/x-www-form-urlencoded` body holding all parameters and
/// `Signature` (https://www.alibabacloud.com/help/doc-detail/196741.htm).
/// Neither API is idempotent: `OutId` is only echoed in receipts, so a retry
/// after a timeout can send the SMS or place the call twice.
struct AlibabaRPC: Sendable {
    /// `Version` of both `dysmsapi` and `dyvmsapi`.
    static let version = "2017-05-25"
    static let defaultRegion = "cn-hangzhou"

    var endpoint: String
    var accessKeyID: String
    var accessKeySecret: Secret
    var regionID: String
    var timeout: Duration
    var clock: any WallClock
    var nonce: @Sendable () -> String

    /// The signed request for `action` with its own `parameters`; the common
    /// parameters are added here.
    func request(action: String, parameters: [String: String], gateway: String) throws(ChannelError) -> HTTPRequest {
        var all = parameters
        all["AccessKeyId"] = accessKeyID
        all["Action"] = action
        all["Format"] = "JSON"
        all["RegionId"] = regionID
        all["SignatureMethod"] = "HMAC-SHA1"
        all["SignatureNonce"] = nonce()
        all["SignatureVersion"] = "1.0"
        all["Timestamp"] = Self.timestamp(clock.now())
        all["Version"] = Self.version
        let signed: AlibabaRPCSignature
        do {
            signed = try AlibabaRPCSignature.sign(method: .post, parameters: all, accessKeySecret: accessKeySecret.value)
        } catch {
            throw ChannelError.signing(error, gateway: gateway)
        }
        return HTTPRequest(method: .post, url: endpoint.withoutTrailingSlashes + "/",
                           headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")],
                           body: Array(signed.signedQuery.utf8),
                           connectTimeout: min(.seconds(5), timeout), timeout: timeout)
    }

    /// ISO 8601 in UTC to the second, as Alibaba wants it: `2017-07-12T02:42:19Z`.
    static func timestamp(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let secondsOfDay = ((seconds % 86_400) + 86_400) % 86_400
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return TencentTC3Signature.utcDate(seconds) + "T" + two(secondsOfDay / 3600) + ":"
            + two(secondsOfDay / 60 % 60) + ":" + two(secondsOfDay % 60) + "Z"
    }

    /// A number as both APIs take it: the national number for mainland
    /// China (`13800000001`), country code and number without `+` or `00`
    /// elsewhere (`85291234567`).
    static func number(_ phone: PhoneNumber) -> String {
        phone.countryCode == "86" ? phone.nationalNumber : phone.countryCode + phone.nationalNumber
    }

    /// A number as the voice API dials it: like `number`, but a mainland
    /// landline keeps its trunk prefix (`02112345678`), as a caller in China
    /// would dial it.
    static func dialledNumber(_ phone: PhoneNumber) -> String {
        phone.countryCode == "86" && !phone.isMainlandMobile ? "0" + phone.nationalNumber : number(phone)
    }

    /// An ordered JSON object of template parameters, as `TemplateParam`,
    /// `TtsParam` and `StartTtsParams` take it.
    static func parametersJSON(_ parameters: [TemplateParameter]) -> String {
        JSONValue.object(parameters.map { JSONValue.Member($0.name, .string($0.value)) }).serialized
    }

    /// `Code`, `Message` and the id field (`BizId`, `CallId`) of an answer.
    /// Alibaba answers errors in the same shape, usually with HTTP 400, 403
    /// or 404 (`SignatureDoesNotMatch`, `Forbidden.RAM`,
    /// `InvalidAccessKeyId.NotFound`), so the body decides, not the status.
    static func answer(_ response: HTTPResponse, idField: String) -> GatewayAnswer {
        guard let json = JSONValue.parse(response.body), let code = json["Code"]?.stringValue, !code.isEmpty else {
            return .unreadable
        }
        return .code(code, message: json["Message"]?.text, gatewayID: json[idField]?.text)
    }

    /// Rows both products share: success, account and credential failures,
    /// system errors, and the per-message parameter errors.
    static let commonRows: [OutcomeTable.Row] = [
        .init("OK", .accepted, "accepted"),
        // Alibaba's side is busy or broken: try again.
        .init("isp.SYSTEM_ERROR", .retry, "Alibaba system error"),
        .init("ServiceUnavailable", .retry, "Alibaba service unavailable"),
        .init("Throttling.User", .retry, "API call rate limit of the account (QPS); retrying"),
        // Herald signs every request with a fresh nonce, so this answer means an
        // identical copy of this very request reached Alibaba first: libcurl
        // re-sends a request whose reused keep-alive connection closed before
        // any answer. Sending again would duplicate the SMS or call; the
        // receipt (by OutId) confirms what happened to the first copy.
        .init("SignatureNonceUsed", .accepted,
              "an identical copy of this request reached Alibaba first (resent on a dropped connection)"),
        // Credentials, account and money: every send fails until someone acts.
        .init("InvalidAccessKeyId.NotFound", .gatewayFailure, "AccessKeyId does not exist; check the queue's accessKeyId"),
        .init("InvalidAccessKeyId.Inactive", .gatewayFailure, "AccessKeyId is disabled; enable it or use another"),
        .init("SignatureDoesNotMatch", .gatewayFailure, "signature rejected; check the queue's accessKeySecret"),
        .init("InvalidTimeStamp.Expired", .gatewayFailure,
              "Alibaba rejects Herald's clock (more than 15 minutes off); fix the host's time"),
        .init("Forbidden.RAM", .gatewayFailure, "the RAM user lacks permission for this API; grant it"),
        .init("isp.RAM_PERMISSION_DENY", .gatewayFailure, "the RAM user lacks permission for this API; grant it"),
        .init("isv.ACCOUNT_NOT_EXISTS", .gatewayFailure, "the Alibaba account does not exist; check the AccessKey"),
        .init("isv.ACCOUNT_ABNORMAL", .gatewayFailure, "the Alibaba account is abnormal (arrears or frozen)"),
        .init("isv.OUT_OF_SERVICE", .gatewayFailure, "the service is suspended, usually for arrears; top up the account"),
        .init("isv.AMOUNT_NOT_ENOUGH", .gatewayFailure, "the account balance is too low; top up before the queue resumes"),
        .init("isv.PRODUCT_UN_SUBSCRIPT", .gatewayFailure, "the account has not activated Alibaba cloud communications"),
        .init("isv.PRODUCT_UNSUBSCRIBE", .gatewayFailure, "the product for this API is not activated on the account"),
        // This message as sent can never succeed.
        .init("isv.MOBILE_NUMBER_ILLEGAL", .permanent, "the gateway rejects the resident's number"),
        .init("isv.INVALID_PARAMETERS", .permanent, "the gateway rejects a parameter of this message"),
        .init("isv.PARAM_LENGTH_LIMIT", .permanent, "a template parameter is too long; fix the message"),
        .init("isv.PARAM_NOT_SUPPORT_URL", .permanent, "template parameters may not contain a URL; fix the message"),
        .init("isv.TEMPLATE_MISSING_PARAMETERS", .permanent,
              "the message lacks a parameter its template needs (template bug)"),
        .init("isv.BLACK_KEY_CONTROL_LIMIT", .permanent, "a parameter contains a blocked keyword; reword the message"),
    ]
}

import Foundation
import HeraldCore

/// What Tencent Cloud's SMS (`sms`, 2021-01-11) and voice (`vms`,
/// 2020-09-02) API 3.0 calls share: `POST {endpoint}/` with a JSON body,
/// TC3-HMAC-SHA256 headers (`TencentTC3Signature`), and answers wrapped in
/// `{"Response": {…, "RequestId"}}` with `Response.Error.{Code, Message}` on
/// failure (https://cloud.tencent.com/document/api/382/52075).
///
/// The signed `Host` is the endpoint's host (and port, when it has one), so
/// the simulator at `http://127.0.0.1:9300` is signed as `127.0.0.1:9300`
/// and the real gateway as `sms.tencentcloudapi.com`.
struct TencentCloudAPI: Sendable {
    static let defaultRegion = "ap-guangzhou"

    var endpoint: String
    var host: String
    var secretID: String
    var secretKey: Secret
    /// `sms` or `vms`: the signature scope's service.
    var service: String
    var version: String
    var region: String
    var timeout: Duration
    var clock: any WallClock

    init(endpoint: String, secretID: String, secretKey: Secret, service: String, version: String,
         region: String, timeout: Duration, clock: any WallClock) {
        self.endpoint = endpoint
        host = Self.host(of: endpoint)
        self.secretID = secretID
        self.secretKey = secretKey
        self.service = service
        self.version = version
        self.region = region
        self.timeout = timeout
        self.clock = clock
    }

    /// The signed request carrying `body` for `action`.
    func request(action: String, body: JSONValue, gateway: String) throws(ChannelError) -> HTTPRequest {
        let payload = body.bytes
        let timestamp = Int(clock.now().timeIntervalSince1970.rounded(.down))
        let signed: TencentTC3Signature
        do {
            signed = try TencentTC3Signature.sign(secretId: secretID, secretKey: secretKey.value, service: service,
                                                  host: host, action: action, version: version, region: region,
                                                  timestamp: timestamp, payload: payload)
        } catch {
            throw ChannelError.signing(error, gateway: gateway)
        }
        return HTTPRequest(method: .post, url: endpoint.withoutTrailingSlashes + "/", headers: signed.headers, body: payload,
                           connectTimeout: min(.seconds(5), timeout), timeout: timeout)
    }

    /// `host[:port]` of a base URL (lowercased by the signature, sent as is).
    static func host(of endpoint: String) -> String {
        guard let components = URLComponents(string: endpoint), let host = components.host else { return endpoint }
        return components.port.map { "\(host):\($0)" } ?? host
    }

    /// `Response.Error` as an answer, or nil when the call did not fail as a whole.
    static func errorAnswer(_ response: JSONValue) -> GatewayAnswer? {
        guard let error = response["Error"], let code = error["Code"]?.stringValue, !code.isEmpty else { return nil }
        return .code(code, message: error["Message"]?.text, gatewayID: nil)
    }

    /// API 3.0 common error codes (both products).
    static let commonRows: [OutcomeTable.Row] = [
        .init("InternalError", .retry, "Tencent internal error", match: .prefix),
        .init("RequestLimitExceeded", .rateLimited, "API request rate limit", match: .prefix),
        .init("AuthFailure.SignatureFailure", .gatewayFailure, "signature rejected; check the queue's secretKey"),
        .init("AuthFailure.SecretIdNotFound", .gatewayFailure, "SecretId does not exist or is disabled; check secretId"),
        .init("AuthFailure.InvalidSecretId", .gatewayFailure, "SecretId is not an API key; check secretId"),
        .init("AuthFailure.SignatureExpire", .gatewayFailure,
              "Tencent rejects Herald's clock (more than 5 minutes off); fix the host's time"),
        .init("AuthFailure.UnauthorizedOperation", .gatewayFailure, "the CAM user may not call this API; grant it"),
        .init("UnauthorizedOperation.ServiceSuspendDueToArrears", .gatewayFailure,
              "service suspended for arrears; top up the account"),
    ]
}

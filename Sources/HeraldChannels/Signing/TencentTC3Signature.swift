/// A Tencent Cloud API 3.0 request signed with TC3-HMAC-SHA256, as the SMS
/// (`sms`, 2021-01-11) and voice (`vms`) APIs expect.
///
/// Herald always sends `POST /` with a JSON body and signs the two required
/// headers, `content-type` and `host`. The steps follow Tencent's
/// "Signature v3" page (https://www.tencentcloud.com/document/product/267/37447,
/// Chinese: https://tencentcloud.com/zh/document/product/1021/34193):
/// 1. `CanonicalRequest = "POST\n/\n\n" + "content-type:…\nhost:…\n" + "\n"
///    + "content-type;host\n" + hex(SHA256(payload))`.
/// 2. `StringToSign = "TC3-HMAC-SHA256\n" + timestamp + "\n" + scope + "\n"
///    + hex(SHA256(CanonicalRequest))`, scope `YYYY-MM-DD/service/tc3_request`
///    with the date in UTC.
/// 3. Derive the key: `HMAC("TC3" + SecretKey, date)`, then with `service`,
///    then with `"tc3_request"`; `Signature = hex(HMAC(key, StringToSign))`.
public struct TencentTC3Signature: Sendable, Hashable {
    /// The signature algorithm's name, first in the string to sign and in `Authorization`.
    public static let algorithm = "TC3-HMAC-SHA256"
    /// The body's content type; sent and signed exactly like this.
    public static let contentType = "application/json; charset=utf-8"
    /// The headers that are signed, lowercase, sorted, joined with `;`.
    public static let signedHeaders = "content-type;host"

    /// Step 1's canonical request.
    public var canonicalRequest: String
    /// `YYYY-MM-DD/service/tc3_request`, the date in UTC.
    public var credentialScope: String
    /// Step 2's string to sign.
    public var stringToSign: String
    /// The lowercase hex signature.
    public var signature: String
    /// The `Authorization` header's value.
    public var authorization: String
    /// Every header the request needs, in this order: `Authorization`,
    /// `Content-Type`, `Host`, `X-TC-Action`, `X-TC-Timestamp`,
    /// `X-TC-Version`, and `X-TC-Region` when a region was given.
    public var headers: [HTTPHeader]

    /// Signs a `POST /` to `host` whose body is `payload`.
    ///
    /// - Parameters:
    ///   - service: the product, as in the host name: `"sms"`, `"vms"`.
    ///   - host: the bare host name, e.g. `sms.tencentcloudapi.com`; sent as
    ///     given and signed in lowercase.
    ///   - region: `X-TC-Region`; nil for the APIs that take none.
    ///   - timestamp: unix seconds, sent as `X-TC-Timestamp`; Tencent rejects
    ///     a request more than five minutes off its clock.
    ///   - payload: the exact JSON body bytes that will be sent.
    public static func sign(secretId: String,
                            secretKey: String,
                            service: String,
                            host: String,
                            action: String,
                            version: String,
                            region: String?,
                            timestamp: Int,
                            payload: [UInt8]) throws(SigningError) -> TencentTC3Signature {
        let canonicalHost = host.lowercased()
        let canonicalRequest = "POST\n/\n\n"
            + "content-type:\(contentType)\nhost:\(canonicalHost)\n\n"
            + "\(signedHeaders)\n"
            + Signer.hexEncode(try Signer.sha256(payload))

        let date = utcDate(timestamp)
        let credentialScope = "\(date)/\(service)/tc3_request"
        let stringToSign = "\(algorithm)\n\(timestamp)\n\(credentialScope)\n"
            + Signer.hexEncode(try Signer.sha256(canonicalRequest))

        let secretDate = try Signer.hmacSHA256(key: "TC3" + secretKey, message: date)
        let secretService = try Signer.hmacSHA256(key: secretDate, message: service)
        let secretSigning = try Signer.hmacSHA256(key: secretService, message: "tc3_request")
        let signature = Signer.hexEncode(try Signer.hmacSHA256(key: secretSigning, message: stringToSign))

        let authorization = "\(algorithm) Credential=\(secretId)/\(credentialScope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        var headers = [
            HTTPHeader("Authorization", authorization),
            HTTPHeader("Content-Type", contentType),
            HTTPHeader("Host", host),
            HTTPHeader("X-TC-Action", action),
            HTTPHeader("X-TC-Timestamp", String(timestamp)),
            HTTPHeader("X-TC-Version", version),
        ]
        if let region {
            headers.append(HTTPHeader("X-TC-Region", region))
        }
        return TencentTC3Signature(canonicalRequest: canonicalRequest,
                                   credentialScope: credentialScope,
                                   stringToSign: stringToSign,
                                   signature: signature,
                                   authorization: authorization,
                                   headers: headers)
    }

    /// The UTC calendar date of a unix timestamp as `YYYY-MM-DD`.
    ///
    /// Tencent's page warns that a local-time date makes calls fail around
    /// midnight: 1551113065 is 2019-02-26 00:44:25 in UTC+8 but 2019-02-25
    /// in UTC, and the scope must say 2019-02-25. Computed with integer
    /// arithmetic (days to civil date, proleptic Gregorian), no time zone
    /// database involved.
    static func utcDate(_ timestamp: Int) -> String {
        let secondsPerDay = 86_400
        let days = timestamp >= 0 ? timestamp / secondsPerDay : (timestamp - (secondsPerDay - 1)) / secondsPerDay
        // Howard Hinnant's civil_from_days: eras of 400 years from 0000-03-01.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// An Alibaba Cloud RPC request signed with signature version 1.0
/// (HMAC-SHA1), as the SMS (`dysmsapi`, API 2017-05-25) and voice
/// (`dyvmsapi`) APIs expect.
///
/// The steps, from Alibaba's "Request signature" page
/// (https://www.alibabacloud.com/help/doc-detail/196741.htm):
/// 1. Sort the parameters by name (byte order), leaving out `Signature`.
/// 2. POP-encode each name and value (`PercentEncoding.pop`), join them as
///    `name=value` with `&`: the canonicalized query string.
/// 3. `StringToSign = METHOD + "&" + pop("/") + "&" + pop(canonicalized)`.
/// 4. `Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))`.
///
/// The caller supplies every parameter, the common ones included
/// (`AccessKeyId`, `Action`, `Format`, `RegionId`, `SignatureMethod`,
/// `SignatureNonce`, `SignatureVersion`, `Timestamp`, `Version`): the
/// signature covers exactly what is sent, and a fresh nonce and timestamp are
/// the sender's business.
public struct AlibabaRPCSignature: Sendable, Hashable {
    /// The HTTP method the request must be sent with; it is signed.
    public var method: HTTPMethod
    /// The sorted, encoded `name=value&…` string, without `Signature`.
    public var canonicalizedQuery: String
    /// What was signed: `METHOD&%2F&` + the encoded canonicalized query.
    public var stringToSign: String
    /// The Base64 signature, not yet percent-encoded.
    public var signature: String

    /// The query string (GET) or form body (POST,
    /// `application/x-www-form-urlencoded`) to send: the canonicalized query
    /// with `&Signature=` and the encoded signature appended.
    public var signedQuery: String {
        canonicalizedQuery + "&Signature=" + PercentEncoding.pop(signature)
    }

    /// Signs `parameters` for a request sent with `method`.
    ///
    /// A `Signature` entry in `parameters` is ignored.
    public static func sign(method: HTTPMethod,
                            parameters: [String: String],
                            accessKeySecret: String) throws(SigningError) -> AlibabaRPCSignature {
        let canonicalized = canonicalizedQuery(parameters)
        let stringToSign = method.rawValue + "&" + PercentEncoding.pop("/") + "&" + PercentEncoding.pop(canonicalized)
        let mac = try Signer.hmacSHA1(key: accessKeySecret + "&", message: stringToSign)
        return AlibabaRPCSignature(method: method,
                                   canonicalizedQuery: canonicalized,
                                   stringToSign: stringToSign,
                                   signature: Signer.base64Encode(mac))
    }

    /// The parameters sorted by the bytes of their names, encoded and joined.
    static func canonicalizedQuery(_ parameters: [String: String]) -> String {
        parameters
            .filter { $0.key != "Signature" }
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .map { PercentEncoding.pop($0.key) + "=" + PercentEncoding.pop($0.value) }
            .joined(separator: "&")
    }
}

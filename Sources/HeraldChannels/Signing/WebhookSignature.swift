/// Herald's own webhook signature, for the generic webhook channel (Herald
/// signs) and Herald's inbound webhooks such as mini-program sign-ups
/// (Herald verifies).
///
/// The sender puts the unix time in `X-Herald-Timestamp` and
/// `v1=` + hex(HMAC-SHA256(secret, timestamp + "." + body)) in
/// `X-Herald-Signature`. Signing the timestamp with the body lets a receiver
/// reject a replayed request once it is older than the allowed age.
public enum WebhookSignature {
    /// The header carrying the unix time, in decimal seconds.
    public static let timestampHeader = "X-Herald-Timestamp"
    /// The header carrying `v1=` and the lowercase hex MAC.
    public static let signatureHeader = "X-Herald-Signature"
    /// The scheme prefix of the signature header's value.
    public static let schemePrefix = "v1="
    /// How far, in seconds, a timestamp may be from the receiver's clock.
    public static let defaultMaxAge = 300

    /// Why a request was accepted or refused.
    public enum Verdict: String, Sendable, Hashable {
        /// The signature matches and the timestamp is within the window.
        case valid
        /// The timestamp or signature header is absent.
        case missingHeader = "missing-header"
        /// The timestamp is not a decimal number of seconds.
        case malformedTimestamp = "malformed-timestamp"
        /// The timestamp is further than the allowed age from `now`, either way.
        case stale
        /// The signature is not `v1=` followed by hex.
        case malformedSignature = "malformed-signature"
        /// The signature does not match the body and timestamp under this secret.
        case mismatch

        public var isValid: Bool { self == .valid }
    }

    /// The `X-Herald-Signature` value for `body` sent at `timestamp`.
    public static func signature(secret: [UInt8], timestamp: Int, body: [UInt8]) throws(SigningError) -> String {
        schemePrefix + Signer.hexEncode(try mac(secret: secret, timestamp: String(timestamp), body: body))
    }

    /// Both headers to send with `body`: `X-Herald-Timestamp` then `X-Herald-Signature`.
    public static func headers(secret: [UInt8], timestamp: Int, body: [UInt8]) throws(SigningError) -> [HTTPHeader] {
        [
            HTTPHeader(timestampHeader, String(timestamp)),
            HTTPHeader(signatureHeader, try signature(secret: secret, timestamp: timestamp, body: body)),
        ]
    }

    /// Checks a received request's headers against its body.
    ///
    /// The MAC is compared in constant time. The timestamp must be within
    /// `maxAge` seconds of `now` in either direction, so a sender whose clock
    /// runs a little ahead is still accepted. Throws only when libcrypto
    /// fails, which is Herald's fault rather than the sender's.
    ///
    /// - Parameters:
    ///   - timestamp: the `X-Herald-Timestamp` value, nil when absent.
    ///   - signature: the `X-Herald-Signature` value, nil when absent.
    ///   - now: the receiver's unix time in seconds (injected for tests).
    public static func verify(secret: [UInt8],
                              timestamp: String?,
                              signature: String?,
                              body: [UInt8],
                              now: Int,
                              maxAge: Int = defaultMaxAge) throws(SigningError) -> Verdict {
        guard let timestamp, let signature else { return .missingHeader }
        guard !timestamp.isEmpty, timestamp.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let seconds = Int(timestamp) else { return .malformedTimestamp }
        let (age, overflow) = now.subtractingReportingOverflow(seconds)
        guard !overflow, age.magnitude <= UInt(max(0, maxAge)) else { return .stale }

        guard signature.hasPrefix(schemePrefix),
              let received = Signer.hexDecode(String(signature.dropFirst(schemePrefix.count))),
              !received.isEmpty else { return .malformedSignature }
        let expected = try mac(secret: secret, timestamp: timestamp, body: body)
        return Signer.constantTimeEquals(expected, received) ? .valid : .mismatch
    }

    /// `verify(secret:timestamp:signature:body:now:maxAge:)` with the two
    /// headers looked up by name, case-insensitively, in `headers`.
    public static func verify(secret: [UInt8],
                              headers: [HTTPHeader],
                              body: [UInt8],
                              now: Int,
                              maxAge: Int = defaultMaxAge) throws(SigningError) -> Verdict {
        func value(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        return try verify(secret: secret,
                          timestamp: value(timestampHeader),
                          signature: value(signatureHeader),
                          body: body,
                          now: now,
                          maxAge: maxAge)
    }

    /// HMAC-SHA256 over `timestamp + "." + body`, the timestamp exactly as sent.
    private static func mac(secret: [UInt8], timestamp: String, body: [UInt8]) throws(SigningError) -> [UInt8] {
        var message = Array(timestamp.utf8)
        message.append(UInt8(ascii: "."))
        message.append(contentsOf: body)
        return try Signer.hmacSHA256(key: secret, message: message)
    }
}

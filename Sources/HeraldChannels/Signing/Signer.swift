import CCrypto

/// SHA-256, HMAC and constant-time comparison on OpenSSL's libcrypto: the
/// primitives under the gateway signatures (`AlibabaRPCSignature`,
/// `TencentTC3Signature`) and Herald's own webhooks (`WebhookSignature`).
///
/// Every function is one call to a libcrypto one-shot API (`HMAC()`,
/// `EVP_Digest()`, `CRYPTO_memcmp()`): no context is kept, so there is no
/// handle to own and nothing to free, and the functions are safe to call from
/// any thread. Hex and Base64 live in `Signer+Encoding.swift`.
///
/// String overloads sign the string's UTF-8 bytes.
public enum Signer {
    /// The SHA-256 digest of `message` (32 bytes), via `EVP_Digest`.
    public static func sha256(_ message: [UInt8]) throws(SigningError) -> [UInt8] {
        try digest(.sha256, message)
    }

    /// The SHA-256 digest of the UTF-8 bytes of `message`.
    public static func sha256(_ message: String) throws(SigningError) -> [UInt8] {
        try digest(.sha256, Array(message.utf8))
    }

    /// HMAC-SHA1 (RFC 2104) of `message` under `key` (20 bytes); Alibaba's RPC signature.
    public static func hmacSHA1(key: [UInt8], message: [UInt8]) throws(SigningError) -> [UInt8] {
        try hmac(.sha1, key: key, message: message)
    }

    /// HMAC-SHA1 over the UTF-8 bytes of `key` and `message`.
    public static func hmacSHA1(key: String, message: String) throws(SigningError) -> [UInt8] {
        try hmac(.sha1, key: Array(key.utf8), message: Array(message.utf8))
    }

    /// HMAC-SHA256 (RFC 2104, RFC 4231) of `message` under `key` (32 bytes).
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) throws(SigningError) -> [UInt8] {
        try hmac(.sha256, key: key, message: message)
    }

    /// HMAC-SHA256 of the UTF-8 bytes of `message` under a binary key, as in
    /// Tencent's TC3 key derivation, where each step's key is the last MAC.
    public static func hmacSHA256(key: [UInt8], message: String) throws(SigningError) -> [UInt8] {
        try hmac(.sha256, key: key, message: Array(message.utf8))
    }

    /// HMAC-SHA256 over the UTF-8 bytes of `key` and `message`.
    public static func hmacSHA256(key: String, message: String) throws(SigningError) -> [UInt8] {
        try hmac(.sha256, key: Array(key.utf8), message: Array(message.utf8))
    }

    /// True when `a` and `b` hold the same bytes, in time that depends only
    /// on their length (`CRYPTO_memcmp`), so a MAC check leaks nothing about
    /// how many leading bytes matched. Arrays of different lengths are
    /// unequal at once: a MAC's length is not secret.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }

    // MARK: - libcrypto calls

    /// The hash functions Herald signs with.
    private enum Algorithm {
        case sha1, sha256

        var name: String {
            switch self {
            case .sha1: "SHA-1"
            case .sha256: "SHA-256"
            }
        }

        /// libcrypto's `EVP_MD` for this algorithm; static, never freed.
        func messageDigest() throws(SigningError) -> OpaquePointer {
            let md: OpaquePointer? = switch self {
            case .sha1: EVP_sha1()
            case .sha256: EVP_sha256()
            }
            guard let md else {
                throw SigningError.fromOpenSSL(.algorithmUnavailable, "libcrypto has no \(name) implementation")
            }
            return md
        }
    }

    private static func digest(_ algorithm: Algorithm, _ message: [UInt8]) throws(SigningError) -> [UInt8] {
        let md = try algorithm.messageDigest()
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var outputLength: UInt32 = 0
        let status = message.withNonNullPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input, message.count, out.baseAddress, &outputLength, md, nil)
            }
        }
        guard status == 1, outputLength > 0, Int(outputLength) <= output.count else {
            throw SigningError.fromOpenSSL(.digestFailed, "EVP_Digest(\(algorithm.name)) failed")
        }
        return Array(output.prefix(Int(outputLength)))
    }

    private static func hmac(_ algorithm: Algorithm, key: [UInt8], message: [UInt8]) throws(SigningError) -> [UInt8] {
        let md = try algorithm.messageDigest()
        guard let keyLength = Int32(exactly: key.count) else {
            throw SigningError(code: .inputTooLarge, message: "HMAC key of \(key.count) bytes is longer than libcrypto accepts")
        }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var outputLength: UInt32 = 0
        // An empty key or message goes in as a valid pointer with length 0:
        // HMAC()'s documentation does not promise that NULL is accepted.
        let result = key.withNonNullPointer { keyBytes in
            message.withNonNullPointer { messageBytes in
                output.withUnsafeMutableBufferPointer { out in
                    HMAC(md, keyBytes, keyLength, messageBytes, message.count, out.baseAddress, &outputLength)
                }
            }
        }
        guard result != nil, outputLength > 0, Int(outputLength) <= output.count else {
            throw SigningError.fromOpenSSL(.macFailed, "HMAC(\(algorithm.name)) failed")
        }
        return Array(output.prefix(Int(outputLength)))
    }
}

extension Array where Element == UInt8 {
    /// Calls `body` with a pointer to the bytes; for an empty array, a valid
    /// pointer to a zero byte, since libcrypto may reject NULL even with length 0.
    fileprivate func withNonNullPointer<Result>(_ body: (UnsafePointer<UInt8>) -> Result) -> Result {
        withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { return body(base) }
            let zero: UInt8 = 0
            return withUnsafePointer(to: zero) { body($0) }
        }
    }
}

import CCrypto

/// Why libcrypto could not compute a digest or MAC.
///
/// These failures do not depend on the data being signed: they mean the
/// OpenSSL installation is broken (a provider did not load, memory ran out)
/// or an input is larger than libcrypto's `int` lengths allow. Keys and
/// messages are never part of the description, so it is safe to log.
public struct SigningError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure, stable across releases.
    public enum Code: String, Sendable, Hashable {
        /// `EVP_sha1()` or `EVP_sha256()` returned no algorithm.
        case algorithmUnavailable = "algorithm-unavailable"
        /// `EVP_Digest()` failed.
        case digestFailed = "digest-failed"
        /// `HMAC()` failed.
        case macFailed = "mac-failed"
        /// A key is longer than libcrypto's `int` length parameter allows.
        case inputTooLarge = "input-too-large"
    }

    public var code: Code
    /// What failed, in words; holds no key or message bytes.
    public var message: String
    /// The first code on OpenSSL's error queue when the call failed
    /// (`ERR_get_error()`), or 0 when the queue was empty.
    public var openSSLError: UInt

    public init(code: Code, message: String, openSSLError: UInt = 0) {
        self.code = code
        self.message = message
        self.openSSLError = openSSLError
    }

    public var description: String {
        openSSLError == 0
            ? "\(code.rawValue): \(message)"
            : "\(code.rawValue): \(message) (OpenSSL error \(SigningError.openSSLReason(openSSLError)))"
    }

    /// An error for a failed libcrypto call, carrying the first queued
    /// OpenSSL error; clears the queue so the next call starts clean.
    static func fromOpenSSL(_ code: Code, _ message: String) -> SigningError {
        let queued = ERR_get_error()
        ERR_clear_error()
        return SigningError(code: code, message: message, openSSLError: queued)
    }

    /// OpenSSL's text for an error code, e.g. "error:0308010C:digital envelope routines::unsupported".
    private static func openSSLReason(_ error: UInt) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = buffer.count
        buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(error, $0.baseAddress, count) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

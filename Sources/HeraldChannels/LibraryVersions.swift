import CCrypto
import CCurl

/// Versions of the C libraries HeraldChannels links, for `herald version`
/// and bug reports.
public enum LibraryVersions {
    /// libcurl's version string, e.g. "libcurl/7.88.1 OpenSSL/3.0.17 zlib/1.2.13 ...".
    public static var curl: String {
        curl_version().map { String(cString: $0) } ?? "unknown"
    }

    /// OpenSSL's version string, e.g. "OpenSSL 3.0.17 1 Jul 2025".
    public static var crypto: String {
        OpenSSL_version(Int32(OPENSSL_VERSION)).map { String(cString: $0) } ?? "unknown"
    }
}

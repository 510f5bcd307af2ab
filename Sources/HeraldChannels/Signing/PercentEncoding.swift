/// Percent-encoding as the gateways want it: every UTF-8 byte outside
/// RFC 3986's unreserved set (`A-Z a-z 0-9 - _ . ~`) becomes `%XX` with
/// uppercase hex.
///
/// This is not `application/x-www-form-urlencoded`: a space is `%20`, never
/// `+`, and `*` is encoded (`%2A`) while `~` is not. Chinese text is encoded
/// byte by byte, so "阿" (U+963F, UTF-8 E9 98 BF) becomes `%E9%98%BF`.
public enum PercentEncoding {
    /// Alibaba Cloud's "POP" encoding for RPC signatures, applied to each
    /// parameter name and value, and again to the whole canonicalized query.
    ///
    /// Alibaba's rule: https://www.alibabacloud.com/help/doc-detail/196741.htm
    /// (Request signature, "Encode in UTF-8 the parameters and their values").
    public static func pop(_ text: String) -> String {
        encodeUnreserved(text)
    }

    /// A name or value for a URL query, such as Kannel's
    /// `/cgi-bin/sendsms?username=&password=&to=&text=`.
    ///
    /// Kannel decodes both `%20` and `+` as a space, so encoding a space as
    /// `%20` and a literal `+` as `%2B` keeps phone numbers like `+86…` intact.
    public static func queryComponent(_ text: String) -> String {
        encodeUnreserved(text)
    }

    /// A query string of `name=value` pairs joined with `&`, in the order
    /// given, each name and value encoded with `queryComponent(_:)`.
    public static func query(_ pairs: [(name: String, value: String)]) -> String {
        pairs.map { queryComponent($0.name) + "=" + queryComponent($0.value) }.joined(separator: "&")
    }

    /// True for the bytes RFC 3986 §2.3 calls unreserved.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"): true
        default: false
        }
    }

    private static func encodeUnreserved(_ text: String) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var encoded = [UInt8]()
        encoded.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                encoded.append(byte)
            } else {
                encoded.append(UInt8(ascii: "%"))
                encoded.append(digits[Int(byte >> 4)])
                encoded.append(digits[Int(byte & 0x0f)])
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }
}

/// One `name=value` pair of a query string or an
/// `application/x-www-form-urlencoded` body, already percent-decoded.
public struct HTTPQueryItem: Sendable, Hashable {
    public var name: String
    /// Empty for a bare `name` with no `=`.
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// Splits URL-encoded form data (`a=1&b=%E5%BC%A0+%E4%B8%89`) into items.
    ///
    /// `+` decodes to a space and `%XX` to its byte, per the WHATWG
    /// `application/x-www-form-urlencoded` parser; the bytes are then read as
    /// UTF-8, with invalid sequences replaced. A malformed escape (`%zz`) is
    /// kept as written. Empty pieces (`a=1&&b=2`) are skipped.
    public static func decode(formEncoded bytes: some Collection<UInt8>) -> [HTTPQueryItem] {
        bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { piece in
            if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
                return HTTPQueryItem(percentDecoded(piece[..<equals]),
                                     percentDecoded(piece[piece.index(after: equals)...]))
            }
            return HTTPQueryItem(percentDecoded(piece), "")
        }
    }

    /// Splits a query string (the part after `?`, without it) like form data.
    public static func decode(query: String) -> [HTTPQueryItem] {
        decode(formEncoded: Array(query.utf8))
    }

    private static func percentDecoded(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"),
                      let first = bytes.index(index, offsetBy: 1, limitedBy: bytes.endIndex),
                      first != bytes.endIndex,
                      let second = bytes.index(first, offsetBy: 1, limitedBy: bytes.endIndex),
                      second != bytes.endIndex,
                      let high = hexValue(bytes[first]), let low = hexValue(bytes[second]) {
                output.append(high << 4 | low)
                index = second
            } else {
                output.append(byte)
            }
            index = bytes.index(after: index)
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

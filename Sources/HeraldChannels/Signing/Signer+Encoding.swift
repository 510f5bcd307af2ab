import CCrypto

/// Hex and Base64, the two text forms signatures travel in.
extension Signer {
    /// Lowercase hex of `bytes`, two digits a byte (Tencent TC3, webhooks).
    public static func hexEncode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes spelled by hex `text` (either case), or nil when it has an
    /// odd length or a character that is not a hex digit.
    public static func hexDecode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(characters.count / 2)
        var index = 0
        while index < characters.count {
            guard let high = hexValue(characters[index]), let low = hexValue(characters[index + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    /// Standard Base64 (RFC 4648 §4) of `bytes`, with `=` padding and no
    /// line breaks, via libcrypto's `EVP_EncodeBlock`.
    public static func base64Encode(_ bytes: [UInt8]) -> String {
        var text = [UInt8]()
        text.reserveCapacity((bytes.count + 2) / 3 * 4)
        // EVP_EncodeBlock takes an `int` length: feed it whole 3-byte groups
        // in bounded chunks so any array size works.
        let chunkSize = 3 * 16_384
        var output = [UInt8](repeating: 0, count: chunkSize / 3 * 4 + 1)
        var start = 0
        while start < bytes.count {
            let end = min(start + chunkSize, bytes.count)
            let inputCount = end - start
            let written = bytes[start..<end].withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    EVP_EncodeBlock(out.baseAddress, input.baseAddress, Int32(inputCount))
                }
            }
            let expected = (inputCount + 2) / 3 * 4
            precondition(Int(written) == expected,
                         "EVP_EncodeBlock wrote \(written) characters for \(inputCount) bytes, expected \(expected)")
            text.append(contentsOf: output.prefix(expected))
            start = end
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes of standard, padded Base64 `text`, or nil when it is not
    /// that: a length that is not a multiple of 4, a character outside the
    /// alphabet (whitespace included), or `=` anywhere but the last two places.
    public static func base64Decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 4 == 0 else { return nil }
        guard !characters.isEmpty else { return [] }

        let padding = characters.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard padding <= 2,
              characters.dropLast(padding).allSatisfy(isBase64Alphabet) else { return nil }

        var bytes = [UInt8]()
        bytes.reserveCapacity(characters.count / 4 * 3)
        // Chunks of whole 4-character groups; only the last can hold padding.
        let chunkSize = 4 * 16_384
        var output = [UInt8](repeating: 0, count: chunkSize / 4 * 3)
        var start = 0
        while start < characters.count {
            let end = min(start + chunkSize, characters.count)
            let inputCount = end - start
            let written = characters[start..<end].withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    EVP_DecodeBlock(out.baseAddress, input.baseAddress, Int32(inputCount))
                }
            }
            // EVP_DecodeBlock counts padding as zero bytes; -1 means bad input.
            guard Int(written) == inputCount / 4 * 3 else { return nil }
            bytes.append(contentsOf: output.prefix(Int(written)))
            start = end
        }
        return Array(bytes.dropLast(padding))
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func isBase64Alphabet(_ character: UInt8) -> Bool {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"): true
        default: false
        }
    }
}

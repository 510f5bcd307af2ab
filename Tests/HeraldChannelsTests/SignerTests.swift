import Testing
@testable import HeraldChannels

/// The libcrypto primitives against their standards' published vectors.
///
/// The gateway and webhook suites are nested in this one (as extensions in
/// their own files) so that `swift test --filter SignerTests` runs them all.
@Suite struct SignerTests {
    /// One HMAC test case from an RFC: key and data as bytes, expected MAC as hex.
    struct MACVector: Sendable, CustomTestStringConvertible {
        var name: String
        var key: [UInt8]
        var data: [UInt8]
        var expected: String
        var testDescription: String { name }

        init(_ name: String, key: [UInt8], data: [UInt8], expected: String) {
            self.name = name
            self.key = key
            self.data = data
            self.expected = expected
        }

        init(_ name: String, key: [UInt8], text: String, expected: String) {
            self.init(name, key: key, data: Array(text.utf8), expected: expected)
        }
    }

    /// RFC 2202 §3, test cases 1–7 for HMAC-SHA1.
    static let rfc2202: [MACVector] = [
        MACVector("RFC 2202 case 1", key: repeated(0x0b, 20), text: "Hi There",
                  expected: "b617318655057264e28bc0b6fb378c8ef146be00"),
        MACVector("RFC 2202 case 2", key: Array("Jefe".utf8), text: "what do ya want for nothing?",
                  expected: "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        MACVector("RFC 2202 case 3", key: repeated(0xaa, 20), data: repeated(0xdd, 50),
                  expected: "125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
        MACVector("RFC 2202 case 4", key: Array(0x01...0x19), data: repeated(0xcd, 50),
                  expected: "4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
        MACVector("RFC 2202 case 5", key: repeated(0x0c, 20), text: "Test With Truncation",
                  expected: "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"),
        MACVector("RFC 2202 case 6", key: repeated(0xaa, 80),
                  text: "Test Using Larger Than Block-Size Key - Hash Key First",
                  expected: "aa4ae5e15272d00e95705637ce8a3b55ed402112"),
        MACVector("RFC 2202 case 7", key: repeated(0xaa, 80),
                  text: "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
                  expected: "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"),
    ]

    /// RFC 4231 §4.2–4.8, test cases 1–7 for HMAC-SHA256. Case 5's RFC value
    /// is truncated to 128 bits, so it is compared as a prefix.
    static let rfc4231: [MACVector] = [
        MACVector("RFC 4231 case 1", key: repeated(0x0b, 20), text: "Hi There",
                  expected: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        MACVector("RFC 4231 case 2", key: Array("Jefe".utf8), text: "what do ya want for nothing?",
                  expected: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        MACVector("RFC 4231 case 3", key: repeated(0xaa, 20), data: repeated(0xdd, 50),
                  expected: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        MACVector("RFC 4231 case 4", key: Array(0x01...0x19), data: repeated(0xcd, 50),
                  expected: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        MACVector("RFC 4231 case 5 (128-bit truncation)", key: repeated(0x0c, 20), text: "Test With Truncation",
                  expected: "a3b6167473100ee06e0c796c2955552b"),
        MACVector("RFC 4231 case 6", key: repeated(0xaa, 131),
                  text: "Test Using Larger Than Block-Size Key - Hash Key First",
                  expected: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        MACVector("RFC 4231 case 7", key: repeated(0xaa, 131),
                  text: "This is a test using a larger than block-size key and a larger than block-size data. "
                      + "The key needs to be hashed before being used by the HMAC algorithm.",
                  expected: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    static func repeated(_ byte: UInt8, _ count: Int) -> [UInt8] {
        [UInt8](repeating: byte, count: count)
    }

    // MARK: - HMAC

    @Test(arguments: rfc2202)
    func hmacSHA1MatchesRFC2202(_ vector: MACVector) throws {
        let mac = try Signer.hmacSHA1(key: vector.key, message: vector.data)
        #expect(mac.count == 20)
        #expect(Signer.hexEncode(mac) == vector.expected)
    }

    @Test(arguments: rfc4231)
    func hmacSHA256MatchesRFC4231(_ vector: MACVector) throws {
        let mac = try Signer.hmacSHA256(key: vector.key, message: vector.data)
        #expect(mac.count == 32)
        // Case 5 publishes only the first 128 bits; for the others, which
        // publish all 256, the prefix is the whole MAC.
        #expect(Signer.hexEncode(mac).hasPrefix(vector.expected))
    }

    @Test func stringOverloadsSignTheUTF8Bytes() throws {
        // RFC 2202 and RFC 4231 case 2, whose key and data are text.
        #expect(Signer.hexEncode(try Signer.hmacSHA1(key: "Jefe", message: "what do ya want for nothing?"))
            == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        #expect(Signer.hexEncode(try Signer.hmacSHA256(key: "Jefe", message: "what do ya want for nothing?"))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(Signer.hexEncode(try Signer.hmacSHA256(key: Array("Jefe".utf8), message: "what do ya want for nothing?"))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func emptyKeyAndMessageAreAccepted() throws {
        // HMAC-SHA256("", ""), the example value on Wikipedia's HMAC page;
        // checks that an empty array never reaches libcrypto as NULL.
        #expect(Signer.hexEncode(try Signer.hmacSHA256(key: [], message: []))
            == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    // MARK: - SHA-256

    @Test func sha256MatchesFIPS180Vectors() throws {
        // FIPS 180-2 Appendix B.1 ("abc") and the digest of the empty message.
        #expect(Signer.hexEncode(try Signer.sha256("abc"))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Signer.hexEncode(try Signer.sha256([]))
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Signer.hexEncode(try Signer.sha256(""))
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    // MARK: - Hex

    @Test func hexIsLowercaseAndDecodesEitherCase() {
        #expect(Signer.hexEncode([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(Signer.hexEncode([]) == "")
        #expect(Signer.hexDecode("000fa0ff") == [0x00, 0x0f, 0xa0, 0xff])
        #expect(Signer.hexDecode("000FA0FF") == [0x00, 0x0f, 0xa0, 0xff])
        #expect(Signer.hexDecode("") == [])
    }

    @Test func hexDecodeRejectsOddLengthAndNonDigits() {
        #expect(Signer.hexDecode("abc") == nil)
        #expect(Signer.hexDecode("zz") == nil)
        #expect(Signer.hexDecode("0g") == nil)
        #expect(Signer.hexDecode(" 0a") == nil)
    }

    // MARK: - Base64

    /// RFC 4648 §10 test vectors.
    static let rfc4648: [(plain: String, encoded: String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test func base64MatchesRFC4648Vectors() {
        for (plain, encoded) in Self.rfc4648 {
            #expect(Signer.base64Encode(Array(plain.utf8)) == encoded, "encoding \(plain)")
            #expect(Signer.base64Decode(encoded) == Array(plain.utf8), "decoding \(encoded)")
        }
    }

    @Test func base64RoundTripsEveryByteValueAndLargeInputs() {
        let allBytes = (0...255).map { UInt8($0) }
        #expect(Signer.base64Decode(Signer.base64Encode(allBytes)) == allBytes)
        // Larger than one libcrypto chunk (49,152 input bytes), not a multiple of 3.
        let large = (0..<200_003).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let encoded = Signer.base64Encode(large)
        #expect(encoded.utf8.count == (large.count + 2) / 3 * 4)
        #expect(Signer.base64Decode(encoded) == large)
    }

    @Test func base64UsesThePlusAndSlashAlphabet() {
        #expect(Signer.base64Encode([0xfb, 0xff]) == "+/8=")
        #expect(Signer.base64Decode("+/8=") == [0xfb, 0xff])
    }

    @Test func base64DecodeRejectsMalformedText() {
        #expect(Signer.base64Decode("Zg") == nil)          // unpadded
        #expect(Signer.base64Decode("Zg=") == nil)         // length not a multiple of 4
        #expect(Signer.base64Decode("Z===") == nil)        // three pad characters
        #expect(Signer.base64Decode("Zg==Zg==") == nil)    // padding in the middle
        #expect(Signer.base64Decode("Zm9v\n") == nil)      // whitespace
        #expect(Signer.base64Decode("Zm9-") == nil)        // URL-safe alphabet
        #expect(Signer.base64Decode("Zm!v") == nil)
    }

    // MARK: - Errors

    @Test func signingErrorDescriptionNamesTheCodeAndNoInput() {
        let error = SigningError(code: .macFailed, message: "HMAC(SHA-256) failed")
        #expect(error.description == "mac-failed: HMAC(SHA-256) failed")
        #expect(error.openSSLError == 0)
    }

    // MARK: - Constant-time comparison

    @Test func constantTimeEqualsComparesEveryByte() {
        #expect(Signer.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(Signer.constantTimeEquals([], []))
        #expect(!Signer.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!Signer.constantTimeEquals([9, 2, 3], [1, 2, 3]))
        #expect(!Signer.constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(!Signer.constantTimeEquals([], [0]))
    }
}

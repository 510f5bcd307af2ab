import Testing
@testable import HeraldChannels

extension SignerTests {
    /// Herald's webhook signature: sign, then verify with an injected clock.
    @Suite struct Webhook {
        static let secret = Array("whsec-neighbourhood-committee".utf8)
        static let body = Array(#"{"resident":"r-17","activity":"clean-up","reply":"1"}"#.utf8)
        static let sentAt = 1_700_000_000

        @Test func signatureIsV1HexOfHMACOverTimestampDotBody() throws {
            let value = try WebhookSignature.signature(secret: Self.secret, timestamp: Self.sentAt, body: Self.body)
            // Computed independently through the primitive, over the documented message.
            let message = Array("1700000000.".utf8) + Self.body
            let expected = "v1=" + Signer.hexEncode(try Signer.hmacSHA256(key: Self.secret, message: message))
            #expect(value == expected)
            #expect(value.count == 3 + 64)
        }

        @Test func signatureMatchesAFixedVector() throws {
            // HMAC-SHA256(key "Jefe", "1700000000.hello"), checked with Python's hmac module.
            let value = try WebhookSignature.signature(secret: Array("Jefe".utf8), timestamp: 1_700_000_000,
                                                       body: Array("hello".utf8))
            #expect(value == "v1=86c50c1641104be705d03ec157106bfe13e510a12e037d6e6eab275dda9f871f")
        }

        @Test func headersCarryTimestampAndSignature() throws {
            let headers = try WebhookSignature.headers(secret: Self.secret, timestamp: Self.sentAt, body: Self.body)
            #expect(headers.map(\.name) == ["X-Herald-Timestamp", "X-Herald-Signature"])
            #expect(headers[0].value == "1700000000")
            #expect(headers[1].value == (try WebhookSignature.signature(secret: Self.secret, timestamp: Self.sentAt,
                                                                       body: Self.body)))
        }

        @Test func aGoodRequestVerifies() throws {
            let headers = try WebhookSignature.headers(secret: Self.secret, timestamp: Self.sentAt, body: Self.body)
            #expect(try WebhookSignature.verify(secret: Self.secret, headers: headers, body: Self.body,
                                                now: Self.sentAt + 42) == .valid)
            // Header names are matched case-insensitively, as HTTP requires.
            let lowercased = headers.map { HTTPHeader($0.name.lowercased(), $0.value) }
            #expect(try WebhookSignature.verify(secret: Self.secret, headers: lowercased, body: Self.body,
                                                now: Self.sentAt) == .valid)
            // Uppercase hex from another sender's library is accepted too.
            let signature = headers[1].value
            let upper = "v1=" + signature.dropFirst(3).uppercased()
            #expect(try WebhookSignature.verify(secret: Self.secret, timestamp: "1700000000", signature: upper,
                                                body: Self.body, now: Self.sentAt) == .valid)
        }

        @Test func aTamperedBodyIsRejected() throws {
            let headers = try WebhookSignature.headers(secret: Self.secret, timestamp: Self.sentAt, body: Self.body)
            var tampered = Self.body
            tampered[tampered.count - 3] = UInt8(ascii: "2")   // reply "1" becomes "2"
            #expect(try WebhookSignature.verify(secret: Self.secret, headers: headers, body: tampered,
                                                now: Self.sentAt) == .mismatch)
            #expect(try WebhookSignature.verify(secret: Self.secret, headers: headers, body: Self.body + [0x20],
                                                now: Self.sentAt) == .mismatch)
        }

        @Test func aTamperedTimestampIsRejected() throws {
            let signature = try WebhookSignature.signature(secret: Self.secret, timestamp: Self.sentAt, body: Self.body)
            #expect(try WebhookSignature.verify(secret: Self.secret, timestamp: "1700000001", signature: signature,
                                                body: Self.body, now: Self.sentAt) == .mismatch)
        }

        @Test func staleAndFutureTimestampsAreRejectedAtTheWindowEdge() throws {
            let headers = try WebhookSignature.headers(secret: Self.secret, timestamp: Self.sentAt, body: Self.body)
            func verdict(now: Int, maxAge: Int = WebhookSignature.defaultMaxAge) throws -> WebhookSignature.Verdict {
                try WebhookSignature.verify(secret: Self.secret, headers: headers, body: Self.body, now: now, maxAge: maxAge)
            }
            #expect(try verdict(now: Self.sentAt + 300) == .valid)
            #expect(try verdict(now: Self.sentAt + 301) == .stale)
            #expect(try verdict(now: Self.sentAt + 86_400) == .stale)
            #expect(try verdict(now: Self.sentAt - 300) == .valid)
            #expect(try verdict(now: Self.sentAt - 301) == .stale)
            #expect(try verdict(now: Self.sentAt + 61, maxAge: 60) == .stale)
        }

        @Test func theWrongSecretIsRejected() throws {
            let headers = try WebhookSignature.headers(secret: Array("other-secret".utf8), timestamp: Self.sentAt,
                                                       body: Self.body)
            let verdict = try WebhookSignature.verify(secret: Self.secret, headers: headers, body: Self.body,
                                                      now: Self.sentAt)
            #expect(verdict == .mismatch)
            #expect(!verdict.isValid)
        }

        @Test func missingAndMalformedHeadersAreNamed() throws {
            let signature = try WebhookSignature.signature(secret: Self.secret, timestamp: Self.sentAt, body: Self.body)
            func verdict(_ timestamp: String?, _ signature: String?) throws -> WebhookSignature.Verdict {
                try WebhookSignature.verify(secret: Self.secret, timestamp: timestamp, signature: signature,
                                            body: Self.body, now: Self.sentAt)
            }
            #expect(try verdict(nil, signature) == .missingHeader)
            #expect(try verdict("1700000000", nil) == .missingHeader)
            #expect(try WebhookSignature.verify(secret: Self.secret, headers: [], body: Self.body,
                                                now: Self.sentAt) == .missingHeader)
            #expect(try verdict("", signature) == .malformedTimestamp)
            #expect(try verdict("1700000000.5", signature) == .malformedTimestamp)
            #expect(try verdict("-1700000000", signature) == .malformedTimestamp)
            #expect(try verdict("99999999999999999999999", signature) == .malformedTimestamp)
            #expect(try verdict("1700000000", String(signature.dropFirst(3))) == .malformedSignature)
            #expect(try verdict("1700000000", "v2=" + signature.dropFirst(3)) == .malformedSignature)
            #expect(try verdict("1700000000", "v1=") == .malformedSignature)
            #expect(try verdict("1700000000", "v1=xyz") == .malformedSignature)
            // A truncated MAC is well-formed hex but does not match.
            #expect(try verdict("1700000000", String(signature.dropLast(2))) == .mismatch)
        }
    }
}

import Testing
@testable import HeraldChannels

extension SignerTests {
    /// TC3-HMAC-SHA256 against the worked example of Tencent Cloud's
    /// "Signature v3" page (签名方法 v3): CVM DescribeInstances in
    /// ap-guangzhou at 1551113065, https://tencentcloud.com/zh/document/product/1021/34193
    /// (English: https://www.tencentcloud.com/document/product/267/37447).
    @Suite struct TencentTC3 {
        /// The example's body, byte for byte: the Chinese name 未命名 is
        /// written with JSON \u escapes, so the body is plain ASCII.
        static let payload = Array(#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#.utf8)

        static func signExample(secretId: String, secretKey: String,
                                region: String? = "ap-guangzhou") throws -> TencentTC3Signature {
            try TencentTC3Signature.sign(secretId: secretId, secretKey: secretKey,
                                         service: "cvm", host: "cvm.tencentcloudapi.com",
                                         action: "DescribeInstances", version: "2017-03-12",
                                         region: region, timestamp: 1_551_113_065, payload: payload)
        }

        @Test func documentedExampleMatchesEveryStep() throws {
            // The page's credentials: SecretId AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE,
            // SecretKey Gu5t9xGARNpq86cd98joQYCN3EXAMPLE.
            let signed = try Self.signExample(secretId: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                                              secretKey: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")
            #expect(Signer.hexEncode(try Signer.sha256(Self.payload))
                == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064")
            #expect(signed.canonicalRequest == """
                POST
                /

                content-type:application/json; charset=utf-8
                host:cvm.tencentcloudapi.com

                content-type;host
                35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064
                """)
            #expect(Signer.hexEncode(try Signer.sha256(signed.canonicalRequest))
                == "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031")
            #expect(signed.credentialScope == "2019-02-25/cvm/tc3_request")
            #expect(signed.stringToSign == """
                TC3-HMAC-SHA256
                1551113065
                2019-02-25/cvm/tc3_request
                5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031
                """)
            #expect(signed.signature == "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")
            #expect(signed.authorization == "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
                + "/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, "
                + "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")
        }

        @Test func headersAreTheDocumentedCallsHeaders() throws {
            let signed = try Self.signExample(secretId: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                                              secretKey: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")
            #expect(signed.headers == [
                HTTPHeader("Authorization", signed.authorization),
                HTTPHeader("Content-Type", "application/json; charset=utf-8"),
                HTTPHeader("Host", "cvm.tencentcloudapi.com"),
                HTTPHeader("X-TC-Action", "DescribeInstances"),
                HTTPHeader("X-TC-Timestamp", "1551113065"),
                HTTPHeader("X-TC-Version", "2017-03-12"),
                HTTPHeader("X-TC-Region", "ap-guangzhou"),
            ])
        }

        @Test func maskedKeyRevisionOfTheExample() throws {
            // Later revisions of the page mask the example's keys as
            // AKIDz8krbsJ5yKBZQpn74WFkmLPx3******* and Gu5t9xGARNpq86cd98joQYCN3*******
            // and print Signature=2230eefd…, which is what those literal strings
            // sign to. (That revision was not in the searchable copies; the value
            // is quoted by several open-source TC3 signers' test suites.)
            let signed = try Self.signExample(secretId: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******",
                                              secretKey: "Gu5t9xGARNpq86cd98joQYCN3*******")
            #expect(signed.stringToSign.hasSuffix("5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"))
            #expect(signed.authorization == "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******"
                + "/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, "
                + "Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c")
        }

        @Test func withoutARegionThereIsNoRegionHeaderAndTheSignatureIsUnchanged() throws {
            let withRegion = try Self.signExample(secretId: "id", secretKey: "key")
            let withoutRegion = try Self.signExample(secretId: "id", secretKey: "key", region: nil)
            #expect(!withoutRegion.headers.contains { $0.name == "X-TC-Region" })
            #expect(withoutRegion.headers.count == 6)
            // X-TC-Region is not a signed header.
            #expect(withoutRegion.signature == withRegion.signature)
        }

        @Test func theHostIsSignedInLowercaseAndSentAsGiven() throws {
            let signed = try TencentTC3Signature.sign(secretId: "id", secretKey: "key", service: "sms",
                                                      host: "SMS.TencentCloudAPI.com", action: "SendSms",
                                                      version: "2021-01-11", region: "ap-guangzhou",
                                                      timestamp: 1_551_113_065, payload: Array("{}".utf8))
            #expect(signed.canonicalRequest.contains("\nhost:sms.tencentcloudapi.com\n"))
            #expect(signed.headers.contains(HTTPHeader("Host", "SMS.TencentCloudAPI.com")))
            #expect(signed.credentialScope == "2019-02-25/sms/tc3_request")
        }

        @Test func theScopeDateIsTheUTCDate() {
            // The page's own warning: 1551113065 is 2019-02-26 00:44:25 in
            // UTC+8, but the scope's date is the UTC one, 2019-02-25.
            #expect(TencentTC3Signature.utcDate(1_551_113_065) == "2019-02-25")
            #expect(TencentTC3Signature.utcDate(0) == "1970-01-01")
            #expect(TencentTC3Signature.utcDate(-1) == "1969-12-31")
            #expect(TencentTC3Signature.utcDate(86_399) == "1970-01-01")
            #expect(TencentTC3Signature.utcDate(86_400) == "1970-01-02")
            #expect(TencentTC3Signature.utcDate(951_782_400) == "2000-02-29")     // leap day of a 400-year leap year
            #expect(TencentTC3Signature.utcDate(4_107_542_400) == "2100-03-01")   // 2100 is not a leap year
        }
    }
}

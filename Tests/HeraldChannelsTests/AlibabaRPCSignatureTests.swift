import Testing
@testable import HeraldChannels

extension SignerTests {
    /// Alibaba Cloud RPC signature version 1.0 against Alibaba's worked examples.
    @Suite struct AlibabaRPC {
        /// The SMS example of Alibaba's SMS API signing page ("HTTP协议及签名",
        /// https://help.aliyun.com/document_detail/56189.html, also quoted on
        /// https://developer.aliyun.com/ask/278546). Its credentials are
        /// AccessKeyId `testId`, AccessKeySecret `testSecret` (capital I and S)
        /// and its Format is XML.
        static let smsExample: [String: String] = [
            "AccessKeyId": "testId",
            "Action": "SendSms",
            "Format": "XML",
            "OutId": "123",
            "PhoneNumbers": "15300000001",
            "RegionId": "cn-hangzhou",
            "SignName": "阿里云短信测试专用",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
            "SignatureVersion": "1.0",
            "TemplateCode": "SMS_71390007",
            "TemplateParam": "{\"customer\":\"test\"}",
            "Timestamp": "2017-07-12T02:42:19Z",
            "Version": "2017-05-25",
        ]

        @Test func smsExampleMatchesTheDocumentedQueryStringToSignAndSignature() throws {
            let signed = try AlibabaRPCSignature.sign(method: .get, parameters: Self.smsExample,
                                                      accessKeySecret: "testSecret")
            #expect(signed.canonicalizedQuery == "AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123"
                + "&PhoneNumbers=15300000001&RegionId=cn-hangzhou"
                + "&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8"
                + "&SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466"
                + "&SignatureVersion=1.0&TemplateCode=SMS_71390007"
                + "&TemplateParam=%7B%22customer%22%3A%22test%22%7D"
                + "&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25")
            #expect(signed.stringToSign == "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML"
                + "%26OutId%3D123%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou"
                + "%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD"
                + "%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8"
                + "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466"
                + "%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007"
                + "%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D"
                + "%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25")
            #expect(signed.signature == "zJDF+Lrzhj/ThnlvIToysFRq6t4=")
            // The documented URL carries the signature as zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D.
            #expect(signed.signedQuery == signed.canonicalizedQuery + "&Signature=zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D")
            #expect(signed.method == .get)
        }

        @Test func describeRegionsExampleMatchesTheDocumentedSignature() throws {
            // Alibaba's "Request signature" page
            // (https://www.alibabacloud.com/help/doc-detail/196741.htm): ECS
            // DescribeRegions, AccessKeyId testid, secret testsecret, signed
            // with "testsecret&" → OLeaidS1JvxuMvnyHOwuJ+uX5qY=. The string to
            // sign is the one earlier revisions of that page printed.
            let parameters = [
                "Timestamp": "2016-02-23T12:46:24Z", "Format": "XML", "AccessKeyId": "testid",
                "Action": "DescribeRegions", "SignatureMethod": "HMAC-SHA1",
                "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "Version": "2014-05-26",
                "SignatureVersion": "1.0",
            ]
            let signed = try AlibabaRPCSignature.sign(method: .get, parameters: parameters, accessKeySecret: "testsecret")
            #expect(signed.stringToSign == "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
                + "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
                + "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26")
            #expect(signed.signature == "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")
        }

        @Test func theMethodIsSignedAndPOSTDiffersFromGET() throws {
            let get = try AlibabaRPCSignature.sign(method: .get, parameters: Self.smsExample, accessKeySecret: "testSecret")
            let post = try AlibabaRPCSignature.sign(method: .post, parameters: Self.smsExample, accessKeySecret: "testSecret")
            #expect(post.canonicalizedQuery == get.canonicalizedQuery)
            #expect(post.stringToSign == "POST" + get.stringToSign.dropFirst("GET".count))
            #expect(post.signature != get.signature)
            // The POST signature is HMAC-SHA1 of its own string to sign, key secret + "&".
            let mac = try Signer.hmacSHA1(key: "testSecret&", message: post.stringToSign)
            #expect(post.signature == Signer.base64Encode(mac))
        }

        @Test func anIncomingSignatureParameterIsNotSigned() throws {
            var parameters = Self.smsExample
            parameters["Signature"] = "stale"
            let signed = try AlibabaRPCSignature.sign(method: .get, parameters: parameters, accessKeySecret: "testSecret")
            #expect(signed.signature == "zJDF+Lrzhj/ThnlvIToysFRq6t4=")
            #expect(!signed.signedQuery.contains("stale"))
        }

        @Test func namesSortByBytesSoUppercaseComesFirst() {
            // Byte order: "Z" (0x5A) sorts before "a" (0x61), and "Sign" before "SignName".
            let query = AlibabaRPCSignature.canonicalizedQuery(["a": "1", "Z": "2", "SignName": "3", "Sign": "4"])
            #expect(query == "Sign=4&SignName=3&Z=2&a=1")
        }

        @Test func aWrongSecretGivesADifferentSignature() throws {
            // Same parameters, secret spelled "testsecret": not the documented value.
            let signed = try AlibabaRPCSignature.sign(method: .get, parameters: Self.smsExample, accessKeySecret: "testsecret")
            #expect(signed.signature != "zJDF+Lrzhj/ThnlvIToysFRq6t4=")
        }
    }
}

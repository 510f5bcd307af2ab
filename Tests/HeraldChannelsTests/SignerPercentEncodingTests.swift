import Testing
@testable import HeraldChannels

extension SignerTests {
    /// POP and query encoding: RFC 3986 unreserved kept, every other UTF-8 byte `%XX`.
    @Suite struct PercentEncodingRules {
        @Test func unreservedCharactersStayLiteral() {
            let unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
            #expect(PercentEncoding.pop(unreserved) == unreserved)
            #expect(PercentEncoding.queryComponent(unreserved) == unreserved)
        }

        @Test func spaceStarPlusSlashAndTildeFollowAlibabasTable() {
            // Alibaba: a space is %20 (never +), * is %2A, ~ is not encoded.
            #expect(PercentEncoding.pop(" ") == "%20")
            #expect(PercentEncoding.pop("*") == "%2A")
            #expect(PercentEncoding.pop("~") == "~")
            #expect(PercentEncoding.pop("+") == "%2B")
            #expect(PercentEncoding.pop("/") == "%2F")
            #expect(PercentEncoding.pop("a b*c~d+e/f") == "a%20b%2Ac~d%2Be%2Ff")
            #expect(PercentEncoding.pop("2017-07-12T02:42:19Z") == "2017-07-12T02%3A42%3A19Z")
            #expect(PercentEncoding.pop("{\"customer\":\"test\"}") == "%7B%22customer%22%3A%22test%22%7D")
        }

        @Test func chineseTextIsEncodedAsUppercaseUTF8Bytes() {
            // 阿里云短信测试专用 is the SignName of Alibaba's SMS signing example;
            // its encoding is the one in that example's query string.
            #expect(PercentEncoding.pop("阿里云短信测试专用")
                == "%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8")
            // 未命名 is the instance name in Tencent's TC3 example (\u672a\u547d\u540d).
            #expect(PercentEncoding.queryComponent("未命名") == "%E6%9C%AA%E5%91%BD%E5%90%8D")
            // A four-byte UTF-8 character (U+1F600).
            #expect(PercentEncoding.pop("😀") == "%F0%9F%98%80")
        }

        @Test func percentAndEqualsAndAmpersandAreEncoded() {
            #expect(PercentEncoding.pop("%") == "%25")
            #expect(PercentEncoding.pop("a=b&c") == "a%3Db%26c")
            #expect(PercentEncoding.pop("") == "")
        }

        @Test func kannelQueryKeepsOrderAndEncodesPlusInPhoneNumbers() {
            let query = PercentEncoding.query([
                (name: "username", value: "herald"),
                (name: "password", value: "p&ss=word"),
                (name: "to", value: "+8613800000002"),
                (name: "text", value: "明天 9:00 停水"),
                (name: "coding", value: "2"),
            ])
            #expect(query == "username=herald&password=p%26ss%3Dword&to=%2B8613800000002"
                + "&text=%E6%98%8E%E5%A4%A9%209%3A00%20%E5%81%9C%E6%B0%B4&coding=2")
        }
    }
}

import Foundation
import Testing
@testable import HeraldChannels

@Suite struct HTTPResponseTests {
    @Test func retryAfterReadsDeltaSeconds() {
        let response = HTTPResponse(status: 429, headers: [HTTPHeader("retry-after", " 30 ")])
        #expect(response.retryAfter() == .seconds(30))
    }

    @Test func retryAfterReadsAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_445_412_480) // Wed, 21 Oct 2015 07:28:00 GMT
        let response = HTTPResponse(status: 503, headers: [HTTPHeader("Retry-After", "Wed, 21 Oct 2015 07:28:30 GMT")])
        #expect(response.retryAfter(now: now) == .seconds(30))
    }

    @Test func retryAfterIgnoresGarbageAndNeverGoesNegative() {
        #expect(HTTPResponse(status: 429, headers: [HTTPHeader("Retry-After", "soon")]).retryAfter() == nil)
        #expect(HTTPResponse(status: 429).retryAfter() == nil)
        let past = HTTPResponse(status: 429, headers: [HTTPHeader("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")])
        #expect(past.retryAfter(now: Date()) == .seconds(0))
    }

    @Test func redactedURLDropsTheQueryString() {
        let request = HTTPRequest(url: "http://127.0.0.1:13013/cgi-bin/sendsms?username=u&password=secret")
        #expect(request.redactedURL == "http://127.0.0.1:13013/cgi-bin/sendsms?…")
        #expect(!request.redactedURL.contains("secret"))
    }
}

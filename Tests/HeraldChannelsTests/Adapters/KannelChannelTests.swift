import Foundation
import HeraldCore
import Testing
@testable import HeraldChannels

@Suite struct KannelChannelTests {
    static func channel(_ transport: FakeTransport = FakeTransport(status: 202, body: "0: Accepted for delivery"))
        -> KannelChannel {
        KannelChannel(configuration: .init(endpoint: "http://127.0.0.1:9300", username: "herald",
                                           password: Secret("p@ss word&1"), from: "10690001",
                                           callbackBase: "https://herald.example.org:8443/"),
                      transport: transport, clock: Fixture.clock)
    }

    @Test func requestIsAGetToSendsmsWithEveryParameterEncoded() throws {
        let request = try Self.channel().request(for: Fixture.message(text: "明早 9:00 停水+停电 100%"))
        #expect(request.method == .get)
        #expect(request.body.isEmpty)
        #expect(request.url.hasPrefix("http://127.0.0.1:9300/cgi-bin/sendsms?"))
        let rawQuery = query(of: request.url)
        #expect(formNames(rawQuery) == ["username", "password", "to", "from", "text", "charset", "coding",
                                        "dlr-mask", "dlr-url"])
        #expect(decodeForm(rawQuery) == [
            "username": "herald",
            "password": "p@ss word&1",
            "to": "13800000001",
            "from": "10690001",
            "text": "明早 9:00 停水+停电 100%",
            "charset": "UTF-8",
            "coding": "2",
            "dlr-mask": "31",
            "dlr-url": "https://herald.example.org:8443/callbacks/kannel/dlr?delivery=4242&status=%d&ts=%T&smscid=%F",
        ])
        // RFC 3986 encoding: %20 for a space, %2B for a literal +, UTF-8 bytes for Chinese.
        #expect(rawQuery.contains("text=%E6%98%8E%E6%97%A9%209%3A00%20%E5%81%9C%E6%B0%B4%2B%E5%81%9C%E7%94%B5%20100%25"))
        #expect(rawQuery.contains("password=p%40ss%20word%261"))
        // The dlr-url is itself encoded, so Kannel's %d escapes reach Kannel intact as %25d.
        #expect(rawQuery.contains("dlr-url=https%3A%2F%2Fherald.example.org%3A8443%2Fcallbacks%2Fkannel%2Fdlr"
            + "%3Fdelivery%3D4242%26status%3D%25d%26ts%3D%25T%26smscid%3D%25F"))
    }

    @Test func passwordNeverAppearsInTheRedactedURL() throws {
        let request = try Self.channel().request(for: Fixture.message())
        #expect(!request.redactedURL.contains("p%40ss"))
        #expect(request.redactedURL == "http://127.0.0.1:9300/cgi-bin/sendsms?…")
    }

    @Test func receiverIsNationalForMainlandAndE164DigitsElsewhere() throws {
        #expect(KannelChannel.receiver(Fixture.phone("+8613800000001")) == "13800000001")
        #expect(KannelChannel.receiver(Fixture.phone("021-1234 5678")) == "2112345678")
        #expect(KannelChannel.receiver(Fixture.phone("+852 9123 4567")) == "85291234567")
        #expect(KannelChannel.receiver(Fixture.phone("+44 20 7946 0958")) == "442079460958")
    }

    @Test func messagesItCannotSendArePermanentWithoutARequest() async {
        let transport = FakeTransport(status: 202, body: "0: Accepted for delivery")
        #expect(await Self.channel(transport).send(Fixture.message(phone: nil, openID: "o")).verdict == .permanent)
        #expect(await Self.channel(transport).send(Fixture.message(text: "")).verdict == .permanent)
        #expect(transport.requests.isEmpty)
    }

    @Test func acceptedHasNoGatewayID() async {
        #expect(await Self.channel().send(Fixture.message()) == .accepted(gatewayID: nil))
    }

    @Test func answerIsReadFromTheFirstLineOnly() {
        let outcome = Self.channel().outcome(for: Fixture.response(202, "0: Accepted for delivery\nMessage-ID: abc\n"))
        #expect(outcome == .accepted(gatewayID: nil))
        #expect(Self.channel().outcome(for: Fixture.response(202, "  \n")).reason.contains("malformed response"))
    }

    // MARK: - Outcome table, row by row (answers from Kannel's smsbox.c)

    static let rows: [(row: ExpectedRow, status: Int)] = [
        (ExpectedRow("0:", .accepted, sample: "0: Accepted for delivery"), 202),
        (ExpectedRow("3:", .accepted, sample: "3: Queued for later delivery"), 202),
        (ExpectedRow("Sent.", .accepted, sample: "Sent."), 202),
        (ExpectedRow("Authorization failed for sendsms", .gatewayFailure), 403),
        (ExpectedRow("Sender missing and no global set", .gatewayFailure,
                     sample: "Sender missing and no global set, rejected"), 400),
        (ExpectedRow("DLR-URL field misformed", .gatewayFailure, sample: "DLR-URL field misformed, rejected"), 400),
        (ExpectedRow("Missing receiver", .permanent, sample: "Missing receiver number, rejected"), 400),
        (ExpectedRow("Empty receiver number not allowed", .permanent,
                     sample: "Empty receiver number not allowed, rejected"), 400),
        (ExpectedRow("Number(s) has/have been denied", .permanent,
                     sample: "Number(s) has/have been denied by white- and/or black-lists."), 400),
        (ExpectedRow("Charset or body misformed", .permanent, sample: "Charset or body misformed, rejected"), 400),
        (ExpectedRow("Not routable", .permanent, sample: "Not routable. Do not try again."), 403),
        (ExpectedRow("Temporal failure", .retry, sample: "Temporal failure, try again later."), 503),
        (ExpectedRow("Sending failed", .retry, sample: "Sending failed."), 500),
    ]

    @Test func tableHasExactlyTheExpectedRows() {
        expectTable(KannelChannel.table, hasExactly: Self.rows.map(\.row))
    }

    @Test(arguments: zip(rows.map(\.row), rows.map(\.status)))
    func row(_ row: ExpectedRow, status: Int) {
        expectOutcome(Self.channel().outcome(for: Fixture.response(status, row.sample)), matches: row)
    }

    @Test func unknownAnswerRetriesNamingIt() {
        let outcome = Self.channel().outcome(for: Fixture.response(400, "Something new, rejected"))
        #expect(outcome.verdict == .retry)
        #expect(outcome.reason.contains("Something new, rejected"))
    }
}

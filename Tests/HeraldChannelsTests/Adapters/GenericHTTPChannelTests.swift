import Foundation
import HeraldCore
import Testing
@testable import HeraldChannels

@Suite struct GenericHTTPChannelTests {
    static let environment = ["ACME_KEY": "k&ey=1 2", "ACME_TOKEN": "tok\"en"]

    static let jsonSpec = GenericHTTPSpec(
        method: "post",
        url: "/api/sms/send?key={{env:ACME_KEY}}&to={{phone}}",
        headers: ["Authorization": "Bearer {{env:ACME_TOKEN}}", "X-Request-Id": "herald-{{delivery_id}}-{{attempt}}"],
        body: #"{"to":"{{phone_national}}","text":"{{text}}","activity":"{{param.activity}}","token":"{{env:ACME_TOKEN}}","ref":{{delivery_id}}}"#,
        bodyEncoding: .json,
        success: .init(status: [200, 202], json: .init(path: "code", equals: "0")),
        gatewayIdPath: "data.id",
        outcomes: [
            .init(code: "1001", outcome: .permanent, reason: "bad number"),
            .init(code: "2001", outcome: .rateLimited, retryAfterSeconds: 120),
            .init(status: 402, outcome: .gatewayFailure, reason: "out of credit"),
            .init(status: 409, outcome: .accepted),
        ])

    static func channel(_ spec: GenericHTTPSpec = jsonSpec, transport: FakeTransport = FakeTransport(status: 200, body: ""),
                        environment: [String: String] = environment) throws -> GenericHTTPChannel {
        try GenericHTTPChannel(queue: "acme-sms", kind: .sms, endpoint: "http://127.0.0.1:9300/", spec: spec,
                               environment: environment, timeout: .seconds(4), transport: transport, clock: Fixture.clock)
    }

    static func buildError(_ spec: GenericHTTPSpec, environment: [String: String] = environment) -> ChannelError? {
        do {
            _ = try channel(spec, environment: environment)
            return nil
        } catch let error as ChannelError {
            return error
        } catch {
            return nil
        }
    }

    // MARK: - Request

    @Test func jsonRequestEscapesEachPlaceholderForItsPlace() throws {
        let message = Fixture.message(text: "停水\n\"明早\" 9:00 & 10:00")
        let request = try Self.channel().request(for: message)
        #expect(request.method == .post)
        #expect(request.url == "http://127.0.0.1:9300/api/sms/send?key=k%26ey%3D1%202&to=%2B8613800000001")
        #expect(request.header("Authorization") == "Bearer tok\"en")
        #expect(request.header("X-Request-Id") == "herald-4242-1")
        #expect(request.header("Content-Type") == "application/json; charset=utf-8")
        #expect(request.timeout == .seconds(4))
        #expect(request.bodyText == #"{"to":"13800000001","text":"停水\n\"明早\" 9:00 & 10:00","#
            + #""activity":"重阳节\"包\"饺子","token":"tok\"en","ref":4242}"#)
        let decoded = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        #expect(decoded?["text"] as? String == message.text)
    }

    @Test func formAndRawBodies() throws {
        let form = GenericHTTPSpec(url: "https://sms.example.com/send", body: "to={{phone}}&msg={{text}}&tpl={{template}}",
                                   bodyEncoding: .form)
        let formRequest = try Self.channel(form).request(for: Fixture.message(text: "a b+c&d"))
        #expect(formRequest.url == "https://sms.example.com/send")
        #expect(formRequest.bodyText == "to=%2B8613800000001&msg=a%20b%2Bc%26d&tpl=SMS_1234")
        #expect(formRequest.header("Content-Type") == "application/x-www-form-urlencoded")

        let raw = GenericHTTPSpec(method: "PUT", url: "/raw/{{openid}}", body: "{{text}}|{{page}}", bodyEncoding: .raw,
                                  contentType: "text/x-notice")
        let rawRequest = try Self.channel(raw).request(for: Fixture.message(openID: "o/1", text: "a\"b", page: "p"))
        #expect(rawRequest.method == .put)
        #expect(rawRequest.url == "http://127.0.0.1:9300/raw/o%2F1")
        #expect(rawRequest.bodyText == "a\"b|p")
        #expect(rawRequest.header("Content-Type") == "text/x-notice")
    }

    @Test func getRequestsHaveNoBody() throws {
        let spec = GenericHTTPSpec(method: "GET", url: "http://127.0.0.1:9300/send?to={{phone_national}}&t={{text}}")
        let request = try Self.channel(spec).request(for: Fixture.message(text: "你好"))
        #expect(request.method == .get)
        #expect(request.body.isEmpty)
        #expect(request.url == "http://127.0.0.1:9300/send?to=13800000001&t=%E4%BD%A0%E5%A5%BD")
        #expect(request.header("Content-Type") == nil)
    }

    @Test func aMessageMissingAValueIsPermanentWithoutARequest() async throws {
        let transport = FakeTransport(status: 200, body: #"{"code":"0"}"#)
        let channel = try Self.channel(transport: transport)
        let noPhone = await channel.send(Fixture.message(phone: nil, openID: "o"))
        #expect(noPhone.verdict == .permanent)
        #expect(noPhone.reason.contains("phone number"))
        let noParameter = await channel.send(Fixture.message(parameters: [.init("time", "9:00")]))
        #expect(noParameter.verdict == .permanent)
        #expect(noParameter.reason.contains("\"activity\""))
        #expect(transport.requests.isEmpty)
    }

    // MARK: - Construction errors name the field

    @Test(arguments: [
        (GenericHTTPSpec(url: "/x/{{phone_number}}"), "gateway.http.url", "{{phone_number}}"),
        (GenericHTTPSpec(url: "/x/{{phone"), "gateway.http.url", "closing"),
        (GenericHTTPSpec(url: "/x", body: "{{txt}}", bodyEncoding: .raw), "gateway.http.body", "{{txt}}"),
        (GenericHTTPSpec(method: "PATCH", url: "/x"), "gateway.http.method", "PATCH"),
        (GenericHTTPSpec(url: "ftp://host/x"), "gateway.http.url", "http://"),
        (GenericHTTPSpec(url: "{{env:ACME_KEY}}/x"), "gateway.http.url", "host"),
        (GenericHTTPSpec(url: "/x", body: "{{text}}"), "gateway.http.bodyEncoding", "bodyEncoding"),
        (GenericHTTPSpec(method: "GET", url: "/x", body: "b", bodyEncoding: .raw), "gateway.http.body", "GET"),
        (GenericHTTPSpec(url: "/x", headers: ["X-To": "{{phone}}"]), "gateway.http.headers.X-To", "header"),
        (GenericHTTPSpec(url: "/x", headers: ["Bad Name": "v"]), "gateway.http.headers.Bad Name", "header name"),
        (GenericHTTPSpec(url: "/x", success: .init(status: [])), "gateway.http.success.status", "at least one"),
        (GenericHTTPSpec(url: "/x", success: .init(status: [200, 999])), "gateway.http.success.status", "999"),
        (GenericHTTPSpec(url: "/x", outcomes: [.init(code: "1", outcome: .permanent)]), "gateway.http.outcomes.0.code",
         "codePath"),
        (GenericHTTPSpec(url: "/x", outcomes: [.init(status: 500, code: "1", outcome: .retry)]),
         "gateway.http.outcomes.0", "exactly one"),
        (GenericHTTPSpec(url: "/x", outcomes: [.init(status: 400, outcome: .permanent, retryAfterSeconds: 5)]),
         "gateway.http.outcomes.0.retryAfterSeconds", "only retry"),
        (GenericHTTPSpec(url: "/x", outcomes: [.init(status: 400, outcome: .permanent),
                                                .init(status: 400, outcome: .retry)]),
         "gateway.http.outcomes.1", "second rule"),
    ])
    func invalidSpecs(spec: GenericHTTPSpec, field: String, words: String) {
        let error = Self.buildError(spec)
        #expect(error?.code == .invalidHTTPSpec, "\(String(describing: error))")
        #expect(error?.field == field)
        #expect(error?.queue == "acme-sms")
        #expect(error?.message.contains(words) == true, "\(error?.message ?? "no error")")
    }

    @Test func aMissingEnvironmentVariableIsAConfigurationError() {
        let error = Self.buildError(Self.jsonSpec, environment: ["ACME_KEY": "k"])
        #expect(error?.code == .missingEnvironmentVariable)
        #expect(error?.field == "gateway.http.url" || error?.field == "gateway.http.headers.Authorization"
            || error?.field == "gateway.http.body")
        #expect(error?.message.contains("ACME_TOKEN") == true)
        #expect(error?.description.contains("acme-sms") == true)
    }

    // MARK: - Answers

    @Test func successNeedsTheStatusAndTheJSONCode() throws {
        let channel = try Self.channel()
        #expect(channel.outcome(for: Fixture.response(200, #"{"code":"0","data":{"id":"m-1"}}"#)) ==
            .accepted(gatewayID: "m-1"))
        #expect(channel.outcome(for: Fixture.response(202, #"{"code":0,"data":{"id":77}}"#)) ==
            .accepted(gatewayID: "77"))
        #expect(channel.outcome(for: Fixture.response(200, #"{"code":"0"}"#)) == .accepted(gatewayID: nil))
        #expect(channel.outcome(for: Fixture.response(200, #"{"ok":true}"#)).reason.contains("malformed response"))
        #expect(channel.outcome(for: Fixture.response(200, "<html>")).reason.contains("malformed response"))
    }

    @Test func rulesDecideFailuresCodeBeforeStatus() throws {
        let channel = try Self.channel()
        #expect(channel.outcome(for: Fixture.response(200, #"{"code":"1001","msg":"bad"}"#)) ==
            .permanent(reason: "HTTP gateway of queue acme-sms code=1001: bad number"))
        #expect(channel.outcome(for: Fixture.response(402, #"{"code":"1001"}"#)).verdict == .permanent)
        #expect(channel.outcome(for: Fixture.response(200, #"{"code":2001}"#)).delay == .seconds(120))
        #expect(channel.outcome(for: Fixture.response(402, "no credit")) ==
            .gatewayFailure(reason: "HTTP gateway of queue acme-sms status=402: out of credit"))
        #expect(channel.outcome(for: Fixture.response(409, #"{"data":{"id":"dup-1"}}"#)) == .accepted(gatewayID: "dup-1"))
        let unknown = channel.outcome(for: Fixture.response(200, #"{"code":"9999"}"#))
        #expect(unknown.verdict == .retry)
        #expect(unknown.reason.contains("code=9999"))
        #expect(channel.outcome(for: Fixture.response(503, "")).verdict == .retry)
        #expect(channel.outcome(for: Fixture.response(401, "")).verdict == .gatewayFailure)
        #expect(channel.outcome(for: Fixture.response(429, "")).verdict == .rateLimited)
    }

    @Test func withoutASuccessRuleAny2xxIsAccepted() throws {
        let channel = try Self.channel(GenericHTTPSpec(url: "/x", gatewayIdPath: "id"))
        #expect(channel.outcome(for: Fixture.response(204, "")) == .accepted(gatewayID: nil))
        #expect(channel.outcome(for: Fixture.response(200, #"{"id":"a"}"#)) == .accepted(gatewayID: "a"))
        #expect(channel.outcome(for: Fixture.response(400, "")).verdict == .retry)
    }

    // MARK: - Decoding from a queue file

    @Test func decodesFromQueueFileJSON() throws {
        let json = #"""
        {"method": "POST", "url": "/send", "bodyEncoding": "json", "body": "{\"t\":\"{{text}}\"}",
         "success": {"status": [200], "json": {"path": "result.code", "equals": 0}},
         "gatewayIdPath": "result.id",
         "outcomes": [{"code": 17, "outcome": "rateLimited", "retryAfterSeconds": 30},
                      {"status": 503, "outcome": "retry"}]}
        """#
        let spec = try JSONDecoder().decode(GenericHTTPSpec.self, from: Data(json.utf8))
        #expect(spec.success?.json == .init(path: "result.code", equals: "0"))
        #expect(spec.outcomes.first == .init(code: "17", outcome: .rateLimited, retryAfterSeconds: 30))
        #expect(spec.headers.isEmpty)
        let channel = try Self.channel(spec)
        #expect(channel.outcome(for: Fixture.response(200, #"{"result":{"code":0,"id":"r-1"}}"#)) ==
            .accepted(gatewayID: "r-1"))
        #expect(channel.outcome(for: Fixture.response(200, #"{"result":{"code":17}}"#)).verdict == .rateLimited)
    }
}

import Foundation
import HeraldChannels
import HeraldCore
import HeraldHTTP
import Testing
@testable import HeraldSim

@Suite struct SimulatorLogTests {
    /// A mixed sequence of requests, sent in order.
    static func run(_ harness: SimulatorHarness) async throws -> [String] {
        var answers: [String] = []
        for index in 0..<12 {
            let number = "1380000\(String(format: "%04d", index))"
            let kannel = try await harness.send(harness.kannel([
                ("username", "herald"), ("password", "herald-sim"), ("to", number), ("from", "1069"),
                ("text", "通知 \(index)"),
            ]))
            answers.append("\(kannel.status) \(kannel.text)")
            let alibaba = try await harness.send(harness.alibaba("SendSms", [
                "PhoneNumbers": number, "SignName": "某某社区", "TemplateCode": "SMS_1", "OutId": "\(index)",
            ], nonce: "nonce-\(index)"))
            let answer = json(alibaba)
            answers.append("\(answer?["Code"]?.stringValue ?? "-") \(answer?["BizId"]?.stringValue ?? "-")")
        }
        return answers
    }

    static let behaviour = SimulatorHarness.behaviour {
        $0.acceptanceRate = 0.5
        $0.faults = .init(status5xx: 0.1, malformedBody: 0.1)
    }

    @Test func sameSeedSameRequestsSameOutcomes() async throws {
        let first = try SimulatorHarness(seed: 42, behaviour: Self.behaviour)
        defer { first.stop() }
        let second = try SimulatorHarness(seed: 42, behaviour: Self.behaviour)
        defer { second.stop() }
        let other = try SimulatorHarness(seed: 43, behaviour: Self.behaviour)
        defer { other.stop() }

        let answers = try await Self.run(first)
        #expect(try await Self.run(second) == answers)
        #expect(try await Self.run(other) != answers)

        func summary(_ harness: SimulatorHarness) -> [String] {
            harness.simulator.requests().map { "\($0.sequence) \($0.outcome.label) \($0.fault?.label ?? "-") \($0.gatewayID ?? "-")" }
        }
        #expect(summary(first) == summary(second))
        #expect(Set(answers).count > 2)
    }

    @Test func theLogMasksNumbersAndCountsDuplicates() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let parameters = ["PhoneNumbers": "13812345678", "SignName": "某某社区", "TemplateCode": "SMS_1", "OutId": "900"]
        for _ in 0..<3 {
            _ = try await harness.send(harness.alibaba("SendSms", parameters))
        }
        _ = try await harness.send(harness.alibaba("SendSms", ["PhoneNumbers": "13812345678", "SignName": "某某社区",
                                                               "TemplateCode": "SMS_1", "OutId": "901"]))
        #expect(harness.simulator.duplicates() == ["900": 3])
        let stats = harness.simulator.stats()
        #expect(stats.requests == 4)
        #expect(stats.sent == 4)
        #expect(stats.duplicateDeliveries == 1)
        #expect(stats.duplicateSends == 2)
        #expect(stats.count(.alibaba, "accepted") == 4)

        let records = harness.simulator.requests()
        #expect(records.map(\.sequence) == [1, 2, 3, 4])
        #expect(records.allSatisfy { $0.recipients == ["+86 138****5678"] })
        #expect(records.allSatisfy { $0.time == harness.clock.now() })

        let log = try await harness.send(HTTPRequest(method: .get, url: harness.baseURL + "/sim/requests"))
        #expect(log.status == 200)
        #expect(!log.text.contains("13812345678"))
        #expect(json(log)?["requests"]?.arrayValue?.count == 4)
        #expect(json(log)?["requests"]?.arrayValue?.first?["recipients"] == .array([.string("+86 138****5678")]))

        let reset = try await harness.send(HTTPRequest(method: .post, url: harness.baseURL + "/sim/reset"))
        #expect(reset.status == 200)
        #expect(harness.simulator.requests().isEmpty)
        #expect(harness.simulator.duplicates().isEmpty)
        #expect(harness.simulator.stats().requests == 0)
    }

    @Test func callbackAttemptsAreRecordedWithTheirResults() async throws {
        // Callbacks to a port nobody listens on: refused, and recorded so.
        let closed = try HTTPServer(configuration: HTTPServer.Configuration(logger: silentLogger)) { _, responder in
            responder.respond(.empty(204))
        }
        let deadURL = "http://127.0.0.1:\(closed.port)"
        closed.stop()
        let simulator = try GatewaySimulator(configuration: GatewaySimulator.Configuration(
            callbackBaseURL: deadURL, behaviour: SimulatorHarness.behaviour(), clock: ManualClock(),
            logger: silentLogger))
        defer { simulator.stop() }
        let client = try HTTPClient(configuration: HTTPClient.Configuration(proxy: ""))
        defer { client.shutdown() }
        let body = #"{"PhoneNumberSet":["+8613800000001"],"SmsSdkAppId":"1","SignName":"s","TemplateId":"1","#
            + #""SessionContext":"700"}"#
        let now = Int(ManualClock().now().timeIntervalSince1970)
        let signed = try TencentTC3Signature.sign(secretId: "AKIDsim", secretKey: "sim-secret", service: "sms",
                                                  host: "127.0.0.1:\(simulator.port)", action: "SendSms",
                                                  version: "2021-01-11", region: nil, timestamp: now,
                                                  payload: Array(body.utf8))
        _ = try await client.execute(HTTPRequest(method: .post, url: simulator.baseURL + "/", headers: signed.headers,
                                                 body: Array(body.utf8)))
        #expect(simulator.waitForCallbacks(timeout: .seconds(10)))
        let attempts = simulator.callbacks()
        #expect(attempts.count == 1)
        #expect(attempts.first?.kind == .tencentSmsStatus)
        #expect(attempts.first?.deliveryID == "700")
        #expect(attempts.first?.error == "refused")
        #expect(simulator.stats().callbacks[.tencentSmsStatus]?["error.refused"] == 1)
    }

    @Test func behaviourUpdatesAreCheckedAndConfigurationIsValidated() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let problems = harness.simulator.updateBehaviour { $0.deliveryRate = 1.5 }
        #expect(problems.count == 1)
        #expect(harness.simulator.behaviour.deliveryRate == 1)
        #expect(harness.simulator.updateBehaviour { $0.deliveryRate = 0.25 }.isEmpty)
        #expect(harness.simulator.behaviour.deliveryRate == 0.25)

        var bad = SimulatorBehaviour()
        bad.faults = .init(status5xx: 0.6, status429: 0.6)
        #expect(throws: GatewaySimulatorError.self) {
            _ = try GatewaySimulator(configuration: GatewaySimulator.Configuration(behaviour: bad))
        }
    }

    @Test func aTakenPortIsAddressInUse() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        do {
            _ = try GatewaySimulator(configuration: GatewaySimulator.Configuration(port: harness.simulator.port))
            Issue.record("expected address in use")
        } catch {
            #expect(error.code == .addressInUse)
        }
    }
}

@Suite struct SimulatorSupportTests {
    @Test func jsonRoundTripsInOrderWithUTF8() throws {
        let text = #"{"b":1,"a":[true,null,"报名\n\"x\""],"c":{"d":-2.5e3}}"#
        let value = try #require(SimulatorJSON.parse(text))
        #expect(value.serialized == text)
        #expect(value["a"]?.arrayValue?[2].stringValue == "报名\n\"x\"")
        #expect(SimulatorJSON.parse(#"{"s":"\u62a5\ud83d\ude00"}"#)?["s"]?.stringValue == "报😀")
        #expect(SimulatorJSON.parse("{\"a\":1") == nil)
        #expect(SimulatorJSON.parse("[1,]") == nil)
        #expect(SimulatorJSON.parse("{} x") == nil)
    }

    @Test func kannelEscapesAreFilledAndEncoded() {
        let url = KannelEscapes.expand("http://h/mo?from=%p&text=%a&keep=%Z&pct=%%", [
            "p": "+8613800000001", "a": "hi+there & 100% ok?",
        ])
        #expect(url == "http://h/mo?from=%2B8613800000001&text=hi%2Bthere+%26+100%25+ok%3F&keep=%Z&pct=%")
    }

    @Test func timesAreBeijingAndUTC() {
        let date = Date(timeIntervalSince1970: 1_551_113_065)
        #expect(SimulatorTime.beijing(date) == "2019-02-26 00:44:25")
        #expect(SimulatorTime.iso8601(date) == "2019-02-25T16:44:25Z")
        #expect(SimulatorTime.parseISO8601("2019-02-25T16:44:25Z") == 1_551_113_065)
        #expect(SimulatorTime.parseISO8601("2019-02-25 16:44:25") == nil)
    }

    @Test func callbackRoutesAreOneTable() {
        #expect(SimulatorCallbackRoutes.table.count == SimulatorCallbackKind.allCases.count)
        #expect(SimulatorCallbackRoutes.url(.alibabaSmsReport, base: "http://h:1/", pathSecret: "s")
            == "http://h:1/callbacks/alibaba/s/sms-report")
        #expect(SimulatorCallbackRoutes.url(.kannelDeliveryReport, base: "http://h", pathSecret: "s") == nil)
    }
}

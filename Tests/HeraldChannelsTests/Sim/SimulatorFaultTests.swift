import Foundation
import HeraldChannels
import HeraldHTTP
import Testing
@testable import HeraldSim

@Suite struct SimulatorFaultTests {
    static func sms(_ outID: String) -> [String: String] {
        ["PhoneNumbers": "13800000001", "SignName": "某某社区", "TemplateCode": "SMS_0001", "OutId": outID]
    }

    @Test func injected429HasRetryAfterAndHitsOnlyItsGateway() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        harness.simulator.inject(.status429(retryAfter: 7), count: 1, gateway: .alibaba)

        let kannel = try await harness.send(harness.kannel([("username", "herald"), ("password", "herald-sim"),
                                                            ("to", "13800000001"), ("from", "1069"), ("text", "x")]))
        #expect(kannel.status == 202)
        let throttled = try await harness.send(harness.alibaba("SendSms", Self.sms("1")))
        #expect(throttled.status == 429)
        #expect(throttled.header("Retry-After") == "7")
        #expect(throttled.retryAfter() == .seconds(7))
        #expect(json(throttled)?["Code"]?.stringValue == "Throttling.User")
        let next = try await harness.send(harness.alibaba("SendSms", Self.sms("2")))
        #expect(next.status == 200)

        let records = harness.simulator.requests()
        #expect(records.map(\.outcome.label) == ["accepted", "fault.429", "accepted"])
        #expect(records[1].sent == false)
        #expect(harness.simulator.stats().faults["429"] == 1)
    }

    @Test func injected5xxIsAnHTMLPageWithRetryAfter() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        harness.simulator.inject(.status5xx(status: 502, retryAfter: 3), count: 2)
        for _ in 0..<2 {
            let response = try await harness.send(harness.tencent("SendSms", TencentSimulatorTests.sms()))
            #expect(response.status == 502)
            #expect(response.header("Retry-After") == "3")
            #expect(response.text.contains("502 Bad Gateway"))
        }
        let third = try await harness.send(harness.tencent("SendSms", TencentSimulatorTests.sms()))
        #expect(third.status == 200)
    }

    @Test func droppedConnectionIsConnectionLostAfterTheSend() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        harness.simulator.inject(.dropConnection)
        let request = try harness.alibaba("SendSms", Self.sms("10"))
        do {
            _ = try await harness.send(request)
            Issue.record("expected the connection to drop")
        } catch {
            #expect(error.kind == .connectionLost)
        }
        let record = try #require(harness.simulator.requests().first)
        #expect(record.fault == .dropConnection)
        #expect(record.sent)
        #expect(record.status == nil)
    }

    /// libcurl re-sends a request by itself when a reused keep-alive
    /// connection closes without an answer. The dropped request had been
    /// processed, so the gateway sees the send twice: Alibaba refuses the
    /// identical copy (`SignatureNonceUsed`) after the message went out; a
    /// gateway without a nonce sends it again while the caller sees success.
    @Test func dropOnAReusedConnectionIsResentByLibcurl() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let warmUp = try await harness.send(harness.alibaba("SendSms", Self.sms("20")))
        #expect(warmUp.status == 200)
        harness.simulator.inject(.dropConnection)
        let resent = try await harness.send(harness.alibaba("SendSms", Self.sms("21")))
        #expect(resent.status == 400)
        #expect(json(resent)?["Code"]?.stringValue == "SignatureNonceUsed")
        #expect(harness.simulator.requests().map(\.sent) == [true, true, false])

        func generic(_ ref: String) -> HTTPRequest {
            HTTPRequest(method: .post, url: harness.baseURL + "/generic/send",
                        body: Array(#"{"to":"+8613800000001","text":"x","ref":"\#(ref)"}"#.utf8))
        }
        _ = try await harness.send(generic("30"))
        harness.simulator.inject(.dropConnection)
        let silent = try await harness.send(generic("31"))
        #expect(silent.status == 200)
        #expect(harness.simulator.duplicates() == ["31": 2])
    }

    @Test func timeoutHeldUntilStopIsAClientTimeoutAndARetryIsADuplicate() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        harness.simulator.inject(.timeout(hold: nil))
        var request = try harness.alibaba("SendSms", Self.sms("11"))
        request.timeout = .milliseconds(300)
        do {
            _ = try await harness.send(request)
            Issue.record("expected a timeout")
        } catch {
            #expect(error.kind == .timeout)
        }
        // The retry Herald would make: same delivery, fresh nonce and signature.
        let retry = try await harness.send(harness.alibaba("SendSms", Self.sms("11")))
        #expect(retry.status == 200)
        #expect(harness.simulator.duplicates() == ["11": 2])
        #expect(harness.simulator.stats().duplicateSends == 1)
        #expect(harness.simulator.stats().duplicateDeliveries == 1)
    }

    @Test func timeoutWithAHoldAnswersLate() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        harness.simulator.inject(.timeout(hold: .milliseconds(50)))
        let response = try await harness.send(harness.alibaba("SendSms", Self.sms("12")))
        #expect(response.status == 200)
        #expect(harness.simulator.requests().first?.delayMilliseconds == 50)
    }

    @Test func malformedBodies() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        harness.simulator.inject(.malformedBody(.truncatedJSON))
        harness.simulator.inject(.malformedBody(.htmlErrorPage))
        let truncated = try await harness.send(harness.alibaba("SendSms", Self.sms("13")))
        #expect(truncated.status == 200)
        #expect(truncated.text.hasPrefix("{\"Code\":\"OK\""))
        #expect(json(truncated) == nil)
        let html = try await harness.send(harness.alibaba("SendSms", Self.sms("14")))
        #expect(html.status == 200)
        #expect(html.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(json(html) == nil)
    }

    @Test func randomFaultRatesApplyToEveryGatewayRequestButNotControl() async throws {
        let harness = try SimulatorHarness(behaviour: SimulatorHarness.behaviour { $0.faults.status5xx = 1 })
        defer { harness.stop() }
        for _ in 0..<3 {
            let response = try await harness.send(harness.webhook(#"{"delivery_id":"1"}"#))
            #expect([500, 502, 503].contains(response.status))
        }
        let stats = try await harness.send(HTTPRequest(method: .get, url: harness.baseURL + "/sim/stats"))
        #expect(stats.status == 200)
        #expect(json(stats)?["stats"]?["faults"]?["5xx"] == .number("3"))
    }

    @Test func faultsCanBeQueuedOverHTTP() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let queued = try await harness.send(HTTPRequest(
            method: .post, url: harness.baseURL + "/sim/faults?fault=429&retry_after=9&count=2&gateway=wechat"))
        #expect(queued.status == 200)
        let first = try await harness.send(HTTPRequest(
            method: .get, url: harness.baseURL + "/cgi-bin/token?grant_type=client_credential&appid=wxsim&secret=sim-secret"))
        #expect(first.status == 429)
        #expect(first.header("Retry-After") == "9")
        let bad = try await harness.send(HTTPRequest(method: .post, url: harness.baseURL + "/sim/faults?fault=boom"))
        #expect(bad.status == 400)
    }
}

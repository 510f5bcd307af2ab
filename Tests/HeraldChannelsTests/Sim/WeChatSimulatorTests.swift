import Foundation
import HeraldChannels
import HeraldHTTP
import Testing
@testable import HeraldSim

@Suite struct WeChatSimulatorTests {
    static func push(_ openID: String = "oResident0001", thing: String = "消防演练",
                     page: String = "pages/activity/index?delivery=77") -> String {
        #"{"touser":"\#(openID)","template_id":"TPL_ACTIVITY","page":"\#(page)","#
            + #""data":{"thing1":{"value":"\#(thing)"},"time2":{"value":"2026-12-05 09:00"}},"#
            + #""miniprogram_state":"formal","lang":"zh_CN"}"#
    }

    static func errcode(_ response: HTTPResponse) -> String? {
        json(response)?["errcode"]?.text
    }

    @Test func tokenThenPushThenASignedSignUp() async throws {
        let harness = try SimulatorHarness(callbacks: true, behaviour: SimulatorHarness.behaviour { $0.signupRate = 1 })
        defer { harness.stop() }
        let inbox = try #require(harness.inbox)

        let tokenResponse = try await harness.send(HTTPRequest(
            method: .get, url: harness.baseURL + "/cgi-bin/token?grant_type=client_credential&appid=wxsim&secret=sim-secret"))
        let token = try #require(json(tokenResponse)?["access_token"]?.stringValue)
        #expect(json(tokenResponse)?["expires_in"] == .number("7200"))

        let response = try await harness.send(harness.wechatSend(token: token, Self.push()))
        let answer = try #require(json(response))
        #expect(answer["errcode"] == .number("0"))
        #expect(answer["errmsg"]?.stringValue == "ok")
        #expect(answer["msgid"]?.text?.isEmpty == false)

        let signup = try #require(inbox.wait(for: 1).first)
        #expect(signup.method == "POST")
        #expect(signup.path == "/callbacks/webhook/signup")
        let body = try #require(json(signup))
        #expect(body["delivery_id"]?.stringValue == "77")
        #expect(body["openid"]?.stringValue == "oResident0001")
        #expect(body["action"]?.stringValue == "signup")
        let verdict = try WebhookSignature.verify(
            secret: Array("sim-webhook-secret".utf8), timestamp: signup.header("X-Herald-Timestamp"),
            signature: signup.header("X-Herald-Signature"), body: signup.body, now: harness.unixNow)
        #expect(verdict == .valid)

        let record = try #require(harness.simulator.requests().last)
        #expect(record.action == "subscribe.send")
        #expect(record.deliveryID == "77")
        #expect(record.recipients == ["oResident0001"])
    }

    @Test func signUpUsesTheLastDeliveryPushedToThatResident() async throws {
        let harness = try SimulatorHarness(callbacks: true)
        defer { harness.stop() }
        let inbox = try #require(harness.inbox)
        let token = try await harness.wechatToken()
        _ = try await harness.send(harness.wechatSend(token: token, Self.push(page: "pages/a?x=1&delivery=90")))
        harness.simulator.updateBehaviour { $0.signupRate = 1 }
        _ = try await harness.send(harness.wechatSend(token: token, Self.push(page: "pages/home")))
        let signup = try #require(inbox.wait(for: 1).first)
        #expect(json(signup)?["delivery_id"]?.stringValue == "90")
    }

    @Test func tokenErrors() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        func code(_ query: String) async throws -> String? {
            Self.errcode(try await harness.send(HTTPRequest(method: .get, url: harness.baseURL + "/cgi-bin/token?" + query)))
        }
        #expect(try await code("grant_type=client_credential&appid=wxother&secret=sim-secret") == "40013")
        #expect(try await code("grant_type=client_credential&appid=wxsim&secret=wrong") == "40125")
        #expect(try await code("grant_type=password&appid=wxsim&secret=sim-secret") == "40002")
    }

    @Test func sendErrors() async throws {
        let harness = try SimulatorHarness(behaviour: SimulatorHarness.behaviour {
            $0.unsubscribedOpenIDs = ["oNoSubscription"]
        })
        defer { harness.stop() }
        let token = try await harness.wechatToken()
        func code(_ body: String, token: String? = nil) async throws -> String? {
            Self.errcode(try await harness.send(harness.wechatSend(token: token ?? "", body)))
        }
        #expect(try await code(Self.push(), token: token) == "0")
        #expect(try await code(Self.push("oNoSubscription"), token: token) == "43101")
        #expect(try await code(Self.push("xNotAnOpenID"), token: token) == "40003")
        #expect(try await code(Self.push(thing: String(repeating: "长", count: 21)), token: token) == "47003")
        #expect(try await code(Self.push(thing: String(repeating: "长", count: 20)), token: token) == "0")
        #expect(try await code("not json", token: token) == "47001")
        #expect(try await code(Self.push()) == "41001")
        #expect(try await code(Self.push(), token: "made-up") == "40001")

        harness.simulator.expireAccessTokens()
        #expect(try await code(Self.push(), token: token) == "40001")

        let fresh = try await harness.wechatToken()
        #expect(try await code(Self.push(), token: fresh) == "0")
        harness.clock.advance(by: 7201)
        #expect(try await code(Self.push(), token: fresh) == "42001")
    }

    @Test func noSubscriptionRate() async throws {
        let harness = try SimulatorHarness(behaviour: SimulatorHarness.behaviour { $0.noSubscriptionRate = 1 })
        defer { harness.stop() }
        let token = try await harness.wechatToken()
        let response = try await harness.send(harness.wechatSend(token: token, Self.push()))
        #expect(Self.errcode(response) == "43101")
        #expect(json(response)?["errmsg"]?.stringValue == "user refuse to accept the msg")
    }
}

@Suite struct WebhookAndGenericSimulatorTests {
    @Test func signedWebhookIsTakenOnceByIdempotencyKey() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let body = #"{"delivery_id":"501","openid":"oResident0001","title":"消防演练"}"#

        let first = try await harness.send(harness.webhook(body, path: "/webhook/notices", idempotencyKey: "d-501-1"))
        #expect(first.status == 200)
        let id = try #require(json(first)?["id"]?.stringValue)
        #expect(id.hasPrefix("wh_"))
        let again = try await harness.send(harness.webhook(body, idempotencyKey: "d-501-1"))
        #expect(again.status == 409)
        #expect(json(again)?["error"]?["code"]?.stringValue == "duplicate_idempotency_key")
        #expect(harness.simulator.duplicates().isEmpty)

        let record = try #require(harness.simulator.requests().first)
        #expect(record.deliveryID == "501")
        #expect(record.sent)
        #expect(harness.simulator.requests().last?.sent == false)
    }

    @Test func badOrStaleSignatureIs401() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let body = #"{"delivery_id":"502"}"#
        let wrongSecret = try await harness.send(harness.webhook(body, secret: "guess"))
        #expect(wrongSecret.status == 401)
        #expect(json(wrongSecret)?["error"]?["code"]?.stringValue == "invalid_signature")
        let stale = try await harness.send(harness.webhook(body, timestamp: harness.unixNow - 301))
        #expect(stale.status == 401)
        let unsigned = try await harness.send(HTTPRequest(method: .post, url: harness.baseURL + "/webhook",
                                                          body: Array(body.utf8)))
        #expect(unsigned.status == 401)
    }

    @Test func webhookSignUpCallback() async throws {
        let harness = try SimulatorHarness(callbacks: true, behaviour: SimulatorHarness.behaviour { $0.signupRate = 1 })
        defer { harness.stop() }
        let inbox = try #require(harness.inbox)
        _ = try await harness.send(harness.webhook(#"{"delivery_id":"503","openid":"oResident0002"}"#))
        let signup = try #require(inbox.wait(for: 1).first)
        #expect(json(signup)?["delivery_id"]?.stringValue == "503")
        #expect(json(signup)?["openid"]?.stringValue == "oResident0002")
    }

    @Test func genericGateway() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        func post(_ body: String) async throws -> SimulatorJSON? {
            json(try await harness.send(HTTPRequest(method: .post, url: harness.baseURL + "/generic/send",
                                                    headers: [HTTPHeader("Content-Type", "application/json")],
                                                    body: Array(body.utf8))))
        }
        let ok = try #require(try await post(#"{"to":"+8613800000001","text":"明天停水","ref":"601"}"#))
        #expect(ok["code"]?.stringValue == "0")
        #expect(ok["data"]?["id"]?.stringValue?.hasPrefix("g") == true)
        #expect(try await post(#"{"to":"not a number","text":"x"}"#)?["code"]?.stringValue == "2")
        #expect(try await post("plain text body")?["code"]?.stringValue == "0")
        #expect(harness.simulator.requests().first?.deliveryID == "601")
        #expect(harness.simulator.requests().first?.recipients == ["+86 138****0001"])

        harness.simulator.updateBehaviour { $0.acceptanceRate = 0 }
        #expect(try await post(#"{"to":"+8613800000001","text":"x","ref":"602"}"#)?["code"]?.stringValue == "1")
    }
}

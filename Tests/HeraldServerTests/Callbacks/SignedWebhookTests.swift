import Foundation
import HeraldChannels
import HeraldCore
import Testing
@testable import HeraldServer

/// The mini program's signed sign-ups: `POST /v1/signups` (a resident taps
/// 报名 on an activity page) and `/callbacks/webhook/signup` (the answer to
/// an invitation it delivered). HMAC over timestamp + body, a 5-minute
/// window, and each signature accepted once.
@Suite struct SignedWebhookTests {
    @Test func signUpByResidentIdOrOpenIDThenCancel() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let (residents, activity) = try harness.residentsAndActivity(2, capacity: 5)

        let byID = #"{"activity_id":\#(activity),"resident_id":\#(residents[0])}"#
        let first = try await harness.request("POST", "/v1/signups", body: byID, headers: try harness.signature(byID))
        #expect(first.status == 201, "\(first.text)")
        #expect(try harness.object(first)["result"] as? String == "signed_up")
        #expect(try harness.object(first)["signed_up"] as? Int == 1)

        let byOpenID = #"{"activity_id":\#(activity),"openid":"o-\#(harness.committeeA)-1","action":"signup"}"#
        let second = try await harness.request("POST", "/v1/signups", body: byOpenID, headers: try harness.signature(byOpenID))
        #expect(second.status == 201, "\(second.text)")
        #expect(try harness.signedUp(activity) == 2)
        #expect(try harness.count("SELECT count(*) FROM signups WHERE source = 'mini_program' AND state = 1") == 2)

        // The same resident again, freshly signed a second later: no second place.
        harness.clock.advance(by: 1)
        let again = try await harness.request("POST", "/v1/signups", body: byID, headers: try harness.signature(byID))
        #expect(again.status == 200)
        #expect(try harness.object(again)["result"] as? String == "already_signed_up")

        let cancel = #"{"activity_id":\#(activity),"resident_id":\#(residents[0]),"action":"cancel"}"#
        let cancelled = try await harness.request("POST", "/v1/signups", body: cancel, headers: try harness.signature(cancel))
        #expect(cancelled.status == 200)
        #expect(try harness.object(cancelled)["result"] as? String == "cancelled")
        #expect(try harness.signedUp(activity) == 1)
    }

    @Test func aFullActivityAndOtherCommitteesResidentsAreRefused() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let residents = try harness.residents(2, committee: harness.committeeA)
        let outsider = try harness.residents(1, committee: harness.committeeB)[0]
        let activity = try harness.activity(committee: harness.committeeA, capacity: 1)
        let body = #"{"activity_id":\#(activity),"resident_id":\#(residents[0])}"#
        #expect(try await harness.request("POST", "/v1/signups", body: body, headers: try harness.signature(body)).status == 201)

        let late = #"{"activity_id":\#(activity),"resident_id":\#(residents[1])}"#
        let full = try await harness.request("POST", "/v1/signups", body: late, headers: try harness.signature(late))
        #expect(full.status == 409)
        #expect(harness.errorCode(full) == "activity_full")

        let other = #"{"activity_id":\#(activity),"resident_id":\#(outsider)}"#
        let refused = try await harness.request("POST", "/v1/signups", body: other, headers: try harness.signature(other))
        #expect(refused.status == 404)
        let unknown = #"{"activity_id":999,"resident_id":\#(residents[0])}"#
        #expect(try await harness.request("POST", "/v1/signups", body: unknown, headers: try harness.signature(unknown)).status == 404)
        #expect(try harness.signedUp(activity) == 1)
        #expect(try harness.count("SELECT count(*) FROM signups") == 1)
    }

    @Test func badStaleAndReplayedSignaturesAreRefused() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let (residents, activity) = try harness.residentsAndActivity(1, capacity: 5)
        let body = #"{"activity_id":\#(activity),"resident_id":\#(residents[0])}"#
        let now = harness.clock.now()

        let refusals: [(headers: [HTTPHeader], status: Int, code: String)] = [
            ([], 401, "bad_signature"),
            (try harness.signature(body, secret: "someone-elses-secret"), 401, "bad_signature"),
            (try harness.signature(body + " "), 401, "bad_signature"),
            (try harness.signature(body, at: now.addingTimeInterval(-301)), 401, "bad_signature"),
            (try harness.signature(body, at: now.addingTimeInterval(301)), 401, "bad_signature"),
            ([HTTPHeader("X-Herald-Timestamp", "yesterday"), HTTPHeader("X-Herald-Signature", "v1=00")], 401, "bad_signature"),
            ([HTTPHeader("X-Herald-Timestamp", String(Int(now.timeIntervalSince1970))),
              HTTPHeader("X-Herald-Signature", "sha1=abc")], 401, "bad_signature"),
        ]
        for refusal in refusals {
            let response = try await harness.request("POST", "/v1/signups", body: body, headers: refusal.headers)
            #expect(response.status == refusal.status, "\(refusal.headers)")
            #expect(harness.errorCode(response) == refusal.code)
        }
        #expect(try harness.signedUp(activity) == 0)

        // Within the window (299 s old) it counts once; the same request again is a replay.
        let signed = try harness.signature(body, at: now.addingTimeInterval(-299))
        #expect(try await harness.request("POST", "/v1/signups", body: body, headers: signed).status == 201)
        let replayed = try await harness.request("POST", "/v1/signups", body: body, headers: signed)
        #expect(replayed.status == 409)
        #expect(harness.errorCode(replayed) == "replayed")
        let cancel = #"{"activity_id":\#(activity),"resident_id":\#(residents[0]),"action":"cancel"}"#
        let cancelSigned = try harness.signature(cancel)
        #expect(try await harness.request("POST", "/v1/signups", body: cancel, headers: cancelSigned).status == 200)
        #expect(try await harness.request("POST", "/v1/signups", body: cancel, headers: cancelSigned).status == 409)
        #expect(try harness.signedUp(activity) == 0)
        let results = harness.server.context.metrics.callbackCounts().filter { $0.gateway == "miniprogram" }
        #expect(results.map { "\($0.result) \($0.count)" } == ["ok 2", "rejected 9"])
    }

    @Test func aRefusedBodyDoesNotUseUpItsSignature() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let bodies = [#"{"activity_id":1,"resident_id":1,"seats":2}"#, #"{"activity_id":"one"}"#, "{not json",
                      #"{"activity_id":1}"#, #"{"activity_id":1,"resident_id":1,"action":"maybe"}"#]
        for body in bodies {
            let response = try await harness.request("POST", "/v1/signups", body: body, headers: try harness.signature(body))
            #expect((400..<500).contains(response.status) && response.status != 409, "\(body): \(response.status)")
        }
        #expect(try harness.count("SELECT count(*) FROM webhook_signatures") == 0)
        #expect(try harness.count("SELECT count(*) FROM signups") == 0)
    }

    @Test func withoutASecretSignedWebhooksAreOff() async throws {
        let harness = try ServerHarness { $0.webhookSecret = nil }
        defer { harness.stop() }
        let body = #"{"activity_id":1,"resident_id":1}"#
        let response = try await harness.request("POST", "/v1/signups", body: body, headers: try harness.signature(body))
        #expect(response.status == 503)
        #expect(harness.errorCode(response) == "webhook_secret_unset")
    }

    @Test func theMiniProgramsAnswerToAnInvitationCountsAgainstItsDelivery() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let (residents, activity) = try harness.residentsAndActivity(1, capacity: 5)
        let push = try harness.sent(activity, channel: "push", queue: "wechat-subscribe", gateway: "wechat")
        let delivery = try #require(push[residents[0]])
        let body = #"{"delivery_id":"\#(delivery)","openid":"o-\#(harness.committeeA)-0","action":"signup"}"#
        let response = try await harness.request("POST", "/callbacks/webhook/signup", body: body,
                                                 headers: try harness.signature(body))
        #expect(response.status == 200, "\(response.text)")
        #expect(try harness.object(response)["actions"] as? [String] == ["signed_up"])
        #expect(try harness.signedUp(activity) == 1)
        #expect(try harness.state(of: delivery) == .confirmed)
        let replayed = try await harness.request("POST", "/callbacks/webhook/signup", body: body,
                                                 headers: try harness.signature(body))
        #expect(replayed.status == 409)
        #expect(try harness.signedUp(activity) == 1)
    }

    @Test func oldSignaturesArePrunedOnceOutOfTheWindow() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let (residents, activity) = try harness.residentsAndActivity(1, capacity: 5)
        for action in ["signup", "cancel", "signup"] {
            let body = #"{"activity_id":\#(activity),"resident_id":\#(residents[0]),"action":"\#(action)"}"#
            #expect(try await harness.request("POST", "/v1/signups", body: body, headers: try harness.signature(body)).status < 300)
            harness.clock.advance(by: 400)
        }
        // Each new signature prunes those older than twice the window (600 s + 1 s).
        #expect(try harness.count("SELECT count(*) FROM webhook_signatures") == 2)
    }
}

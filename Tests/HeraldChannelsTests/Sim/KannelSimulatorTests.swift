import Foundation
import HeraldChannels
import HeraldHTTP
import Testing
@testable import HeraldSim

@Suite struct KannelSimulatorTests {
    static let credentials = [("username", "herald"), ("password", "herald-sim")]

    func send(_ harness: SimulatorHarness, to: String = "13800000001", from: String? = "10690000",
              dlrURL: String? = nil, mask: String = "31", extra: [(String, String)] = []) -> HTTPRequest {
        var parameters = Self.credentials + [("to", to)]
        if let from { parameters.append(("from", from)) }
        parameters += [("charset", "UTF-8"), ("coding", "2"), ("text", "社区通知：明天停水")]
        if let dlrURL { parameters += [("dlr-mask", mask), ("dlr-url", dlrURL)] }
        return harness.kannel(parameters + extra)
    }

    @Test func acceptsLikeKannelThenReports8Then1ThenTheReply() async throws {
        let harness = try SimulatorHarness(callbacks: true, behaviour: SimulatorHarness.behaviour {
            $0.replyRate = 1
            $0.replyTexts = ["报名 张三"]
        })
        defer { harness.stop() }
        let inbox = try #require(harness.inbox)
        let dlrURL = inbox.baseURL + "/callbacks/kannel/dlr?delivery=42&status=%d&ts=%T&smscid=%F&handset=%p&sender=%P"

        let response = try await harness.send(send(harness, dlrURL: dlrURL))
        #expect(response.status == 202)
        #expect(response.text == "0: Accepted for delivery")
        #expect(response.header("Content-Type") == "text/html")

        let callbacks = inbox.wait(for: 3)
        try #require(callbacks.count == 3)
        let (smsc, delivered, reply) = (callbacks[0], callbacks[1], callbacks[2])
        #expect(smsc.path == "/callbacks/kannel/dlr")
        #expect(smsc.queryValue("delivery") == "42")
        #expect(smsc.queryValue("status") == "8")
        #expect(smsc.queryValue("smscid") == "")
        #expect(smsc.queryValue("ts") == String(harness.unixNow))
        #expect(smsc.queryValue("handset") == "13800000001")
        #expect(smsc.queryValue("sender") == "10690000")
        #expect(delivered.queryValue("delivery") == "42")
        #expect(delivered.queryValue("status") == "1")
        #expect(delivered.queryValue("smscid")?.count == 36)
        #expect(reply.method == "GET")
        #expect(reply.path == "/callbacks/kannel/mo")
        #expect(reply.queryValue("from") == "13800000001")
        #expect(reply.queryValue("to") == "10690000")
        #expect(reply.queryValue("text") == "报名 张三")

        let record = try #require(harness.simulator.requests().first)
        #expect(record.gateway == .kannel)
        #expect(record.action == "sendsms")
        #expect(record.deliveryID == "42")
        #expect(record.recipients == ["+86 138****0001"])
        #expect(record.outcome == .accepted)
        #expect(record.sent)
        #expect(harness.simulator.waitForCallbacks(timeout: .seconds(5)))
        #expect(harness.simulator.callbacks().map(\.kind) == [.kannelDeliveryReport, .kannelDeliveryReport, .kannelReply])
        #expect(harness.simulator.callbacks().allSatisfy { $0.status == 200 })
    }

    @Test func undeliveredReportsAre8Then2AndTheMaskFilters() async throws {
        let harness = try SimulatorHarness(callbacks: true, behaviour: SimulatorHarness.behaviour {
            $0.deliveryRate = 0
        })
        defer { harness.stop() }
        let inbox = try #require(harness.inbox)
        let all = inbox.baseURL + "/dlr?delivery=7&status=%d"
        let onlyFinal = inbox.baseURL + "/dlr?delivery=8&status=%d"

        _ = try await harness.send(send(harness, dlrURL: all, mask: "31"))
        #expect(inbox.wait(for: 2).map { $0.queryValue("status") } == ["8", "2"])
        _ = try await harness.send(send(harness, to: "13800000002", dlrURL: onlyFinal, mask: "3"))
        let reports = inbox.wait(for: 3)
        #expect(reports.count == 3)
        #expect(reports.last?.queryValue("delivery") == "8")
        #expect(reports.last?.queryValue("status") == "2")
    }

    /// A request Kannel refuses, and how.
    struct Refusal: Sendable, CustomTestStringConvertible {
        var parameters: [(String, String)]
        var status: Int
        var text: String
        var testDescription: String { text }

        init(_ parameters: [(String, String)], _ status: Int, _ text: String) {
            self.parameters = parameters
            self.status = status
            self.text = text
        }
    }

    static let good: [(String, String)] = [("username", "herald"), ("password", "herald-sim")]
    static let refusals: [Refusal] = [
        Refusal([("username", "herald"), ("password", "wrong"), ("to", "13800000001"), ("from", "1069")], 403,
                "Authorization failed for sendsms"),
        Refusal([("user", "herald"), ("pass", "herald-sim"), ("from", "1069")], 400,
                "Missing receiver number, rejected"),
        Refusal(good + [("to", ""), ("from", "1069")], 400, "Empty receiver number not allowed, rejected"),
        Refusal(good + [("to", "138abc"), ("from", "1069")], 400,
                "Number(s) has/have been denied by white- and/or black-lists."),
        Refusal(good + [("to", "13800000001")], 400, "Sender missing and no global set, rejected"),
        Refusal(good + [("to", "13800000001"), ("from", "1069"), ("dlr-url", "ftp://x")], 400,
                "DLR-URL field misformed, rejected"),
        Refusal(good + [("to", "13800000001"), ("from", "1069"), ("coding", "5")], 400,
                "Coding field misformed, rejected"),
    ]

    @Test(arguments: refusals)
    func refusesLikeKannel(_ refusal: Refusal) async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let response = try await harness.send(harness.kannel(refusal.parameters))
        #expect(response.status == refusal.status)
        #expect(response.text == refusal.text)
        let record = try #require(harness.simulator.requests().first)
        #expect(record.outcome == .rejected(code: refusal.text))
        #expect(!record.sent)
    }

    @Test func notAcceptedIsATemporalFailure() async throws {
        let harness = try SimulatorHarness(behaviour: SimulatorHarness.behaviour { $0.acceptanceRate = 0 })
        defer { harness.stop() }
        let response = try await harness.send(send(harness))
        #expect(response.status == 503)
        #expect(response.text == "Temporal failure, try again later.")
    }
}

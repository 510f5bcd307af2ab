import Foundation
import HeraldCore
import Testing
@testable import HeraldChannels
@testable import HeraldSim

/// Every adapter, built by `ChannelFactory` from its shipped `Queues/*.json`
/// file, against the gateway simulator over real loopback HTTP: success, each
/// class of failure, timeouts and Retry-After.
@Suite struct AdapterSimulatorTests {
    /// One shipped queue file and a message its adapter can send.
    struct Adapter: CustomTestStringConvertible, Sendable {
        let file: String
        let gateway: SimulatedGateway
        var testDescription: String { file }

        static let all: [Adapter] = [
            Adapter(file: "kannel-sms", gateway: .kannel),
            Adapter(file: "alibaba-sms", gateway: .alibaba),
            Adapter(file: "alibaba-ivr", gateway: .alibaba),
            Adapter(file: "alibaba-tts", gateway: .alibaba),
            Adapter(file: "tencent-sms", gateway: .tencent),
            Adapter(file: "tencent-voice", gateway: .tencent),
            Adapter(file: "wechat-subscribe", gateway: .wechat),
            Adapter(file: "webhook", gateway: .webhook),
            Adapter(file: "http-generic", gateway: .generic),
        ]

        /// The adapters whose gateway checks credentials.
        static let authenticated = all.filter { $0.gateway != .generic }

        func message(_ deliveryID: Int64, phone: String = "13800000001", openID: String = "oResident0001") throws -> OutboundMessage {
            OutboundMessage(
                deliveryID: deliveryID, committeeID: 7,
                recipient: Recipient(phone: try PhoneNumber(parsing: phone), openID: openID),
                text: "【阳光社区】周六上午9点在3号楼前更换灭火器，按1或回复1报名。",
                templateCode: file.hasPrefix("wechat") ? "tmpl-activity" : "SMS_300001",
                parameters: [TemplateParameter("thing1", "更换灭火器"), TemplateParameter("time2", "周六 09:00")],
                page: "pages/activity/index?delivery=\(deliveryID)",
                voiceMenu: VoiceMenu(startCode: "TTS_100001", keys: [VoiceMenu.Key(key: "1", code: "TTS_100002"),
                                                                     VoiceMenu.Key(key: "2", code: "TTS_100003")],
                                     byeCode: "TTS_100004"))
        }
    }

    /// The `name`, `adapter` and `gateway` of a queue file.
    struct QueueFile: Decodable {
        let name: String
        let adapter: String
        var gateway: GatewayConfiguration
    }

    /// The simulator's test credentials under the variable names the shipped files use.
    static func environment(secret: String? = nil) -> [String: String] {
        [
            "HERALD_KANNEL_USERNAME": "herald", "HERALD_KANNEL_PASSWORD": secret ?? "herald-sim",
            "HERALD_ALIBABA_ACCESS_KEY_ID": "sim-access-key", "HERALD_ALIBABA_ACCESS_KEY_SECRET": secret ?? "sim-secret",
            "HERALD_TENCENT_SECRET_ID": "AKIDsim", "HERALD_TENCENT_SECRET_KEY": secret ?? "sim-secret",
            "HERALD_WECHAT_APP_SECRET": secret ?? "sim-secret",
            "HERALD_WEBHOOK_SECRET": secret ?? "sim-webhook-secret",
            "HERALD_GENERIC_ACCOUNT": "herald", "HERALD_GENERIC_TOKEN": secret ?? "generic-token",
        ]
    }

    /// The adapter from its shipped queue file, pointed at `harness`'s simulator.
    static func channel(_ adapter: Adapter, _ harness: SimulatorHarness, timeoutSeconds: Double = 5,
                        secret: String? = nil) throws -> any Channel {
        let url = packageRoot.appendingPathComponent("Queues/\(adapter.file).json")
        var queue = try JSONDecoder().decode(QueueFile.self, from: Data(contentsOf: url))
        queue.gateway.endpoint = adapter.gateway == .webhook ? harness.baseURL + "/webhook" : harness.baseURL
        queue.gateway.timeoutSeconds = timeoutSeconds
        if adapter.gateway == .wechat { queue.gateway.settings["appId"] = "wxsim" }
        return try ChannelFactory(logger: silentLogger).makeChannel(
            queueName: queue.name, adapter: queue.adapter, gateway: queue.gateway,
            environment: environment(secret: secret), transport: harness.client, clock: harness.clock)
    }

    static let quiet = SimulatorHarness.behaviour { $0.frequencyLimits = .none }

    @Test(arguments: Adapter.all)
    func acceptsAndCarriesTheDeliveryID(adapter: Adapter) async throws {
        let harness = try SimulatorHarness(behaviour: Self.quiet)
        defer { harness.stop() }
        let channel = try Self.channel(adapter, harness)
        let outcome = await channel.send(try adapter.message(5101))
        guard case .accepted = outcome else {
            Issue.record("\(adapter.file): expected accepted, got \(outcome)")
            return
        }
        let sends = harness.simulator.requests().filter { $0.gateway == adapter.gateway && $0.sent }
        #expect(sends.count == 1)
        #expect(sends.first?.deliveryID == "5101")
        // Masked numbers only, in the simulator's log as everywhere.
        #expect(!sends.contains { $0.recipients.contains("13800000001") || $0.recipients.contains("+8613800000001") })
    }

    @Test(arguments: Adapter.all)
    func aTooManyRequestsAnswerIsRateLimitedForItsRetryAfter(adapter: Adapter) async throws {
        let harness = try SimulatorHarness(behaviour: Self.quiet)
        defer { harness.stop() }
        let channel = try Self.channel(adapter, harness)
        _ = await channel.send(try adapter.message(5200))  // warm up (WeChat fetches its token here)
        harness.simulator.inject(.status429(retryAfter: 7), gateway: adapter.gateway)
        let outcome = await channel.send(try adapter.message(5201))
        guard case .rateLimited(let after, _) = outcome else {
            Issue.record("\(adapter.file): expected rate-limited, got \(outcome)")
            return
        }
        #expect(after == .seconds(7))
    }

    @Test(arguments: Adapter.all)
    func aServerErrorIsRetriedAfterItsRetryAfter(adapter: Adapter) async throws {
        let harness = try SimulatorHarness(behaviour: Self.quiet)
        defer { harness.stop() }
        let channel = try Self.channel(adapter, harness)
        _ = await channel.send(try adapter.message(5300))
        harness.simulator.inject(.status5xx(status: 503, retryAfter: 3), gateway: adapter.gateway)
        let outcome = await channel.send(try adapter.message(5301))
        #expect(outcome.name == "retry", "\(adapter.file): \(outcome)")
        if case .retry(let after, _) = outcome { #expect(after == .seconds(3)) }
    }

    @Test(arguments: Adapter.all)
    func aSilentGatewayTimesOutIntoARetry(adapter: Adapter) async throws {
        let harness = try SimulatorHarness(behaviour: Self.quiet)
        defer { harness.stop() }
        let channel = try Self.channel(adapter, harness, timeoutSeconds: 0.3)
        _ = await channel.send(try adapter.message(5400))
        harness.simulator.inject(.timeout(hold: nil), gateway: adapter.gateway)
        let outcome = await channel.send(try adapter.message(5401))
        guard case .retry(_, let reason) = outcome else {
            Issue.record("\(adapter.file): expected retry, got \(outcome)")
            return
        }
        #expect(reason.contains("timed out"), "\(reason)")
    }

    @Test(arguments: Adapter.all)
    func aMalformedAnswerIsRetried(adapter: Adapter) async throws {
        let harness = try SimulatorHarness(behaviour: Self.quiet)
        defer { harness.stop() }
        let channel = try Self.channel(adapter, harness)
        _ = await channel.send(try adapter.message(5500))
        harness.simulator.inject(.malformedBody(.htmlErrorPage), gateway: adapter.gateway)
        let outcome = await channel.send(try adapter.message(5501))
        // A webhook receiver's 2xx is the answer; its body is optional, so an
        // unreadable body does not undo it. Every gateway API's body is its answer.
        let expected = adapter.gateway == .webhook ? "accepted" : "retry"
        #expect(outcome.name == expected, "\(adapter.file): \(outcome)")
    }

    @Test(arguments: Adapter.all)
    func aConnectionDroppedBeforeAnyAnswerIsRetried(adapter: Adapter) async throws {
        let harness = try SimulatorHarness(behaviour: Self.quiet)
        defer { harness.stop() }
        let channel = try Self.channel(adapter, harness)
        // A fresh connection: libcurl only re-sends on a reused one.
        harness.simulator.inject(.dropConnection, gateway: adapter.gateway)
        let outcome = await channel.send(try adapter.message(5601))
        #expect(outcome.name == "retry", "\(adapter.file): \(outcome)")
    }

    @Test(arguments: Adapter.authenticated)
    func wrongCredentialsStopTheQueue(adapter: Adapter) async throws {
        let harness = try SimulatorHarness(behaviour: Self.quiet)
        defer { harness.stop() }
        let channel = try Self.channel(adapter, harness, secret: "not-the-secret")
        let outcome = await channel.send(try adapter.message(5701))
        #expect(outcome.name == "gateway_failure", "\(adapter.file): \(outcome)")
        #expect(!harness.simulator.requests().contains { $0.sent })
    }

    @Test(arguments: ["alibaba-sms", "alibaba-ivr", "tencent-sms", "tencent-voice"])
    func anEmptyBalanceStopsTheQueue(file: String) async throws {
        let adapter = try #require(Adapter.all.first { $0.file == file })
        let harness = try SimulatorHarness(behaviour: Self.quiet)
        defer { harness.stop() }
        harness.simulator.setBalance(0, for: adapter.gateway)
        let outcome = try await Self.channel(adapter, harness).send(try adapter.message(5801))
        #expect(outcome.name == "gateway_failure", "\(file): \(outcome)")
    }

    @Test(arguments: ["alibaba-sms", "tencent-sms"])
    func aNumberThatCannotTakeAnSMSIsPermanent(file: String) async throws {
        let adapter = try #require(Adapter.all.first { $0.file == file })
        let harness = try SimulatorHarness(behaviour: Self.quiet)
        defer { harness.stop() }
        let outcome = try await Self.channel(adapter, harness).send(try adapter.message(5901, phone: "021-5555 1234"))
        #expect(outcome.name == "permanent", "\(file): \(outcome)")
    }

    @Test(arguments: ["alibaba-sms", "alibaba-tts", "tencent-sms", "tencent-voice"])
    func thePerNumberFrequencyLimitIsRateLimited(file: String) async throws {
        let adapter = try #require(Adapter.all.first { $0.file == file })
        // The gateways' own default per-number limits (1 a minute, 1 in 30 s).
        let harness = try SimulatorHarness(behaviour: SimulatorHarness.behaviour { $0.frequencyLimits = .init() })
        defer { harness.stop() }
        let channel = try Self.channel(adapter, harness)
        guard case .accepted = await channel.send(try adapter.message(6001)) else {
            Issue.record("\(file): the first send must go out")
            return
        }
        let second = await channel.send(try adapter.message(6002))
        #expect(second.name == "rate_limited", "\(file): \(second)")
    }

    @Test func aResidentWithoutASubscriptionIsPermanentSoThePlanEscalates() async throws {
        let adapter = try #require(Adapter.all.first { $0.file == "wechat-subscribe" })
        let harness = try SimulatorHarness(behaviour: SimulatorHarness.behaviour {
            $0.frequencyLimits = .none
            $0.unsubscribedOpenIDs = ["oNoSubscription"]
        })
        defer { harness.stop() }
        let channel = try Self.channel(adapter, harness)
        let refused = await channel.send(try adapter.message(6101, openID: "oNoSubscription"))
        #expect(refused.name == "permanent")
        #expect(refused.description.contains("43101"))
        let badOpenID = await channel.send(try adapter.message(6102, openID: "not-an-openid"))
        #expect(badOpenID.name == "permanent")
    }

    @Test func anExpiredAccessTokenIsRefreshedAndTheSendGoesThrough() async throws {
        let adapter = try #require(Adapter.all.first { $0.file == "wechat-subscribe" })
        let harness = try SimulatorHarness(behaviour: Self.quiet)
        defer { harness.stop() }
        let channel = try Self.channel(adapter, harness)
        guard case .accepted = await channel.send(try adapter.message(6201)) else {
            Issue.record("the first push must go out")
            return
        }
        harness.simulator.expireAccessTokens()  // the simulator answers 40001 to the cached token
        let outcome = await channel.send(try adapter.message(6202))
        guard case .accepted = outcome else {
            Issue.record("expected accepted after a refresh, got \(outcome)")
            return
        }
        let tokenFetches = harness.simulator.requests().filter { $0.action.contains("token") }
        #expect(tokenFetches.count == 2)
    }
}

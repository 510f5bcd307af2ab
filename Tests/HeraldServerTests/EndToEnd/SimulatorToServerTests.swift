import Foundation
import HeraldChannels
import HeraldCore
import HeraldDispatch
import HeraldSim
import HeraldStore
import Testing
@testable import HeraldServer

/// The whole loop on loopback: a broadcast created through the API, sent by
/// the dispatcher to the gateway simulator, whose callbacks (Kannel
/// delivery reports, Alibaba call reports with key presses, mini-program
/// sign-ups) come back to the server and become delivery states and the
/// activity's sign-up count. One `ManualClock` for all three.
@Suite struct SimulatorToServerTests {
    static let credentials = SimulatorCredentials()
    static let environment = [
        "HERALD_KANNEL_USERNAME": credentials.kannelUsername, "HERALD_KANNEL_PASSWORD": credentials.kannelPassword,
        "HERALD_ALIBABA_ACCESS_KEY_ID": credentials.alibabaAccessKeyID,
        "HERALD_ALIBABA_ACCESS_KEY_SECRET": credentials.alibabaAccessKeySecret,
        "HERALD_WECHAT_APP_SECRET": credentials.wechatAppSecret,
    ]

    /// push → SMS → voice, with the gateways at `simulator` and Kannel's
    /// dlr-url at `herald`.
    static func queues(simulator: String, herald: String) throws -> QueueCatalog {
        try QueueCatalog(queues: [
            """
            {"name": "push", "channel": "push", "adapter": "wechat-subscribe", "rate": 100, "burst": 100, "concurrency": 8,
             "gateway": {"endpoint": "\(simulator)", "credentials": {"appSecret": "HERALD_WECHAT_APP_SECRET"},
                         "settings": {"appId": "\(credentials.wechatAppID)"}, "timeoutSeconds": 5}}
            """,
            """
            {"name": "sms", "channel": "sms", "adapter": "kannel", "rate": 100, "burst": 100, "concurrency": 8,
             "gateway": {"endpoint": "\(simulator)", "timeoutSeconds": 5,
                         "credentials": {"username": "HERALD_KANNEL_USERNAME", "password": "HERALD_KANNEL_PASSWORD"},
                         "settings": {"from": "10690001", "callbackBase": "\(herald)"}}}
            """,
            """
            {"name": "voice", "channel": "voice", "adapter": "alibaba-ivr", "rate": 10, "burst": 10, "concurrency": 4,
             "noAnswer": {"retryAfterSeconds": 600, "maxCalls": 2},
             "gateway": {"endpoint": "\(simulator)", "timeoutSeconds": 5,
                         "credentials": {"accessKeyId": "HERALD_ALIBABA_ACCESS_KEY_ID",
                                         "accessKeySecret": "HERALD_ALIBABA_ACCESS_KEY_SECRET"},
                         "settings": {"calledShowNumber": "057112345678"}}}
            """,
        ].map { try QueueConfiguration(decoding: Data($0.utf8), file: "e2e.json") })
    }

    /// Herald's server, the simulator calling it back and a dispatcher
    /// sending to the simulator, over one `ManualClock`; six residents (the
    /// first three on the mini program), an activity with `capacity`
    /// places and an invitation push → SMS → voice, created through the API.
    /// Everyone answers: a push is signed up for in the mini program, an SMS
    /// is delivered but not replied to, a call is answered with "1".
    final class Loop {
        let harness: ServerHarness
        let simulator: GatewaySimulator
        let client: HTTPClient
        let dispatcher: Dispatcher
        var activity = 0
        var broadcast = 0

        init(capacity: Int) throws {
            // The server knows the queues by name (to check plans); their gateways are not its business.
            harness = try ServerHarness(queues: try SimulatorToServerTests.queues(simulator: "http://127.0.0.1:9",
                                                                                  herald: "http://127.0.0.1:9")) {
                $0.callbackPathSecret = SimulatorToServerTests.credentials.callbackPathSecret
                $0.webhookSecret = Array(SimulatorToServerTests.credentials.webhookSecret.utf8)
            }
            simulator = try GatewaySimulator(configuration: GatewaySimulator.Configuration(
                seed: 21, callbackBaseURL: harness.baseURL, credentials: SimulatorToServerTests.credentials,
                behaviour: SimulatorBehaviour(deliveryRate: 1, answerRate: 1, keyPress1Rate: 1, keyPress2Rate: 0,
                                              replyRate: 0, signupRate: 1, callbackDelaySeconds: 1...5,
                                              frequencyLimits: .none),
                clock: harness.clock, timeScale: 1_000_000, logger: ServerHarness.silent))
            client = try HTTPClient(configuration: HTTPClient.Configuration(proxy: ""))
            dispatcher = try Dispatcher(
                configuration: Dispatcher.Configuration(
                    queues: try SimulatorToServerTests.queues(simulator: simulator.baseURL, herald: harness.baseURL),
                    templates: harness.server.context.templates, environment: SimulatorToServerTests.environment,
                    timing: .manual, seed: 3),
                jobs: harness.jobs, transport: client, logger: ServerHarness.silent)
            self.capacity = capacity
        }

        private let capacity: Int

        deinit {
            _ = dispatcher.stop(deadline: 5)
            client.shutdown()
            simulator.stop()
            harness.stop()
        }

        /// The roster, the activity and the invitation, through the API.
        func publish() async throws {
            let roster = (0..<6).map { index in
                #"{"external_id": "r\#(index)", "name": "居民\#(index)", "phone": "\#(ServerHarness.phone(committee: harness.committeeA, index: index))""#
                    + (index < 3 ? #", "openid": "oE2E-\#(index)"}"# : "}")
            }
            let imported = try await harness.request("POST", "/v1/residents", token: harness.tokenA,
                                                     body: #"{"residents": [\#(roster.joined(separator: ","))]}"#)
            #expect(imported.status == 200, "\(imported.text)")
            let created = try await harness.request("POST", "/v1/activities", token: harness.tokenA, body: """
                {"title": "楼道微整治 · 更换灭火器", "place": "5号楼底层活动室", "starts_at": "2026-12-06T09:00:00+08:00",
                 "capacity": \(capacity)}
                """)
            activity = try #require(harness.object(created)["id"] as? Int)
            let invitation = try await harness.request("POST", "/v1/broadcasts", token: harness.tokenA, body: """
                {"template": "activity-invitation",
                 "variables": {"activity": "更换灭火器", "time": "12月6日 09:00", "place": "5号楼活动室", "seats": "\(capacity)"},
                 "audience": {"all": true}, "activity_id": \(activity),
                 "plan": {"steps": [{"channel": "push", "queue": "push", "escalate_after_seconds": 1800},
                                    {"channel": "sms", "queue": "sms", "escalate_after_seconds": 3600},
                                    {"channel": "voice", "queue": "voice"}]}}
                """)
            #expect(invitation.status == 201, "\(invitation.text)")
            broadcast = try #require(harness.object(invitation)["id"] as? Int)
        }

        /// Fans out and sends; then lets an hour and a half pass in ten-minute
        /// steps, and at the end sends what the last callbacks queued (an
        /// activity-full SMS answers a key press only once its report is in)
        /// and takes those sends' own reports.
        func run() {
            dispatcher.start()
            #expect(dispatcher.settle(timeout: 60))
            #expect(simulator.waitForCallbacks(timeout: .seconds(30)))
            for _ in 0..<9 {
                harness.clock.advance(by: 600)
                roundTrip()
            }
            roundTrip()
        }

        private func roundTrip() {
            dispatcher.tick()
            #expect(dispatcher.settle(timeout: 60))
            #expect(simulator.waitForCallbacks(timeout: .seconds(30)))
        }
    }

    @Test func callbacksDriveDeliveriesAndSignUpsEndToEnd() async throws {
        let loop = try Loop(capacity: 400)
        let (harness, simulator, dispatcher) = (loop.harness, loop.simulator, loop.dispatcher)
        try await loop.publish()
        let (activity, id) = (loop.activity, loop.broadcast)
        loop.run()

        // Every callback the simulator sent was taken.
        let callbacks = simulator.callbacks()
        #expect(!callbacks.isEmpty)
        #expect(callbacks.allSatisfy { $0.status == 200 }, "\(callbacks.filter { $0.status != 200 })")
        #expect(Set(callbacks.map(\.kind)).isSuperset(of: [.webhookSignup, .kannelDeliveryReport, .alibabaVoiceReport]))

        // All six signed up: three in the mini program, three by pressing 1.
        let shown = try await harness.request("GET", "/v1/activities/\(activity)", token: harness.tokenA)
        #expect(try harness.object(shown)["signed_up"] as? Int == 6, "\(shown.text)")
        #expect(try harness.count("SELECT count(*) FROM signups WHERE state = 1 AND source = 'mini_program'") == 3)
        #expect(try harness.count("SELECT count(*) FROM signups WHERE state = 1 AND source = 'voice_key'") == 3)
        // The SMS reached the three without the mini program; their calls were answered.
        #expect(try harness.count("""
            SELECT count(DISTINCT e.delivery_id) FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id
             WHERE d.broadcast_id = ? AND e.kind = 'delivered' AND e.channel = 'sms'
            """, [id]) == 3)
        #expect(try harness.count("""
            SELECT count(DISTINCT e.delivery_id) FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id
             WHERE d.broadcast_id = ? AND e.kind = 'answered'
            """, [id]) == 3)
        let progress = try await harness.request("GET", "/v1/broadcasts/\(id)", token: harness.tokenA)
        let states = try #require((try harness.object(progress)["progress"] as? [String: Any])?["by_state"] as? [String: Int],
                                  "\(progress.text)")
        #expect(states["confirmed"] == 6, "\(states)")

        // The numbers reach /metrics; promtool accepts the exposition.
        let metrics = try await harness.request("GET", "/metrics")
        #expect(metrics.text.contains(#"herald_signups{source="voice_key"} 3"#))
        #expect(metrics.text.contains(#"herald_activity_signed_up{activity="\#(activity)",committee="\#(harness.committeeA)"} 6"#))
        let live = ServerContext(jobs: harness.jobs, templates: harness.server.context.templates, dispatcher: dispatcher,
                                 configuration: harness.server.context.configuration, metrics: harness.server.context.metrics)
        let text = try live.prometheusText()
        #expect(text.contains(#"herald_sends_total{queue="voice",channel="voice",outcome="accepted"} 3"#), "\(text)")
        #expect(text.contains(#"herald_enqueue_to_accepted_seconds_count{queue="sms"} 3"#))
        try PromtoolCheck.metrics(text)
    }

    @Test func aKeyPressAfterTheLastPlaceIsAnsweredByAnActivityFullSMS() async throws {
        // Four places for six residents who all say yes: three in the mini program
        // first, then three calls pressing 1, of which only one gets the last place.
        let loop = try Loop(capacity: 4)
        try await loop.publish()
        loop.run()
        let harness = loop.harness
        #expect(try harness.signedUp(Int64(loop.activity)) == 4)
        let late = try harness.count("""
            SELECT count(*) FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id
             WHERE d.broadcast_id = ? AND e.kind = 'key'
            """, [loop.broadcast]) - 1
        #expect(late >= 1)
        // Each late resident was sent activity-full by SMS, once, and it was delivered.
        #expect(try harness.count("SELECT count(*) FROM broadcasts WHERE template = 'activity-full'") == late)
        #expect(try harness.count("""
            SELECT count(*) FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id
             WHERE b.template = 'activity-full' AND d.channel = 'sms' AND d.state = 2
            """) == late)
        let texts = loop.simulator.requests().filter { $0.gateway == .kannel && $0.sent }
        #expect(texts.count == 3 + late, "three invitations by SMS, then the replies")
    }
}

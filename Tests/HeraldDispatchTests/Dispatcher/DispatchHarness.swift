import Foundation
import HeraldChannels
import HeraldCore
import HeraldSim
import Testing
@testable import HeraldDispatch
@testable import HeraldStore

/// A dispatcher in manual timing on a fresh database, sending to a gateway
/// simulator on loopback, with one `ManualClock` for both: a test moves
/// time forward with `run(for:step:)`, which ticks the dispatcher and waits
/// (in real time, for loopback I/O only) until it settles.
final class DispatchHarness {
    /// 2026-12-01 10:00 in Shanghai (02:00 UTC): inside every default window.
    static let morning = Date(timeIntervalSince1970: 1_796_090_400)
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let silent = Logger(label: "dispatch-test", system: LoggingSystem(sink: { _ in }))

    let path = NSTemporaryDirectory() + "herald-dispatch-\(UUID().uuidString).db"
    let clock: ManualClock
    let jobs: JobQueue
    let simulator: GatewaySimulator
    let client: HTTPClient
    private(set) var dispatcher: Dispatcher!
    private(set) var committees: [Int64] = []

    /// The simulator's credentials under the variable names the shipped queue files use.
    static let environment = [
        "HERALD_KANNEL_USERNAME": "herald", "HERALD_KANNEL_PASSWORD": "herald-sim",
        "HERALD_ALIBABA_ACCESS_KEY_ID": "sim-access-key", "HERALD_ALIBABA_ACCESS_KEY_SECRET": "sim-secret",
        "HERALD_TENCENT_SECRET_ID": "AKIDsim", "HERALD_TENCENT_SECRET_KEY": "sim-secret",
        "HERALD_WECHAT_APP_SECRET": "sim-secret", "HERALD_WEBHOOK_SECRET": "sim-webhook-secret",
    ]

    /// A behaviour for tests: everything accepted and answered at once, no
    /// per-number limits, no callbacks (tests feed receipts themselves).
    static func behaviour(_ change: (inout SimulatorBehaviour) -> Void = { _ in }) -> SimulatorBehaviour {
        var behaviour = SimulatorBehaviour(deliveryRate: 1, answerRate: 1, keyPress1Rate: 0, keyPress2Rate: 0,
                                           replyRate: 0, signupRate: 0, callbackDelaySeconds: 0...0,
                                           frequencyLimits: .none)
        change(&behaviour)
        return behaviour
    }

    /// - Parameter queues: queue files as JSON objects without `gateway`,
    ///   keyed by adapter (the gateway block is filled in for the simulator).
    init(queues: [(adapter: String, json: String)], behaviour: SimulatorBehaviour = DispatchHarness.behaviour(),
         start: Date = DispatchHarness.morning, configure: (inout Dispatcher.Configuration) -> Void = { _ in }) throws {
        clock = ManualClock(start)
        jobs = try JobQueue(path: path, clock: clock, seed: 7)
        simulator = try GatewaySimulator(configuration: GatewaySimulator.Configuration(
            seed: 11, behaviour: behaviour, clock: clock, timeScale: 1_000_000, logger: Self.silent))
        client = try HTTPClient(configuration: HTTPClient.Configuration(proxy: ""))
        var files: [QueueConfiguration] = []
        for queue in queues {
            let json = queue.json.trimmingCharacters(in: .whitespacesAndNewlines).dropLast()
                + ", \"gateway\": \(Self.gateway(queue.adapter, simulator.baseURL))}"
            files.append(try QueueConfiguration(decoding: Data(json.utf8), file: "test.json"))
        }
        var configuration = Dispatcher.Configuration(
            queues: try QueueCatalog(queues: files),
            templates: try TemplateCatalog(loadingFrom: Self.packageRoot.appendingPathComponent("Templates").path),
            environment: Self.environment, timing: .manual, seed: 3)
        configure(&configuration)
        dispatcher = try Dispatcher(configuration: configuration, jobs: jobs, transport: client, logger: Self.silent)
    }

    static func gateway(_ adapter: String, _ base: String) -> String {
        switch adapter {
        case "kannel":
            return #"{"endpoint": "\#(base)", "credentials": {"username": "HERALD_KANNEL_USERNAME", "password": "HERALD_KANNEL_PASSWORD"}, "settings": {"from": "10690001", "callbackBase": "http://127.0.0.1:9"}, "timeoutSeconds": 5}"#
        case "alibaba-tts", "alibaba-ivr":
            return #"{"endpoint": "\#(base)", "credentials": {"accessKeyId": "HERALD_ALIBABA_ACCESS_KEY_ID", "accessKeySecret": "HERALD_ALIBABA_ACCESS_KEY_SECRET"}, "settings": {"calledShowNumber": "057112345678"}, "timeoutSeconds": 5}"#
        case "alibaba-sms":
            return #"{"endpoint": "\#(base)", "credentials": {"accessKeyId": "HERALD_ALIBABA_ACCESS_KEY_ID", "accessKeySecret": "HERALD_ALIBABA_ACCESS_KEY_SECRET"}, "settings": {"signName": "阳光社区"}, "timeoutSeconds": 5}"#
        case "wechat-subscribe":
            return #"{"endpoint": "\#(base)", "credentials": {"appSecret": "HERALD_WECHAT_APP_SECRET"}, "settings": {"appId": "wxsim"}, "timeoutSeconds": 5}"#
        default:
            return #"{"endpoint": "\#(base)/webhook/notices", "credentials": {"secret": "HERALD_WEBHOOK_SECRET"}, "timeoutSeconds": 5}"#
        }
    }

    deinit {
        dispatcher?.stop(deadline: 5)
        client.shutdown()
        simulator.stop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    // MARK: Records

    @discardableResult
    func committee(_ slug: String) throws -> Int64 {
        let now = clock.now().unixMilliseconds
        let id = try jobs.writer.write { db in try CommitteeStore.create(slug: slug, name: "\(slug)居委会", at: now, db: db).id }
        committees.append(id)
        return id
    }

    /// Adds `count` residents with phone numbers 139xxxxxxxx (and openids when asked); returns their ids.
    @discardableResult
    func residents(_ count: Int, committee: Int64, first: Int = 0, openID: Bool = false, voiceOK: Bool = true,
                   quiet: (Int, Int)? = nil) throws -> [Int64] {
        try jobs.writer.write { db in
            let insert = try db.cached("""
                INSERT INTO residents (committee_id, name, phone, openid, voice_ok, quiet_start, quiet_end, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 1, 1)
                """)
            var ids: [Int64] = []
            for index in first..<(first + count) {
                let phone = String(format: "+86139%08d", Int(committee) * 1_000_000 + index)
                try insert.execute([committee, "居民\(index)", phone, openID ? "oSim\(committee)-\(index)" : nil,
                                    voiceOK, quiet?.0, quiet?.1])
                ids.append(db.lastInsertRowID)
            }
            return ids
        }
    }

    func activity(committee: Int64, capacity: Int, startsIn: TimeInterval = 3 * 86_400) throws -> Int64 {
        try ActivityStore(writer: jobs.writer, readers: jobs.readers, clock: clock).create(NewActivity(
            committee: committee, title: "楼道微整治 · 更换灭火器", place: "3号楼前",
            startsAt: clock.now().addingTimeInterval(startsIn), capacity: capacity)).id
    }

    static let noticeVariables = ["subject": "3号楼停水通知", "details": "6月14日9:00至12:00暂停供水，请提前储水",
                                  "contact": "021-64001234"]
    static let invitationVariables = ["activity": "灭火器免费更换", "time": "2026年12月5日 09:00",
                                      "place": "3号楼前", "seats": "400"]

    /// Creates a broadcast (fanned out by the dispatcher's housekeeping on the next tick).
    @discardableResult
    func broadcast(committee: Int64, plan: [(channel: String, queue: String, window: Int?)],
                   kind: BroadcastKind = .notice, activity: Int64? = nil, priority: BroadcastPriority = .normal,
                   audience: Audience = .all) throws -> Int64 {
        let now = clock.now().unixMilliseconds
        let template = kind == .invitation ? "activity-invitation" : "notice"
        let variables = kind == .invitation ? Self.invitationVariables : Self.noticeVariables
        return try jobs.writer.write { db in
            try BroadcastStore.create(NewBroadcast(
                committeeID: committee, kind: kind, template: template, variables: variables, audience: audience,
                plan: ChannelPlan(steps: plan.map { ChannelPlan.Step(channel: $0.channel, queue: $0.queue,
                                                                     escalateAfterSeconds: $0.window) }),
                activityID: activity, priority: priority), at: now, db: db).broadcast.id
        }
    }

    // MARK: Driving

    /// Starts the dispatcher (fans out what is waiting) and settles.
    func start() {
        dispatcher.start()
        settle()
    }

    func settle() {
        #expect(dispatcher.settle(timeout: 60), "the dispatcher did not settle")
    }

    /// Moves the clock forward `seconds` in steps of `step`, ticking and
    /// settling the dispatcher after each.
    func run(for seconds: TimeInterval, step: TimeInterval, after: (Date) -> Void = { _ in }) {
        let steps = Int((seconds / step).rounded())
        for _ in 0..<steps {
            clock.advance(by: step)
            dispatcher.tick()
            settle()
            after(clock.now())
        }
    }

    // MARK: Reading

    func scalar(_ sql: String, _ values: [(any DatabaseBindable)?] = []) throws -> Int64 {
        try jobs.readers.read { db in try db.scalarInt(sql, values) ?? 0 }
    }

    /// Delivery states by delivery id.
    func deliveries(broadcast: Int64) throws -> [Int64: (state: DeliveryState, step: Int, resident: Int64)] {
        try jobs.readers.read { db in
            let rows = try db.prepare("SELECT id, state, step, resident_id FROM deliveries WHERE broadcast_id = ?")
                .rows([broadcast]) { ($0.int64(0), $0.int(1), $0.int(2), $0.int64(3)) }
            return Dictionary(uniqueKeysWithValues: rows.map { ($0.0, (DeliveryState(rawValue: $0.1) ?? .queued, $0.2, $0.3)) })
        }
    }

    /// The simulator's accepted sends, per gateway.
    func sends(_ gateway: SimulatedGateway) -> [SimulatorRequestRecord] {
        simulator.requests().filter { $0.gateway == gateway && $0.sent }
    }
}

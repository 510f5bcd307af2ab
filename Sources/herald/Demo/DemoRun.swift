import Dispatch
import Foundation
import HeraldChannels
import HeraldCore
import HeraldDispatch
import HeraldServer
import HeraldSim
import HeraldStore

/// `herald demo`: the gateway simulator and Herald (dispatcher and server)
/// on loopback over a fresh database, a generated neighbourhood, and one
/// activity invitation through push → SMS → voice, on a simulated clock
/// that jumps over idle minutes so three hours pass in seconds.
final class DemoRun {
    struct Options {
        var path: String
        var templates: String
        var residents: Int
        var places: Int
        var seed: UInt64
        /// Redraw the live view in place (a terminal) or print plain lines.
        var live: Bool
    }

    static let committeeSlug = "yangguang-demo"
    static let activityTitle = "楼道微整治 · 更换灭火器"
    static let credentials = SimulatorQueues.credentials
    static let silent = Logger(label: "demo", system: LoggingSystem(sink: { _ in }))

    let options: Options
    let clock: ManualClock
    let startedAt: Date

    init(options: Options, now: Date = Date()) {
        self.options = options
        startedAt = Self.simulatedStart(before: now)
        clock = ManualClock(startedAt)
    }

    /// 09:30 in Shanghai on the latest day that leaves four hours before
    /// `now`, so the whole simulated morning lies in the past and `herald
    /// status` afterwards reads it as history.
    static func simulatedStart(before now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let latest = now.addingTimeInterval(-4 * 3600)
        let start = calendar.startOfDay(for: latest).addingTimeInterval(9.5 * 3600)
        return start <= latest ? start : start.addingTimeInterval(-86_400)
    }

    /// How the simulated residents answer: a few sign up in the mini
    /// program, a few reply to the SMS (some "1", some "退订"), and called
    /// residents mostly pick up and often press 1.
    static let behaviour = SimulatorBehaviour(
        latencyMilliseconds: 0...2, deliveryRate: 0.97, answerRate: 0.75, keyPress1Rate: 0.45, keyPress2Rate: 0.2,
        replyRate: 0.12, replyTexts: ["1", "报名", "1", "2", "好的", "退订"], signupRate: 0.1,
        callbackDelaySeconds: 5...90, frequencyLimits: .none)

    func run(report: @escaping (String) -> Void) throws -> DemoSummary {
        let wallStart = DispatchTime.now()
        try Self.prepare(path: options.path)
        let jobs = try JobQueue(path: options.path, clock: clock, seed: options.seed)
        let now = clock.now().unixMilliseconds
        let (committee, token) = try jobs.writer.write { db in
            let committee = try CommitteeStore.create(slug: Self.committeeSlug, name: "阳光新村居委会", at: now, db: db)
            let token = try TokenStore.create(for: .committee(committee.id), name: "demo console", at: now, db: db).token
            return (committee, token)
        }
        let templates = try TemplateCatalog(loadingFrom: options.templates)

        // The server first (its port is the callbacks' address), then the
        // simulator that calls it back, then the dispatcher that sends to the simulator.
        var configuration = ServerConfiguration(
            http: .init(host: "127.0.0.1", port: 0, threads: 4, maxBodyBytes: 4 << 20, logger: Self.silent),
            callbackPathSecret: Self.credentials.callbackPathSecret,
            webhookSecret: Array(Self.credentials.webhookSecret.utf8))
        configuration.webhookMaxAge = 300
        let names = try SimulatorQueues.catalog(simulator: "http://127.0.0.1:9", herald: "http://127.0.0.1:9")
        let server = try HeraldServer(context: ServerContext(jobs: jobs, templates: templates, queues: names,
                                                             configuration: configuration, logger: Self.silent))
        defer { server.stop() }
        let herald = "http://127.0.0.1:\(server.port)"
        let simulator = try GatewaySimulator(configuration: GatewaySimulator.Configuration(
            seed: options.seed, callbackBaseURL: herald, credentials: Self.credentials, behaviour: Self.behaviour,
            clock: clock, timeScale: 1_000_000, logger: Self.silent))
        defer { simulator.stop() }
        let client = try HTTPClient(configuration: HTTPClient.Configuration(proxy: ""))
        defer { client.shutdown() }
        let dispatcher = try Dispatcher(
            configuration: Dispatcher.Configuration(queues: try SimulatorQueues.catalog(simulator: simulator.baseURL, herald: herald),
                                                    templates: templates, environment: SimulatorQueues.environment,
                                                    timing: .manual, seed: options.seed),
            jobs: jobs, transport: client, logger: Self.silent)
        defer { _ = dispatcher.stop(deadline: 5) }
        report("Herald on \(herald), gateway simulator on \(simulator.baseURL), database \(options.path)")

        // What committee staff do: the roster, the activity, the invitation.
        let api = try RemoteAPI(url: herald, token: token)
        struct Created: Decodable { var id: Int64 }
        let neighbourhood = DemoNeighbourhood(count: options.residents, seed: options.seed)
        _ = try api.post("/v1/residents", json: Residents(residents: neighbourhood.residents), as: RosterReport.self)
        report("阳光新村: \(neighbourhood.residents.count) residents, \(neighbourhood.elderly) elderly who prefer a call, "
               + "\(neighbourhood.withMiniProgram) on the mini program")
        let startsAt = DemoDate.text(startedAt.addingTimeInterval(3 * 86_400 + 30 * 60))
        let activity = try api.post("/v1/activities", json: NewActivityBody(
            title: Self.activityTitle, place: "小区东门广场", startsAt: startsAt, capacity: options.places), as: Created.self)
        let time = DemoDate.chinese(startedAt.addingTimeInterval(3 * 86_400 + 30 * 60))
        let broadcast = try api.post("/v1/broadcasts", json: NewInvitation(activityID: activity.id, places: options.places,
                                                                           time: time), as: Created.self)
        report("Published \"\(Self.activityTitle)\" (\(options.places) places) as broadcast \(broadcast.id): "
               + "mini program first, SMS after 30 minutes, then a call after an hour")

        let view = DemoLiveView(live: options.live, places: options.places, start: startedAt, report: report)
        dispatcher.start()
        try drive(dispatcher: dispatcher, simulator: simulator, jobs: jobs, broadcast: broadcast.id, view: view,
                  activity: activity.id)
        view.finish(try DemoProgress.read(jobs: jobs, broadcast: broadcast.id, activity: activity.id), at: clock.now())
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - wallStart.uptimeNanoseconds) / 1e9
        return try DemoSummary.read(jobs: jobs, committee: committee.id, broadcast: broadcast.id, activity: activity.id,
                                    neighbourhood: neighbourhood, simulatedSeconds: clock.now().timeIntervalSince(startedAt),
                                    wallSeconds: elapsed, callbacks: simulator.callbacks().count)
    }

    /// Moves the simulated clock: five seconds at a time while anything is
    /// due, else straight to the next due job (at most ten minutes), until
    /// every broadcast is done or eight simulated hours have passed.
    private func drive(dispatcher: Dispatcher, simulator: GatewaySimulator, jobs: JobQueue, broadcast: Int64,
                       view: DemoLiveView, activity: Int64) throws {
        // Never past the real clock: `herald status` afterwards reads the run as history.
        let deadline = min(startedAt.addingTimeInterval(8 * 3600), Date().addingTimeInterval(-60))
        var lastView = Date.distantPast
        func settle() throws {
            guard dispatcher.settle(timeout: 60), simulator.waitForCallbacks(timeout: .seconds(60)) else {
                throw CommandFailure(.software, "the demo stalled: the dispatcher or the simulator did not settle in 60 s")
            }
        }
        try settle()
        while clock.now() < deadline {
            // Done when nothing is left to send: the invitation, and the
            // activity-full answers to late sign-ups it caused.
            let open = try jobs.readers.read { db in
                try db.scalarInt("SELECT count(*) FROM broadcasts WHERE state NOT IN ('done', 'cancelled')") ?? 0
            }
            if open == 0 { break }
            let now = clock.now()
            if now.timeIntervalSince(lastView) >= 300 {
                view.show(try DemoProgress.read(jobs: jobs, broadcast: broadcast, activity: activity), at: now)
                lastView = now
            }
            let next = try dispatcher.queueNames.compactMap { try jobs.nextDue(queue: $0) }.min()
            let step = next.map { max(5, min(600, $0.timeIntervalSince(now))) } ?? 60
            clock.advance(by: step)
            dispatcher.tick()
            try settle()
        }
        // A last minute for the receipts of the final sends: a gateway's
        // callback may be scheduled only just after its send settled.
        clock.advance(by: 60)
        dispatcher.tick()
        try settle()
    }

    /// Removes an earlier demo's database; refuses any other file.
    static func prepare(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let others: Int64
        do {
            let db = try Database(path: path, options: .reader)
            others = try db.scalarInt("SELECT count(*) FROM committees WHERE slug <> ?", [committeeSlug]) ?? 0
        } catch {
            throw CommandFailure(.cannotCreate, "\(path) exists and is not an earlier demo's database; "
                                 + "give the demo another --db (it never overwrites real data)")
        }
        guard others == 0 else {
            throw CommandFailure(.cannotCreate, "\(path) holds \(others) other committee(s); "
                                 + "give the demo another --db (it never overwrites real data)")
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    // MARK: API bodies

    struct Residents: Encodable { var residents: [DemoNeighbourhood.Resident] }

    struct NewInvitation: Encodable {
        struct Plan: Encodable { var steps: [Step] }
        struct Step: Encodable {
            var channel: String
            var queue: String
            var escalateAfterSeconds: Int?
            enum CodingKeys: String, CodingKey { case channel, queue, escalateAfterSeconds = "escalate_after_seconds" }
        }
        var template = "activity-invitation"
        var variables: [String: String]
        var audience = ["all": true]
        var activityID: Int64
        var plan = Plan(steps: [Step(channel: "push", queue: "push", escalateAfterSeconds: 1800),
                                Step(channel: "sms", queue: "sms", escalateAfterSeconds: 3600),
                                Step(channel: "voice", queue: "voice", escalateAfterSeconds: nil)])

        init(activityID: Int64, places: Int, time: String) {
            self.activityID = activityID
            variables = ["activity": "更换灭火器", "time": time, "place": "小区东门广场", "seats": String(places)]
        }

        enum CodingKeys: String, CodingKey { case template, variables, audience, plan, activityID = "activity_id" }
    }
}

/// Dates as the API reads them and as residents read them.
enum DemoDate {
    static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        return formatter.string(from: date)
    }

    static func chinese(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let parts = calendar.dateComponents([.month, .day, .hour, .minute], from: date)
        return String(format: "%d月%d日 %02d:%02d", parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }
}

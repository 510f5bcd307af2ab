import Foundation
import HeraldCore
import HeraldDispatch
import HeraldHTTP
import HeraldServer
import HeraldStore
import Testing

/// A fresh database with two committees, yangguang and hongqiao, for running
/// the `herald` binary against, and files in a temporary folder.
final class CommandFixture {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let templates = root.appendingPathComponent("Templates").path
    static let queues = root.appendingPathComponent("Queues").path

    let directory = NSTemporaryDirectory() + "herald-cli-" + UUID().uuidString
    let path: String
    let jobs: JobQueue
    let clock: ManualClock
    let committee: Int64
    let otherCommittee: Int64

    /// - Parameter now: the test process's clock, for the records it writes itself.
    init(now: Date = Date()) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/herald.db"
        clock = ManualClock(now)
        jobs = try JobQueue(path: path, clock: clock)
        let at = now.unixMilliseconds
        (committee, otherCommittee) = try jobs.writer.write { db in
            (try CommitteeStore.create(slug: "yangguang", name: "阳光社区居委会", at: at, db: db).id,
             try CommitteeStore.create(slug: "hongqiao", name: "虹桥居委会", at: at, db: db).id)
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `herald` with `arguments` on this database.
    func run(_ arguments: [String]) throws -> HeraldProcess.Result {
        try HeraldProcess.run(arguments + ["--db", path])
    }

    /// Writes `contents` to a file in the folder; returns its path.
    func file(_ name: String, _ contents: String) throws -> String {
        let file = directory + "/" + name
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// The residents of the roster below, stored as the server would store them.
    func addResidents() throws {
        let roster = RosterImport.csv(Array(Self.roster.utf8))
        let now = clock.now().unixMilliseconds
        _ = try jobs.writer.write { db in try ResidentStore.upsert(roster.records, committee: committee, at: now, db: db) }
    }

    static let roster = """
        姓名,手机号,openid,楼栋,标签
        王秀英,13800138000,,3号楼,独居老人
        李建国,13900139000,o6_bmjrPTlm6_2sgVt7hMZOPfL2M,5号楼,
        张桂兰,13700137000,,3号楼,

        """

    /// Numbers of `roster`, none of which may appear unmasked in any output.
    static let phoneDigits = ["13800138000", "13900139000", "13700137000"]

    /// The activity-invitation options of `herald broadcast create`.
    static func invitation(activity: Int64, key: String? = nil) -> [String] {
        ["broadcast", "create", "--committee", "yangguang", "--template", "activity-invitation",
         "--var", "activity=灭火器免费更换", "--var", "time=12月6日 09:00", "--var", "place=3号楼门口", "--var", "seats=400",
         "--plan", "push:wechat-subscribe:30m,sms:kannel-sms:1h,voice:alibaba-ivr", "--activity", "\(activity)",
         "--templates", templates, "--queues", queues] + (key.map { ["--idempotency-key", $0] } ?? [])
    }
}

extension HeraldProcess.Result {
    /// stderr's lines, without the final empty one.
    var errorLines: [Substring] { stderr.split(separator: "\n") }

    /// stdout parsed as a JSON object.
    func json() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
    }
}

/// A Herald API server in this process, on an ephemeral loopback port, over a
/// fixture's database, with an admin token and a token for each committee.
final class RemoteServer {
    let server: HeraldServer
    let adminToken: String
    let committeeToken: String
    let otherToken: String

    var url: String { "http://127.0.0.1:\(server.port)" }

    init(_ fixture: CommandFixture) throws {
        let now = fixture.clock.now().unixMilliseconds
        (adminToken, committeeToken, otherToken) = try fixture.jobs.writer.write { db in
            (try TokenStore.create(for: .admin, name: "ops", at: now, db: db).token,
             try TokenStore.create(for: .committee(fixture.committee), name: "console", at: now, db: db).token,
             try TokenStore.create(for: .committee(fixture.otherCommittee), name: "other", at: now, db: db).token)
        }
        let silent = Logger(label: "cli-test", system: LoggingSystem(sink: { _ in }))
        let configuration = ServerConfiguration(
            http: .init(host: "127.0.0.1", port: 0, threads: 2, maxBodyBytes: 64 * 1024, logger: silent),
            maxImportBytes: 1 << 20)
        let templates = try TemplateCatalog(loadingFrom: CommandFixture.templates)
        let queues = try QueueCatalog(directory: CommandFixture.queues)
        server = try HeraldServer(context: ServerContext(jobs: fixture.jobs, templates: templates, queues: queues,
                                                         configuration: configuration, logger: silent))
    }

    deinit {
        server.stop()
    }

    /// Runs `herald` against this server with `token` (the committee's by default).
    func run(_ arguments: [String], token: String? = nil) throws -> HeraldProcess.Result {
        try HeraldProcess.run(arguments + ["--url", url, "--token", token ?? committeeToken])
    }
}

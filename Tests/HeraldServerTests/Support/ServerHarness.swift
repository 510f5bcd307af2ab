import Foundation
import HeraldChannels
import HeraldCore
import HeraldDispatch
import HeraldStore
@testable import HeraldServer

/// A Herald server on an ephemeral loopback port over a fresh database,
/// with an admin token and two committees (A and B) each with a token, and
/// HeraldChannels' client to call it.
final class ServerHarness: @unchecked Sendable {
    /// 2026-12-01 10:00 in Shanghai.
    static let morning = Date(timeIntervalSince1970: 1_796_090_400)
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let silent = Logger(label: "server-test", system: LoggingSystem(sink: { _ in }))
    static let webhookSecret = "test-webhook-secret"
    static let pathSecret = "test-path-secret"

    let path = NSTemporaryDirectory() + "herald-server-\(UUID().uuidString).db"
    let clock: ManualClock
    let jobs: JobQueue
    let client: HTTPClient
    let server: HeraldServer
    let committeeA: Int64
    let committeeB: Int64
    let adminToken: String
    let tokenA: String
    let tokenB: String

    var baseURL: String { "http://127.0.0.1:\(server.port)" }

    /// - Parameters:
    ///   - queues: the queues broadcasts may name; nil: the shipped `Queues/`.
    ///   - configure: changes to the server configuration (limits, secrets).
    init(start: Date = ServerHarness.morning, queues: QueueCatalog? = nil,
         configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        clock = ManualClock(start)
        jobs = try JobQueue(path: path, clock: clock, seed: 5)
        client = try HTTPClient(configuration: HTTPClient.Configuration(proxy: ""))
        let now = start.unixMilliseconds
        (committeeA, committeeB, adminToken, tokenA, tokenB) = try jobs.writer.write { db in
            let a = try CommitteeStore.create(slug: "yangguang", name: "阳光居委会", at: now, db: db).id
            let b = try CommitteeStore.create(slug: "hongqiao", name: "虹桥居委会", at: now, db: db).id
            let admin = try TokenStore.create(for: .admin, name: "ops", at: now, db: db).token
            let tokenA = try TokenStore.create(for: .committee(a), name: "a-console", at: now, db: db).token
            let tokenB = try TokenStore.create(for: .committee(b), name: "b-console", at: now, db: db).token
            return (a, b, admin, tokenA, tokenB)
        }
        var configuration = ServerConfiguration(
            http: .init(host: "127.0.0.1", port: 0, threads: 2, maxBodyBytes: 64 * 1024, logger: Self.silent),
            maxImportBytes: 1 << 20, callbackPathSecret: Self.pathSecret,
            webhookSecret: Array(Self.webhookSecret.utf8))
        configure(&configuration)
        let templates = try TemplateCatalog(loadingFrom: Self.packageRoot.appendingPathComponent("Templates").path)
        let queues = try queues ?? QueueCatalog(directory: Self.packageRoot.appendingPathComponent("Queues").path)
        server = try HeraldServer(context: ServerContext(jobs: jobs, templates: templates, queues: queues,
                                                         configuration: configuration, logger: Self.silent))
    }

    func stop() {
        server.stop()
        client.shutdown()
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: path + "-wal")
        try? FileManager.default.removeItem(atPath: path + "-shm")
    }

    /// Sends a request to the server; `token` nil sends no Authorization.
    func request(_ method: String, _ path: String, token: String? = nil, body: String? = nil,
                 contentType: String = "application/json", headers: [HTTPHeader] = []) async throws -> HTTPResponse {
        var all = headers
        if let token { all.append(HTTPHeader("Authorization", "Bearer \(token)")) }
        if body != nil { all.append(HTTPHeader("Content-Type", contentType)) }
        let request = HTTPRequest(method: HTTPMethod(rawValue: method) ?? .get, url: baseURL + path, headers: all,
                                  body: Array((body ?? "").utf8))
        return try await client.execute(request)
    }

    /// The response body as a JSON object.
    func object(_ response: HTTPResponse) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw HarnessError("not a JSON object: \(response.text)")
        }
        return object
    }

    /// The error code of an error response (`{"error":{"code"}}`), or nil.
    func errorCode(_ response: HTTPResponse) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return (object?["error"] as? [String: Any])?["code"] as? String
    }

    /// Reads the database on the writer (sees every commit).
    func count(_ sql: String, _ values: [(any DatabaseBindable)?] = []) throws -> Int {
        Int(try jobs.writer.withConnection { db in try db.scalarInt(sql, values) ?? 0 })
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

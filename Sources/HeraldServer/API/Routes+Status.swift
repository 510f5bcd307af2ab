import Foundation
import HeraldDispatch
import HeraldHTTP
import HeraldStore

extension Routes {
    /// `GET /v1/status` (admin): every queue's job counts and the
    /// dispatcher's limiters, read as `herald status` reads them (its JSON adds
    /// broadcasts and activities).
    mutating func addStatusRoutes() {
        add("GET", "/v1/status", .admin) { request in
            let context = request.context
            struct Status: Encodable {
                var generatedAt: Date
                var queues: [QueueStats]
                var dispatcher: [QueueActivity]
                var dispatcherInProcess: Bool
                var committees: Int
                var broadcastsSending: Int
            }
            let now = context.clock.now()
            let status = try context.read { db in
                Status(generatedAt: now, queues: try QueueStats.read(now: now, db: db),
                       dispatcher: try context.dispatcherActivity(db: db),
                       dispatcherInProcess: context.dispatcher != nil,
                       committees: Int(try db.scalarInt("SELECT count(*) FROM committees") ?? 0),
                       broadcastsSending: Int(try db.scalarInt(
                           "SELECT count(*) FROM broadcasts WHERE state IN ('fanning_out', 'sending')") ?? 0))
            }
            let encoder = HTTPServerResponse.jsonEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.dateEncodingStrategy = .iso8601
            return try .json(status: 200, encoding: status, encoder: encoder)
        }
    }
}

extension ServerContext {
    /// Each queue's dispatcher activity: live from the dispatcher in this
    /// process, else its last snapshot in the database (`queue_runtime`,
    /// written every second by whichever process dispatches).
    func dispatcherActivity(db: Database) throws -> [QueueActivity] {
        if let dispatcher { return dispatcher.activity() }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try RuntimeStore.load(db: db).compactMap { row in
            try? decoder.decode(QueueActivity.self, from: Data(row.json.utf8))
        }
    }
}

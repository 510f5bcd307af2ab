import Foundation
import HeraldDispatch
import HeraldHTTP
import HeraldStore

extension Routes {
    /// `GET /v1/status` (admin): the report `herald status` shows, the same
    /// JSON as `herald status --json` (`StatusReport`), with the dispatcher's
    /// numbers live when it runs in this process.
    mutating func addStatusRoutes() {
        add("GET", "/v1/status", .admin) { request in
            let context = request.context
            let now = context.clock.now()
            let live = context.dispatcher?.activity()
            let report = try context.read { db in
                try StatusReport.read(db: db, name: context.jobs.writer.path, now: now, live: live)
            }
            return .json(status: 200, bytes: Array(try StatusReport.encoder(pretty: false).encode(report)))
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

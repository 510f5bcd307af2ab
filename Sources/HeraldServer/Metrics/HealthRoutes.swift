import HeraldHTTP
import HeraldStore

extension Routes {
    /// `/healthz` (the process answers), `/readyz` (the database takes
    /// writes and its schema is current) and `/metrics` (Prometheus).
    mutating func addHealthRoutes() {
        add("GET", "/healthz", .open) { _ in .text(200, "ok\n") }
        add("GET", "/readyz", .open) { request in
            let context = request.context
            let expected = Schema.migrator.latestVersion
            let version: Int
            do {
                // An empty write transaction: the writer lock can be taken
                // and the file written (BEGIN IMMEDIATE ... COMMIT).
                version = try context.write { db in try db.userVersion() }
            } catch {
                throw APIError(503, "database_unavailable", "the database does not take writes: \(error)")
            }
            guard version == expected else {
                throw APIError(503, "schema_outdated",
                               "the database is at schema version \(version), this herald needs \(expected): run herald migrate")
            }
            return .text(200, "ready\n")
        }
        add("GET", "/metrics", .open) { request in
            let text = try request.context.prometheusText()
            return HTTPServerResponse(status: 200, headers: [HTTPField("Content-Type", PrometheusText.contentType)],
                                      body: Array(text.utf8))
        }
    }
}

import HeraldHTTP

extension Routes {
    /// `/healthz`, `/readyz` and `/metrics`.
    mutating func addHealthRoutes() {
        add("GET", "/healthz", .open) { _ in .text(200, "ok\n") }
    }
}

import HeraldHTTP

extension Routes {
    /// The gateways' `/callbacks/...` routes.
    mutating func addCallbackRoutes() {
    }
}

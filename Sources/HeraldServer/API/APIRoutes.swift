extension Routes {
    /// The `/v1` API.
    mutating func addAPIRoutes() {
    }
}

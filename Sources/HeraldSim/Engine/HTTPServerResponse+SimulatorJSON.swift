import HeraldHTTP

/// Answer helpers shared by the gateways.
extension HTTPServerResponse {
    /// A JSON answer from a `SimulatorJSON` value.
    static func json(_ status: Int = 200, _ value: SimulatorJSON) -> HTTPServerResponse {
        HTTPServerResponse(status: status, headers: [HTTPField("Content-Type", "application/json;charset=utf-8")],
                           body: value.bytes)
    }
}

extension HTTPServerRequest {
    /// The body as JSON, nil when it is not JSON.
    var json: SimulatorJSON? { SimulatorJSON.parse(body) }
}

import HeraldCore
import HeraldHTTP

/// The generic HTTP gateway, a documented stand-in for "a gateway nobody
/// coded an adapter for", on `POST /generic/send`.
///
/// Takes any body; a JSON `{"to","text","ref"}` (or `delivery_id` for
/// `ref`) is read and logged. Answers HTTP 200 with
/// `{"code":"0","data":{"id":"g…"}}` when taken, `{"code":"1","message":…}`
/// when busy (not accepted: try again) and `{"code":"2","message":…}` when
/// `to` is not a phone number (do not retry). No callbacks.
enum GenericAPI {
    static func send(_ exchange: inout GatewayExchange, _ state: inout SimulatorState) -> GatewayReply {
        let accepted = exchange.random.chance(exchange.behaviour.acceptanceRate)
        let id = "g" + exchange.random.hex(16)
        let body = exchange.request.json
        let to = body?["to"]?.text
        let deliveryID = (body?["ref"] ?? body?["delivery_id"])?.text
        func reply(_ code: String, _ extra: SimulatorJSON.Member) -> GatewayReply {
            var reply = GatewayReply(.json(200, .object([.init("code", .string(code)), extra])),
                                     action: "generic.send", outcome: code == "0" ? .accepted : .rejected(code: code))
            reply.recipients = to.map { [SimulatorRequestRecord.masked($0)] } ?? []
            reply.deliveryID = deliveryID
            return reply
        }
        if let to, (try? PhoneNumber(parsing: to)) == nil {
            return reply("2", .init("message", .string("invalid receiver")))
        }
        guard accepted else { return reply("1", .init("message", .string("busy, try again later"))) }
        var answer = reply("0", .init("data", .fields(["id": .string(id)])))
        answer.gatewayID = id
        answer.sent = true
        return answer
    }

    static func tooManyRequests() -> HTTPServerResponse {
        .json(429, .fields(["code": .string("429"), "message": .string("too many requests")]))
    }
}

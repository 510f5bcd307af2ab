import Foundation
import HeraldChannels
import HeraldCore
import HeraldHTTP

/// A webhook receiver (the mini-program backend) on `POST /webhook` and any
/// path under `/webhook/`.
///
/// Verifies `X-Herald-Timestamp` and `X-Herald-Signature` with
/// `WebhookSignature` and the configured secret (timestamps within 5
/// minutes of the simulator's clock): 401 `{"error":{"code":"invalid_signature"}}`
/// otherwise. A repeated `Idempotency-Key` is answered 409
/// `duplicate_idempotency_key` and sends nothing. Taken: 200 `{"id":"wh_…"}`;
/// not accepted: 503 `unavailable`. The body may be any JSON; `delivery_id`
/// (or `deliveryId`) is recorded, and `openid`/`open_id` or
/// `phone`/`mobile`/`to` name the resident. A resident may then sign up
/// (`signupRate`), reported on the `webhook.signup` route.
enum WebhookAPI {
    static func receive(_ exchange: inout GatewayExchange, _ state: inout SimulatorState) -> GatewayReply {
        let request = exchange.request
        let accepted = exchange.random.chance(exchange.behaviour.acceptanceRate)
        let signsUp = exchange.random.chance(exchange.behaviour.signupRate)
        let id = "wh_" + exchange.random.hex(16)
        let delay = exchange.callbackDelay()

        let body = request.json
        let deliveryID = (body?["delivery_id"] ?? body?["deliveryId"])?.text
        let openID = (body?["openid"] ?? body?["open_id"])?.text
        let phone = (body?["phone"] ?? body?["mobile"] ?? body?["to"])?.text
        let recipients = openID.map { [$0] } ?? phone.map { [SimulatorRequestRecord.masked($0)] } ?? []
        func reply(_ response: HTTPServerResponse, _ outcome: SimulatorOutcome) -> GatewayReply {
            var reply = GatewayReply(response, action: "webhook", outcome: outcome)
            reply.recipients = recipients
            reply.deliveryID = deliveryID
            return reply
        }

        let verdict = (try? WebhookSignature.verify(secret: Array(exchange.credentials.webhookSecret.utf8),
                                                    timestamp: request.header(WebhookSignature.timestampHeader),
                                                    signature: request.header(WebhookSignature.signatureHeader),
                                                    body: request.body, now: exchange.unixNow)) ?? .mismatch
        guard verdict.isValid else {
            return reply(.error(status: 401, code: "invalid_signature",
                                message: "webhook signature rejected: \(verdict.rawValue)"), .rejected(code: "401"))
        }
        let key = request.header("Idempotency-Key").flatMap { $0.isEmpty ? nil : $0 }
        if let key, let first = state.idempotencyKeys[key] {
            return reply(.error(status: 409, code: "duplicate_idempotency_key",
                                message: "Idempotency-Key already used; the first request was \(first)"),
                         .rejected(code: "409"))
        }
        guard accepted else {
            return reply(.error(status: 503, code: "unavailable", message: "the receiver is busy; try again later"),
                         .rejected(code: "503"))
        }
        if let key { state.idempotencyKeys[key] = id }
        var answer = reply(.json(200, .fields(["id": .string(id)])), .accepted)
        answer.gatewayID = id
        answer.sent = true
        if signsUp, let deliveryID,
           let plan = WeChatAPI.signup(deliveryID: deliveryID, openID: openID ?? "", delay: delay, exchange) {
            answer.callbacks = [plan]
        }
        return answer
    }

    static func tooManyRequests() -> HTTPServerResponse {
        .error(status: 429, code: "rate_limited", message: "too many requests; slow down")
    }
}

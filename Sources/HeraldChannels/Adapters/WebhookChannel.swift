import Foundation
import HeraldCore

/// A signed JSON POST to a receiver Herald trusts (the mini-program backend,
/// any HTTP service that delivers the notice itself).
///
/// Wire format: `POST {endpoint}` (the URL as given) with
/// `Content-Type: application/json; charset=utf-8`, `X-Herald-Timestamp`,
/// `X-Herald-Signature` (`v1=` + hex HMAC-SHA256 of `timestamp + "." +
/// body` under the queue's secret; `WebhookSignature`), `Idempotency-Key:
/// herald-delivery-<deliveryID>`, `X-Herald-Attempt: <attempt>` and the body
/// `{"delivery_id":4242,"committee_id":7,"openid":"…"|null,"phone":"+86…"|null,
/// "text":"…","template":"…"|null,"parameters":{"name":"value",…},
/// "page":"…"|null,"attempt":1}`.
///
/// `phone` is the full E.164 number: the receiver is trusted and may need
/// to call or text the resident, so this is the one adapter that hands the
/// number to a non-carrier system. Point it only at services that keep
/// numbers as carefully as Herald does.
///
/// The idempotency key is the delivery id alone, the same on every attempt:
/// a receiver that stores keys answers a retry of a delivery it already has
/// with 409, which ends `.accepted`, so a timeout never pushes twice.
///
/// Answers: 2xx → `.accepted` (with the body's `id` when it is JSON with
/// one); 409 → `.accepted` (already received); 400/404/410/413/422 →
/// `.permanent`; 401/403 → `.gatewayFailure`; 429 and 5xx by the shared rules.
///
/// Sendable: immutable configuration and the shared transport.
public final class WebhookChannel: SingleExchangeChannel {
    public struct Configuration: Sendable {
        /// The receiver's full URL.
        public var url: String
        /// The HMAC key shared with the receiver.
        public var secret: Secret
        public var timeout: Duration

        public init(url: String, secret: Secret, timeout: Duration = .seconds(10)) {
            self.url = url
            self.secret = secret
            self.timeout = timeout
        }
    }

    public let kind = ChannelKind.webhook
    public let adapter = "webhook"
    public let configuration: Configuration
    public let transport: any HTTPTransport
    private let clock: any WallClock
    private let logger: Logger

    public init(configuration: Configuration, transport: any HTTPTransport, clock: any WallClock = SystemClock(),
                logger: Logger = Logger(label: "channels")) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
        self.logger = logger
    }

    /// The signed POST for `message`.
    public func request(for message: OutboundMessage) throws(ChannelError) -> HTTPRequest {
        guard message.recipient.phone != nil || message.recipient.openID != nil else {
            throw .unsendable("the webhook receiver needs a phone number or an openid and the resident has neither")
        }
        let body = Self.body(for: message).bytes
        let timestamp = Int(clock.now().timeIntervalSince1970.rounded(.down))
        let signature: [HTTPHeader]
        do {
            signature = try WebhookSignature.headers(secret: Array(configuration.secret.value.utf8),
                                                     timestamp: timestamp, body: body)
        } catch {
            throw ChannelError.signing(error, gateway: Self.table.gateway)
        }
        return HTTPRequest(method: .post, url: configuration.url,
                           headers: [HTTPHeader("Content-Type", "application/json; charset=utf-8")] + signature + [
                               HTTPHeader("Idempotency-Key", Self.idempotencyKey(message.deliveryID)),
                               HTTPHeader("X-Herald-Attempt", String(message.attempt)),
                           ],
                           body: body,
                           connectTimeout: min(.seconds(5), configuration.timeout), timeout: configuration.timeout)
    }

    static func idempotencyKey(_ deliveryID: Int64) -> String { "herald-delivery-\(deliveryID)" }

    static func body(for message: OutboundMessage) -> JSONValue {
        .fields([
            "delivery_id": .int(message.deliveryID),
            "committee_id": .int(message.committeeID),
            "openid": .optionalString(message.recipient.openID),
            "phone": .optionalString(message.recipient.phone?.e164),
            "text": .string(message.text),
            "template": .optionalString(message.templateCode),
            "parameters": .object(message.parameters.map { JSONValue.Member($0.name, .string($0.value)) }),
            "page": .optionalString(message.page),
            "attempt": .int(Int64(message.attempt)),
        ])
    }

    /// What the receiver's answer (or the transport's failure) means.
    public func outcome(for result: Result<HTTPResponse, HTTPClientError>) -> SendOutcome {
        Self.table.outcome(for: result, now: clock.now(), logger: logger) { response in
            let id = JSONValue.parse(response.body)?["id"]?.text
            if response.isSuccess { return .succeeded(gatewayID: id) }
            return .code(String(response.status), message: nil, gatewayID: id)
        }
    }

    /// Webhook answers by HTTP status; 429 and 5xx follow the shared rules.
    public static let table = OutcomeTable(
        gateway: "Webhook",
        duplicateRisk: "the receiver deduplicates by Idempotency-Key, so a retry does not push twice",
        rows: [
            .init("409", .accepted, "the receiver already has this delivery"),
            .init("400", .permanent, "the receiver rejects this message"),
            .init("404", .permanent, "the receiver does not know this resident or route"),
            .init("410", .permanent, "the resident is gone from the receiver"),
            .init("413", .permanent, "the message is too large for the receiver"),
            .init("422", .permanent, "the receiver cannot process this message"),
            .init("401", .gatewayFailure, "the receiver rejects Herald's signature; check the shared secret"),
            .init("403", .gatewayFailure, "the receiver refuses Herald; check the shared secret and its allow-list"),
        ])
}

extension WebhookChannel {
    static let credentialRoles = ["secret"]
    static let settingNames: [String] = []

    static func configuration(_ reader: GatewaySettingsReader) throws(ChannelError) -> Configuration {
        try reader.checkKnown(credentials: credentialRoles, settings: settingNames)
        let url = reader.gateway.endpoint.trimmingCharacters(in: .whitespaces)
        _ = try GatewaySettingsReader.baseURL(url.components(separatedBy: "?")[0], queue: reader.queue,
                                              field: "gateway.endpoint")
        return Configuration(url: url, secret: try reader.credential("secret"), timeout: try reader.timeout())
    }
}

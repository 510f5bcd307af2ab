import Foundation
import HeraldCore

/// SMS through a Kannel gateway's `smsbox` HTTP interface (free text, no
/// templates), with delivery reports coming back to Herald's callback.
///
/// Wire format: `GET {endpoint}/cgi-bin/sendsms?username=&password=&to=
/// &from=&text=&charset=UTF-8&coding=2&dlr-mask=31&dlr-url=`, every value
/// percent-encoded (RFC 3986, `%20` for a space, UTF-8 bytes for Chinese).
/// - `to`: the national number for +86 (`13800000001`, what mainland SMSCs
///   expect), otherwise the E.164 digits without `+` (`85291234567`).
/// - `coding=2` (UCS-2) with `charset=UTF-8`: Kannel converts the UTF-8 text
///   so Chinese arrives intact.
/// - `dlr-mask=31` asks for every report (delivered, failed, buffered, SMSC
///   ack, SMSC reject); `dlr-url` is
///   `{callbackBase}/callbacks/kannel/dlr?delivery=<id>&status=%d&ts=%T&smscid=%F`,
///   itself percent-encoded, so Kannel fills in the report value (`%d`),
///   its unix time (`%T`) and the SMSC's message id (`%F`) when it fetches it.
///
/// Kannel answers `0: Accepted for delivery` or `3: Queued for later
/// delivery` (HTTP 202) for accepted messages and gives no message id, so
/// `.accepted(gatewayID: nil)`; receipts are matched by the delivery id in
/// the dlr-url. Other answers go through `table`.
///
/// The password travels in the query string: `HTTPRequest.redactedURL`
/// drops it from errors and logs.
///
/// Sendable: immutable configuration and the shared transport.
public final class KannelChannel: SingleExchangeChannel {
    public struct Configuration: Sendable {
        /// The smsbox base URL, e.g. `http://127.0.0.1:13013`.
        public var endpoint: String
        /// A `sendsms-user` of the Kannel configuration.
        public var username: String
        public var password: Secret
        /// The sender (`from`), e.g. the committee's short code.
        public var from: String
        /// Herald's public base URL, where Kannel fetches delivery reports.
        public var callbackBase: String
        public var timeout: Duration

        public init(endpoint: String, username: String, password: Secret, from: String, callbackBase: String,
                    timeout: Duration = .seconds(10)) {
            self.endpoint = endpoint
            self.username = username
            self.password = password
            self.from = from
            self.callbackBase = callbackBase
            self.timeout = timeout
        }
    }

    public let kind = ChannelKind.sms
    public let adapter = "kannel"
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

    /// The `sendsms` request for `message`.
    public func request(for message: OutboundMessage) throws(ChannelError) -> HTTPRequest {
        guard let phone = message.recipient.phone else {
            throw .unsendable("Kannel SMS needs a phone number and the resident has none")
        }
        guard !message.text.isEmpty else {
            throw .unsendable("the message has no text to send as SMS")
        }
        let query = PercentEncoding.query([
            ("username", configuration.username),
            ("password", configuration.password.value),
            ("to", Self.receiver(phone)),
            ("from", configuration.from),
            ("text", message.text),
            ("charset", "UTF-8"),
            ("coding", "2"),
            ("dlr-mask", "31"),
            ("dlr-url", deliveryReportURL(deliveryID: message.deliveryID)),
        ])
        return HTTPRequest(method: .get, url: configuration.endpoint.withoutTrailingSlashes + "/cgi-bin/sendsms?" + query,
                           connectTimeout: min(.seconds(5), configuration.timeout), timeout: configuration.timeout)
    }

    /// Where Kannel reports on `deliveryID`, with Kannel's escapes left for it to fill in.
    func deliveryReportURL(deliveryID: Int64) -> String {
        configuration.callbackBase.withoutTrailingSlashes + "/callbacks/kannel/dlr?delivery=\(deliveryID)&status=%d&ts=%T&smscid=%F"
    }

    /// `to` as Kannel gets it: national for mainland China, E.164 digits otherwise.
    static func receiver(_ phone: PhoneNumber) -> String {
        phone.countryCode == "86" ? phone.nationalNumber : phone.countryCode + phone.nationalNumber
    }

    /// What Kannel's answer (or the transport's failure) means.
    public func outcome(for result: Result<HTTPResponse, HTTPClientError>) -> SendOutcome {
        Self.table.outcome(for: result, now: clock.now(), logger: logger) { response in
            let firstLine = response.text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            let answer = firstLine.trimmingCharacters(in: .whitespaces)
            return answer.isEmpty ? .unreadable : .code(answer, message: nil, gatewayID: nil)
        }
    }

    /// Kannel smsbox answers (gw/smsbox.c), matched by prefix of the body's first line.
    public static let table = OutcomeTable(
        gateway: "Kannel",
        duplicateRisk: "sendsms is not idempotent: a retry may send the SMS twice",
        rows: [
            .init("0:", .accepted, "accepted for delivery", match: .prefix),
            .init("3:", .accepted, "queued in bearerbox for later delivery", match: .prefix),
            .init("Sent.", .accepted, "accepted (Kannel 1.4 answer)", match: .prefix),
            .init("Authorization failed for sendsms", .gatewayFailure,
                  "Kannel refuses the username or password (or this host's IP); check the sendsms-user",
                  match: .prefix),
            .init("Sender missing and no global set", .gatewayFailure,
                  "no sender; set gateway.settings.from", match: .prefix),
            .init("DLR-URL field misformed", .gatewayFailure,
                  "Kannel rejects the delivery-report URL; check gateway.settings.callbackBase", match: .prefix),
            .init("Missing receiver", .permanent, "no receiver number", match: .prefix),
            .init("Empty receiver number not allowed", .permanent, "empty receiver number", match: .prefix),
            .init("Number(s) has/have been denied", .permanent,
                  "the number is refused by Kannel's white- or black-list", match: .prefix),
            .init("Charset or body misformed", .permanent, "Kannel cannot convert the text", match: .prefix),
            .init("Not routable", .permanent, "no SMSC route for this number", match: .prefix),
            .init("Temporal failure", .retry, "Kannel has no SMSC available right now", match: .prefix),
            .init("Sending failed", .retry, "bearerbox could not take the message", match: .prefix),
        ])
}

extension KannelChannel {
    static let credentialRoles = ["username", "password"]
    static let settingNames = ["from", "callbackBase"]

    static func configuration(_ reader: GatewaySettingsReader) throws(ChannelError) -> Configuration {
        try reader.checkKnown(credentials: credentialRoles, settings: settingNames)
        return Configuration(endpoint: try reader.endpoint(),
                             username: try reader.credential("username").value,
                             password: try reader.credential("password"),
                             from: try reader.setting("from"),
                             callbackBase: try reader.urlSetting("callbackBase"),
                             timeout: try reader.timeout())
    }
}

import HeraldCore
import HeraldHTTP

/// Where Herald's server listens, its limits, and the secrets that guard the
/// inbound routes. Secrets come from the environment (`init(environment:)`),
/// never from files.
public struct ServerConfiguration: Sendable {
    /// The listener: address, port (0 picks a free one), threads, connection
    /// limit, per-connection timeout, body and header caps.
    public var http: HTTPServer.Configuration
    /// Largest CSV roster upload (`POST /v1/residents/import`), streamed
    /// rather than buffered; other bodies keep `http.maxBodyBytes`.
    public var maxImportBytes: Int
    /// The `{secret}` path segment of the Alibaba and Tencent callbacks
    /// (`HERALD_CALLBACK_SECRET`). Nil: those callbacks answer 404.
    public var callbackPathSecret: String?
    /// Signs the mini program's sign-up webhooks (`HERALD_WEBHOOK_SECRET`).
    /// Nil: `/v1/signups` and `/callbacks/webhook/...` answer 503.
    public var webhookSecret: [UInt8]?
    /// How far, in seconds, a signed webhook's timestamp may be from now.
    public var webhookMaxAge: Int
    /// Source addresses allowed to post gateway callbacks (Kannel, Alibaba,
    /// Tencent), e.g. the gateway's published ranges. Empty: any address
    /// (the path secret still guards Alibaba and Tencent).
    public var callbackAllowList: AddressAllowList

    public init(http: HTTPServer.Configuration = HTTPServer.Configuration(threads: 4, maxBodyBytes: 1 << 20),
                maxImportBytes: Int = 64 << 20,
                callbackPathSecret: String? = nil,
                webhookSecret: [UInt8]? = nil,
                webhookMaxAge: Int = 300,
                callbackAllowList: AddressAllowList = .anyAddress) {
        self.http = http
        self.maxImportBytes = maxImportBytes
        self.callbackPathSecret = callbackPathSecret
        self.webhookSecret = webhookSecret
        self.webhookMaxAge = webhookMaxAge
        self.callbackAllowList = callbackAllowList
    }

    /// The environment variables the server reads its secrets from.
    public enum Variable {
        public static let callbackSecret = "HERALD_CALLBACK_SECRET"
        public static let webhookSecret = "HERALD_WEBHOOK_SECRET"
        public static let callbackAllowList = "HERALD_CALLBACK_ALLOW"
    }

    /// Reads the secrets and allow-list from `environment`; empty values
    /// count as unset. Throws for an allow-list entry that is not an address
    /// or range, so a typo never silently opens or closes the callbacks.
    public mutating func read(environment: [String: String]) throws(ServerConfigurationError) {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        callbackPathSecret = value(Variable.callbackSecret)
        webhookSecret = value(Variable.webhookSecret).map { Array($0.utf8) }
        callbackAllowList = try AddressAllowList(value(Variable.callbackAllowList)?
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? [])
    }
}

import Foundation
import HeraldCore
import Synchronization

/// Builds the channel a queue file describes: resolves its credentials from
/// the environment, validates its settings, and wires it to the shared
/// HTTP client and clock.
///
/// Every problem is a `ChannelError` naming the queue, the field and what to
/// do; a missing credential names its role and the environment variable,
/// never a value.
///
/// The factory also owns the WeChat access-token caches, one per endpoint and
/// appid, so every channel of one mini program shares one token (WeChat
/// invalidates a token when another is fetched). Use one factory for the
/// whole process (`ChannelFactory.shared`, or one the dispatcher owns).
///
/// Sendable: the cache registry is behind a `Mutex`.
public final class ChannelFactory: Sendable {
    /// The adapter names a queue file's `"adapter"` may hold.
    public static let adapters = ["kannel", "alibaba-sms", "alibaba-ivr", "alibaba-tts", "tencent-sms",
                                  "tencent-voice", "wechat-subscribe", "webhook", "http"]

    /// The factory `ChannelFactory.make` uses.
    public static let shared = ChannelFactory()

    private struct TokenCacheKey: Hashable {
        var endpoint: String
        var appID: String
    }

    private let tokenCaches = Mutex<[TokenCacheKey: AccessTokenCache]>([:])
    private let logger: Logger

    public init(logger: Logger = Logger(label: "channels")) {
        self.logger = logger
    }

    /// `makeChannel` on the shared factory.
    public static func make(queueName: String, adapter: String, gateway: GatewayConfiguration,
                            environment: [String: String], client: HTTPClient, clock: any WallClock,
                            channel: ChannelKind? = nil) throws(ChannelError) -> any Channel {
        try shared.makeChannel(queueName: queueName, adapter: adapter, gateway: gateway, environment: environment,
                               transport: client, clock: clock, channel: channel)
    }

    /// The channel for one queue.
    ///
    /// - Parameters:
    ///   - queueName: the queue's `"name"`, used in errors and reasons.
    ///   - adapter: the queue's `"adapter"`, one of `adapters`.
    ///   - environment: where credentials are read (the process environment in production).
    ///   - transport: the shared `HTTPClient`, or a fake in tests.
    ///   - channel: the queue's `"channel"`, when known: checked against the
    ///     adapter's kind, and the kind of an `http` channel (default `webhook`).
    public func makeChannel(queueName: String, adapter: String, gateway: GatewayConfiguration,
                            environment: [String: String], transport: any HTTPTransport, clock: any WallClock,
                            channel: ChannelKind? = nil) throws(ChannelError) -> any Channel {
        let reader = GatewaySettingsReader(queue: queueName, adapter: adapter, gateway: gateway, environment: environment)
        if adapter != "http", gateway.http != nil {
            throw ChannelError(.invalidSetting, "only the http adapter takes a gateway.http block; remove it",
                               queue: queueName, field: "gateway.http")
        }
        let made: any Channel
        switch adapter {
        case "kannel":
            made = KannelChannel(configuration: try KannelChannel.configuration(reader), transport: transport,
                                 clock: clock, logger: logger)
        case "alibaba-sms":
            made = AlibabaSMSChannel(configuration: try AlibabaSMSChannel.configuration(reader), transport: transport,
                                     clock: clock, logger: logger)
        case "alibaba-ivr":
            made = AlibabaIVRChannel(configuration: try AlibabaIVRChannel.configuration(reader), transport: transport,
                                     clock: clock, logger: logger)
        case "alibaba-tts":
            made = AlibabaTTSChannel(configuration: try AlibabaTTSChannel.configuration(reader), transport: transport,
                                     clock: clock, logger: logger)
        case "tencent-sms":
            made = TencentSMSChannel(configuration: try TencentSMSChannel.configuration(reader), transport: transport,
                                     clock: clock, logger: logger)
        case "tencent-voice":
            made = TencentVoiceChannel(configuration: try TencentVoiceChannel.configuration(reader),
                                       transport: transport, clock: clock, logger: logger)
        case "wechat-subscribe":
            let configuration = try WeChatSubscribeChannel.configuration(reader)
            let tokens = try tokenCache(configuration.tokens, queue: queueName, transport: transport, clock: clock)
            made = WeChatSubscribeChannel(configuration: configuration.channel, tokens: tokens, transport: transport,
                                          clock: clock, logger: logger)
        case "webhook":
            made = WebhookChannel(configuration: try WebhookChannel.configuration(reader), transport: transport,
                                  clock: clock, logger: logger)
        case "http":
            guard let spec = gateway.http else {
                throw ChannelError(.invalidHTTPSpec, "the http adapter needs a gateway.http block (method, url, "
                                   + "headers, body, success); see Queues/README.md",
                                   queue: queueName, field: "gateway.http")
            }
            try reader.checkKnown(credentials: [], settings: [])
            made = try GenericHTTPChannel(queue: queueName, kind: channel ?? .webhook, endpoint: gateway.endpoint,
                                          spec: spec, environment: environment, timeout: try reader.timeout(),
                                          transport: transport, clock: clock, logger: logger)
        default:
            throw ChannelError(.unknownAdapter,
                               "unknown adapter \"\(adapter)\"; use one of \(Self.adapters.joined(separator: ", "))",
                               queue: queueName, field: "adapter")
        }
        if let channel, channel != made.kind {
            throw ChannelError(.invalidSetting,
                               "the queue says channel \"\(channel.rawValue)\" but adapter \(adapter) sends "
                               + "\"\(made.kind.rawValue)\"",
                               queue: queueName, field: "channel")
        }
        return made
    }

    /// The shared cache for this endpoint and appid, made on first use. A
    /// second queue of the same appid must use the same secret.
    private func tokenCache(_ configuration: AccessTokenCache.Configuration, queue: String,
                            transport: any HTTPTransport, clock: any WallClock) throws(ChannelError) -> AccessTokenCache {
        let key = TokenCacheKey(endpoint: configuration.endpoint, appID: configuration.appID)
        let (cache, conflict) = tokenCaches.withLock { caches -> (AccessTokenCache, Bool) in
            if let existing = caches[key] {
                return (existing, existing.configuration.appSecret != configuration.appSecret)
            }
            let cache = AccessTokenCache(configuration: configuration, transport: transport, clock: clock, logger: logger)
            caches[key] = cache
            return (cache, false)
        }
        if conflict {
            throw ChannelError(.invalidSetting,
                               "another queue already uses appid \(configuration.appID) with a different appSecret; "
                               + "one mini program has one secret",
                               queue: queue, field: "gateway.credentials.appSecret")
        }
        return cache
    }
}

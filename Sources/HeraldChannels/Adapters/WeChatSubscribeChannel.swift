import Foundation
import HeraldCore

/// Mini-program subscribe messages (订阅消息) through WeChat's
/// `subscribeMessage.send`
/// (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html).
///
/// Wire format: `POST {endpoint}/cgi-bin/message/subscribe/send?access_token=TOKEN`
/// with `Content-Type: application/json; charset=utf-8` and the body
/// `{"touser":"<openid>","template_id":"<templateCode>","page":"<page>",
/// "data":{"<name>":{"value":"<value>"},…},"miniprogram_state":"formal",
/// "lang":"zh_CN"}` (`page` only when the message has one; `data` members in
/// the parameters' order). Answer `{"errcode":0,"errmsg":"ok"}` (some
/// versions add `msgid`) → `.accepted(msgid)`; other errcodes → `table`.
///
/// The token comes from the shared `AccessTokenCache` of the queue's appid.
/// When WeChat rejects it as stale or expired (40001, 42001, 40014), the
/// adapter drops it from the cache, fetches a fresh one and sends once more;
/// a second rejection ends as `.retry`. The token is in the URL's query, so
/// `redactedURL` keeps it out of every error and log.
///
/// Sendable: immutable configuration, the shared cache and transport.
public final class WeChatSubscribeChannel: Channel {
    public struct Configuration: Sendable {
        /// Base URL, e.g. `https://api.weixin.qq.com`.
        public var endpoint: String
        /// `formal`, `trial` or `developer`: which build of the mini program a tap opens.
        public var miniprogramState: String
        /// `zh_CN`, `en_US`, `zh_HK` or `zh_TW`.
        public var lang: String
        public var timeout: Duration

        public init(endpoint: String, miniprogramState: String = "formal", lang: String = "zh_CN",
                    timeout: Duration = .seconds(10)) {
            self.endpoint = endpoint
            self.miniprogramState = miniprogramState
            self.lang = lang
            self.timeout = timeout
        }
    }

    public static let miniprogramStates = ["formal", "trial", "developer"]
    public static let languages = ["zh_CN", "en_US", "zh_HK", "zh_TW"]
    /// errcodes that mean the token is stale: refresh once and resend once.
    static let staleTokenCodes: Set<String> = ["40001", "42001", "40014"]

    public let kind = ChannelKind.push
    public let adapter = "wechat-subscribe"
    public let configuration: Configuration
    public let tokens: AccessTokenCache
    private let transport: any HTTPTransport
    private let clock: any WallClock
    private let logger: Logger

    /// - Parameter tokens: the cache of the queue's appid, shared with every
    ///   other channel of that appid.
    public init(configuration: Configuration, tokens: AccessTokenCache, transport: any HTTPTransport,
                clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "channels")) {
        self.configuration = configuration
        self.tokens = tokens
        self.transport = transport
        self.clock = clock
        self.logger = logger
    }

    public func send(_ message: OutboundMessage, completion: @escaping @Sendable (SendOutcome) -> Void) {
        do {
            _ = try Self.addressing(message)
        } catch {
            completion(error.sendOutcome)
            return
        }
        attempt(message, isResend: false, completion: completion)
    }

    /// One send with the cached token; on a stale-token answer, one resend
    /// with a fresh token.
    private func attempt(_ message: OutboundMessage, isResend: Bool,
                         completion: @escaping @Sendable (SendOutcome) -> Void) {
        tokens.withToken { [self] token in
            let accessToken: String
            switch token {
            case .success(let value): accessToken = value
            case .failure(let failure):
                completion(failure.outcome)
                return
            }
            let request: HTTPRequest
            do throws(ChannelError) {
                request = try self.request(for: message, accessToken: accessToken)
            } catch {
                completion(error.sendOutcome)
                return
            }
            transport.exchange(request) { [self] result in
                if !isResend, let code = Self.staleTokenCode(in: result) {
                    logger.info("WeChat rejected the access_token; refreshing and resending once", [
                        "errcode": .string(code), "delivery": .int(Int(message.deliveryID)),
                    ])
                    tokens.invalidate(accessToken)
                    attempt(message, isResend: true, completion: completion)
                    return
                }
                completion(outcome(for: result))
            }
        }
    }

    /// The send request for `message` with `accessToken`.
    public func request(for message: OutboundMessage, accessToken: String) throws(ChannelError) -> HTTPRequest {
        let (openID, templateID) = try Self.addressing(message)
        var members = [JSONValue.Member("touser", .string(openID)), JSONValue.Member("template_id", .string(templateID))]
        if let page = message.page, !page.isEmpty {
            members.append(JSONValue.Member("page", .string(page)))
        }
        members.append(JSONValue.Member("data", .object(message.parameters.map {
            JSONValue.Member($0.name, .fields(["value": .string($0.value)]))
        })))
        members.append(JSONValue.Member("miniprogram_state", .string(configuration.miniprogramState)))
        members.append(JSONValue.Member("lang", .string(configuration.lang)))
        let url = configuration.endpoint.withoutTrailingSlashes + "/cgi-bin/message/subscribe/send?access_token="
            + PercentEncoding.queryComponent(accessToken)
        return HTTPRequest(method: .post, url: url,
                           headers: [HTTPHeader("Content-Type", "application/json; charset=utf-8")],
                           body: JSONValue.object(members).bytes,
                           connectTimeout: min(.seconds(5), configuration.timeout), timeout: configuration.timeout)
    }

    /// The openid and template id a subscribe message needs, checked before
    /// a token is fetched.
    static func addressing(_ message: OutboundMessage) throws(ChannelError) -> (openID: String, templateID: String) {
        guard let openID = message.recipient.openID, !openID.isEmpty else {
            throw .unsendable("a WeChat subscribe message needs the resident's openid and there is none")
        }
        guard let templateID = message.templateCode, !templateID.isEmpty else {
            throw .unsendable("a WeChat subscribe message needs a template id and the message has none")
        }
        return (openID, templateID)
    }

    /// What WeChat's answer (or the transport's failure) means.
    public func outcome(for result: Result<HTTPResponse, HTTPClientError>) -> SendOutcome {
        Self.table.outcome(for: result, now: clock.now(), logger: logger, read: Self.answer)
    }

    static func answer(_ response: HTTPResponse) -> GatewayAnswer {
        guard let json = JSONValue.parse(response.body), let code = json["errcode"]?.text else { return .unreadable }
        return .code(code, message: json["errmsg"]?.text, gatewayID: json["msgid"]?.text)
    }

    private static func staleTokenCode(in result: Result<HTTPResponse, HTTPClientError>) -> String? {
        guard case .success(let response) = result, case .code(let code, _, _) = answer(response),
              staleTokenCodes.contains(code) else { return nil }
        return code
    }

    /// WeChat subscribe-message errcodes. 40037 (bad template id) is
    /// `.permanent`, not a gateway failure: the template is the message's,
    /// and other notices on the queue use other templates that still work;
    /// the channel plan escalates this one and template lint should catch it.
    public static let table = OutcomeTable(
        gateway: "WeChat subscribe",
        duplicateRisk: "subscribe/send is not idempotent: a retry may push twice",
        rows: [
            .init("0", .accepted, "ok"),
            .init("-1", .retry, "WeChat system busy"),
            .init("40001", .retry, "access_token rejected again after a refresh and resend; retrying later"),
            .init("42001", .retry, "access_token expired again after a refresh and resend; retrying later"),
            .init("40014", .retry, "access_token invalid again after a refresh and resend; retrying later"),
            .init("43101", .permanent, "resident has no subscription left; escalate"),
            .init("47003", .permanent, "a data value breaks its template field's format (template data bug)"),
            .init("40037", .permanent, "the template id is wrong (template bug; other templates still send)"),
            .init("40003", .permanent, "the openid is not this mini program's user"),
            .init("41030", .permanent, "the page path does not exist in the published mini program"),
            .init("45009", .rateLimited, "daily API quota used up", delay: .seconds(3600)),
            .init("45011", .rateLimited, "API minute quota used up", delay: .seconds(60)),
            .init("40013", .gatewayFailure, "invalid appid; check gateway.settings.appId"),
            .init("48001", .gatewayFailure, "the mini program is not authorised for this API"),
            .init("40164", .gatewayFailure, "this host's IP is not on the mini program's API allow-list"),
        ])
}

extension WeChatSubscribeChannel {
    static let credentialRoles = ["appSecret"]
    static let settingNames = ["appId", "miniprogramState", "lang", "tokenRefreshMarginSeconds"]

    static func configuration(_ reader: GatewaySettingsReader) throws(ChannelError)
        -> (channel: Configuration, tokens: AccessTokenCache.Configuration) {
        try reader.checkKnown(credentials: credentialRoles, settings: settingNames)
        let endpoint = try reader.endpoint()
        let timeout = try reader.timeout()
        let channel = Configuration(
            endpoint: endpoint,
            miniprogramState: try reader.choiceSetting("miniprogramState", default: "formal", allowed: miniprogramStates),
            lang: try reader.choiceSetting("lang", default: "zh_CN", allowed: languages),
            timeout: timeout)
        let margin = try reader.intSetting("tokenRefreshMarginSeconds", default: 300, range: 0...3600)
        let tokens = AccessTokenCache.Configuration(endpoint: endpoint, appID: try reader.setting("appId"),
                                                    appSecret: try reader.credential("appSecret"),
                                                    refreshMargin: .seconds(margin), timeout: timeout)
        return (channel, tokens)
    }
}

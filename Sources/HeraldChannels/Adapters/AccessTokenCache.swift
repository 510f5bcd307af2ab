import Foundation
import HeraldCore
import Synchronization

/// One WeChat mini program's `access_token`, shared by every channel that
/// sends with that appid, fetched once and refreshed before it expires.
///
/// WeChat issues a token good for `expires_in` seconds (7200) from
/// `GET {endpoint}/cgi-bin/token?grant_type=client_credential&appid=&secret=`
/// (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getAccessToken.html),
/// and a new fetch can invalidate the old token, so every sender of one
/// appid must share one cache. `ChannelFactory` keeps one per endpoint and
/// appid.
///
/// - The token is refreshed when less than `refreshMargin` (5 minutes by
///   default) remains, measured on the injected clock.
/// - Single flight: callers that arrive while a refresh is under way wait
///   for that refresh; there is never more than one token request at a time.
/// - A failed refresh fails every waiting caller with its outcome (WeChat's
///   errcode through `tokenTable`: a bad appid or secret is a
///   `.gatewayFailure`, a busy system a `.retry`) and leaves the cache empty,
///   so the next send tries again.
/// - `invalidate(_:)` drops a token WeChat rejected (40001), unless a newer
///   one has replaced it already.
///
/// The token and the secret never appear in an error or a log: the token
/// request's URL carries them in its query, which `redactedURL` drops.
///
/// Sendable: all state is behind a `Mutex`; callbacks run outside it.
public final class AccessTokenCache: Sendable {
    public struct Configuration: Sendable {
        /// Base URL, e.g. `https://api.weixin.qq.com`.
        public var endpoint: String
        public var appID: String
        public var appSecret: Secret
        /// Refresh when less than this remains.
        public var refreshMargin: Duration
        public var timeout: Duration

        public init(endpoint: String, appID: String, appSecret: Secret, refreshMargin: Duration = .seconds(300),
                    timeout: Duration = .seconds(10)) {
            self.endpoint = endpoint
            self.appID = appID
            self.appSecret = appSecret
            self.refreshMargin = refreshMargin
            self.timeout = timeout
        }
    }

    /// Why no token could be had, as the send that needed it should end.
    public struct Failure: Error, Sendable, Hashable {
        public var outcome: SendOutcome
    }

    public typealias Waiter = @Sendable (Result<String, Failure>) -> Void

    private enum State {
        case empty
        case valid(token: String, expiresAt: Date)
        case refreshing(waiters: [Waiter])
    }

    public let configuration: Configuration
    private let transport: any HTTPTransport
    private let clock: any WallClock
    private let logger: Logger
    private let state = Mutex(State.empty)

    public init(configuration: Configuration, transport: any HTTPTransport, clock: any WallClock = SystemClock(),
                logger: Logger = Logger(label: "channels")) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
        self.logger = logger
    }

    /// Calls `completion` with a token that has more than `refreshMargin`
    /// left: at once from the cache, or after the one refresh under way.
    public func withToken(_ completion: @escaping Waiter) {
        enum Step { case use(String), wait, refresh }
        let now = clock.now()
        let margin = configuration.refreshMargin
        let step = state.withLock { state -> Step in
            switch state {
            case .valid(let token, let expiresAt) where Self.seconds(expiresAt.timeIntervalSince(now)) > margin:
                return .use(token)
            case .refreshing(let waiters):
                state = .refreshing(waiters: waiters + [completion])
                return .wait
            case .valid, .empty:
                state = .refreshing(waiters: [completion])
                return .refresh
            }
        }
        switch step {
        case .use(let token): completion(.success(token))
        case .wait: break
        case .refresh: refresh()
        }
    }

    /// Forgets `token` after WeChat rejected it, unless a newer token has
    /// replaced it (another sender may have refreshed already).
    public func invalidate(_ token: String) {
        state.withLock { state in
            if case .valid(let current, _) = state, current == token { state = .empty }
        }
    }

    /// The token request: `GET {endpoint}/cgi-bin/token?grant_type=client_credential&appid=&secret=`.
    public func tokenRequest() -> HTTPRequest {
        let query = PercentEncoding.query([
            ("grant_type", "client_credential"),
            ("appid", configuration.appID),
            ("secret", configuration.appSecret.value),
        ])
        return HTTPRequest(method: .get, url: configuration.endpoint.withoutTrailingSlashes + "/cgi-bin/token?" + query,
                           connectTimeout: min(.seconds(5), configuration.timeout), timeout: configuration.timeout)
    }

    private func refresh() {
        transport.exchange(tokenRequest()) { [self] result in
            let fetched = read(result)
            let waiters = state.withLock { state -> [Waiter] in
                guard case .refreshing(let waiters) = state else { return [] }
                switch fetched {
                case .success(let token): state = .valid(token: token.value, expiresAt: token.expiresAt)
                case .failure: state = .empty
                }
                return waiters
            }
            if case .failure(let failure) = fetched {
                logger.warning("WeChat access_token refresh failed", [
                    "appid": .string(configuration.appID), "outcome": .string(failure.outcome.description),
                ])
            }
            let answer = fetched.map(\.value)
            for waiter in waiters { waiter(answer) }
        }
    }

    /// The token and its expiry from WeChat's answer, or the outcome for
    /// the sends that needed it.
    private func read(_ result: Result<HTTPResponse, HTTPClientError>) -> Result<(value: String, expiresAt: Date), Failure> {
        let now = clock.now()
        if case .success(let response) = result, response.isSuccess, let json = JSONValue.parse(response.body),
           let token = json["access_token"]?.stringValue, !token.isEmpty,
           let lifetime = json["expires_in"]?.text.flatMap(Int.init), lifetime > 0 {
            return .success((token, now.addingTimeInterval(TimeInterval(lifetime))))
        }
        let outcome = Self.tokenTable.outcome(for: result, now: now, logger: logger) { response in
            guard let json = JSONValue.parse(response.body), let code = json["errcode"]?.text else { return .unreadable }
            return .code(code, message: json["errmsg"]?.text, gatewayID: nil)
        }
        if case .accepted = outcome {
            // errcode 0 without a token: not an answer Herald can use.
            return .failure(Failure(outcome: .retry(after: nil, reason: "WeChat access_token: malformed response "
                                                    + "(errcode 0 without access_token)")))
        }
        return .failure(Failure(outcome: outcome))
    }

    private static func seconds(_ interval: TimeInterval) -> Duration {
        .milliseconds(Int64((interval * 1000).rounded(.down)))
    }

    /// errcodes of `cgi-bin/token`. Its 40001 means a wrong AppSecret, not
    /// a stale token as on the send API, hence a table of its own.
    public static let tokenTable = OutcomeTable(
        gateway: "WeChat access_token",
        duplicateRisk: "fetching a token sends nothing to residents",
        rows: [
            .init("0", .accepted, "ok"),
            .init("-1", .retry, "WeChat system busy"),
            .init("40001", .gatewayFailure, "AppSecret is wrong or not this mini program's; check the appSecret credential"),
            .init("40002", .gatewayFailure, "invalid grant_type (a Herald bug)"),
            .init("40013", .gatewayFailure, "invalid appid; check gateway.settings.appId"),
            .init("40125", .gatewayFailure, "invalid AppSecret; check the appSecret credential"),
            .init("40164", .gatewayFailure, "this host's IP is not on the mini program's API allow-list"),
            .init("40243", .gatewayFailure, "the AppSecret is frozen; unfreeze it in the mini program console"),
            .init("41004", .gatewayFailure, "AppSecret missing from the request"),
            .init("45009", .rateLimited, "daily token API quota used up", delay: .seconds(3600)),
            .init("45011", .rateLimited, "token API minute quota used up", delay: .seconds(60)),
        ])
}

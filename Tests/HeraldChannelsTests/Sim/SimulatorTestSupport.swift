import Foundation
import HeraldChannels
import HeraldCore
import HeraldHTTP
@testable import HeraldSim

/// A simulator on a free loopback port with a manual clock, a client that
/// talks to it without any proxy, and (optionally) a callback inbox.
/// `stop()` in a `defer`.
struct SimulatorHarness {
    let simulator: GatewaySimulator
    let client: HTTPClient
    let clock: ManualClock
    let inbox: CallbackInbox?

    /// A behaviour for tests: callbacks at once, no frequency limits,
    /// everything delivered and accepted unless a test says otherwise.
    static func behaviour(_ change: (inout SimulatorBehaviour) -> Void = { _ in }) -> SimulatorBehaviour {
        var behaviour = SimulatorBehaviour(deliveryRate: 1, answerRate: 1, keyPress1Rate: 1, keyPress2Rate: 0,
                                           replyRate: 0, signupRate: 0, callbackDelaySeconds: 0...0,
                                           frequencyLimits: .none)
        change(&behaviour)
        return behaviour
    }

    init(seed: UInt64 = 1, callbacks: Bool = false,
         behaviour: SimulatorBehaviour = SimulatorHarness.behaviour()) throws {
        let clock = ManualClock()
        let inbox = callbacks ? try CallbackInbox() : nil
        self.clock = clock
        self.inbox = inbox
        simulator = try GatewaySimulator(configuration: GatewaySimulator.Configuration(
            seed: seed, callbackBaseURL: inbox?.baseURL, behaviour: behaviour, clock: clock,
            // Calls last simulated seconds (ringing, talking); a test need not wait for them.
            timeScale: 1_000_000,
            logger: Logger(label: "sim-test", system: LoggingSystem(sink: { _ in }))))
        client = try HTTPClient(configuration: HTTPClient.Configuration(proxy: ""))
    }

    func stop() {
        client.shutdown()
        simulator.stop()
        inbox?.stop()
    }

    var baseURL: String { simulator.baseURL }
    /// `127.0.0.1:PORT`, the Host Tencent's signature covers.
    var host: String { "127.0.0.1:\(simulator.port)" }
    var unixNow: Int { Int(clock.now().timeIntervalSince1970) }

    func send(_ request: HTTPRequest) async throws(HTTPClientError) -> HTTPResponse {
        try await client.execute(request)
    }

    // MARK: Requests, built by hand as each gateway documents them

    func kannel(_ parameters: [(String, String)]) -> HTTPRequest {
        HTTPRequest(method: .get, url: baseURL + "/cgi-bin/sendsms?" + PercentEncoding.query(parameters))
    }

    /// An Alibaba RPC request with the common parameters, signed.
    func alibaba(_ action: String, _ parameters: [String: String], method: HTTPMethod = .post,
                 accessKeyID: String = "sim-access-key", secret: String = "sim-secret",
                 nonce: String = UUID().uuidString, timestamp: Date? = nil) throws -> HTTPRequest {
        var all = parameters
        all["AccessKeyId"] = accessKeyID
        all["Action"] = action
        all["Format"] = "JSON"
        all["RegionId"] = "cn-hangzhou"
        all["SignatureMethod"] = "HMAC-SHA1"
        all["SignatureNonce"] = nonce
        all["SignatureVersion"] = "1.0"
        all["Timestamp"] = SimulatorTime.iso8601(timestamp ?? clock.now())
        all["Version"] = "2017-05-25"
        let signed = try AlibabaRPCSignature.sign(method: method, parameters: all, accessKeySecret: secret)
        if method == .get {
            return HTTPRequest(method: .get, url: baseURL + "/?" + signed.signedQuery)
        }
        return HTTPRequest(method: .post, url: baseURL + "/",
                           headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")],
                           body: Array(signed.signedQuery.utf8))
    }

    /// A Tencent API 3.0 request, signed with TC3-HMAC-SHA256 for this host.
    func tencent(_ action: String, _ body: String, secretID: String = "AKIDsim", secretKey: String = "sim-secret",
                 timestamp: Int? = nil) throws -> HTTPRequest {
        let (service, version) = action == "SendSms" ? ("sms", "2021-01-11") : ("vms", "2020-09-02")
        let payload = Array(body.utf8)
        let signed = try TencentTC3Signature.sign(secretId: secretID, secretKey: secretKey, service: service,
                                                  host: host, action: action, version: version,
                                                  region: "ap-guangzhou", timestamp: timestamp ?? unixNow,
                                                  payload: payload)
        return HTTPRequest(method: .post, url: baseURL + "/", headers: signed.headers, body: payload)
    }

    /// A webhook POST signed with `WebhookSignature`.
    func webhook(_ body: String, path: String = "/webhook", secret: String = "sim-webhook-secret",
                 timestamp: Int? = nil, idempotencyKey: String? = nil) throws -> HTTPRequest {
        let bytes = Array(body.utf8)
        var headers = [HTTPHeader("Content-Type", "application/json")]
        headers += try WebhookSignature.headers(secret: Array(secret.utf8), timestamp: timestamp ?? unixNow,
                                                body: bytes)
        if let idempotencyKey { headers.append(HTTPHeader("Idempotency-Key", idempotencyKey)) }
        return HTTPRequest(method: .post, url: baseURL + path, headers: headers, body: bytes)
    }

    /// A fresh WeChat access_token.
    func wechatToken() async throws -> String {
        let response = try await send(HTTPRequest(
            method: .get, url: baseURL + "/cgi-bin/token?grant_type=client_credential&appid=wxsim&secret=sim-secret"))
        guard let token = json(response)?["access_token"]?.stringValue else {
            throw SimulatorTestError("no access_token in \(response.text)")
        }
        return token
    }

    func wechatSend(token: String, _ body: String) -> HTTPRequest {
        HTTPRequest(method: .post, url: baseURL + "/cgi-bin/message/subscribe/send?access_token=" + token,
                    headers: [HTTPHeader("Content-Type", "application/json")], body: Array(body.utf8))
    }
}

/// A logger that writes nowhere.
let silentLogger = Logger(label: "sim-test", system: LoggingSystem(sink: { _ in }))

struct SimulatorTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The body of a response as JSON.
func json(_ response: HTTPResponse) -> SimulatorJSON? {
    SimulatorJSON.parse(response.body)
}

func json(_ request: HTTPServerRequest) -> SimulatorJSON? {
    SimulatorJSON.parse(request.body)
}

/// Herald's side of the callbacks in a test: an `HTTPServer` that keeps
/// every request and answers 200 `{"code":0,"msg":"ok"}`.
///
/// `@unchecked Sendable`: `received` is guarded by `condition`.
final class CallbackInbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var received: [HTTPServerRequest] = []
    private let server: HTTPServer

    init() throws {
        let storage = Storage()
        self.storage = storage
        server = try HTTPServer(configuration: HTTPServer.Configuration(
            logger: Logger(label: "inbox-test", system: LoggingSystem(sink: { _ in })))) { request, responder in
            storage.inbox?.append(request)
            responder.respond(.json(status: 200, bytes: Array(#"{"code":0,"msg":"ok","result":0,"errmsg":"OK"}"#.utf8)))
        }
        storage.inbox = self
    }

    private let storage: Storage

    /// Lets the server's handler reach the inbox created after it.
    private final class Storage: @unchecked Sendable {
        private let lock = NSLock()
        private weak var value: CallbackInbox?
        var inbox: CallbackInbox? {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }

    var baseURL: String { "http://127.0.0.1:\(server.port)" }

    private func append(_ request: HTTPServerRequest) {
        condition.lock()
        received.append(request)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until `count` callbacks have arrived (or a generous safety
    /// timeout passes) and returns all that arrived.
    func wait(for count: Int, timeout: TimeInterval = 10) -> [HTTPServerRequest] {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while received.count < count {
            if !condition.wait(until: deadline) { break }
        }
        return received
    }

    var all: [HTTPServerRequest] {
        condition.lock()
        defer { condition.unlock() }
        return received
    }

    func stop() {
        server.stop()
    }
}

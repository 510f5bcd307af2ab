import CCurl
import Foundation
import HeraldCore
import Synchronization

/// Herald's outbound HTTP: one libcurl multi handle driven by one event-loop
/// thread, many concurrent transfers, kept-alive connections, HTTP/2 where
/// the server offers it over TLS.
///
/// `execute` may be called from any thread. Completions run on the event-loop
/// thread: they must be quick and must not block (hand work to a queue).
/// A completion may call `execute` again; that request starts on the next
/// turn of the loop without a wake-up.
///
/// The loop thread keeps the client alive until `shutdown()`: call it when
/// done (the dispatcher and the CLI do, in their shutdown order).
///
/// Sendable: the submission inbox is behind a mutex; everything else
/// (the multi handle, the easy handles, the active transfers) is touched only
/// by the event-loop thread.
public final class HTTPClient: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// PEM file of trusted CAs; nil uses the system bundle. TLS
        /// verification is always on.
        public var caBundlePath: String?
        /// Most connections to one host (0: no limit). Requests past the
        /// limit wait for a connection rather than fail.
        public var maxConnectionsPerHost: Int
        /// Most open connections in all.
        public var maxTotalConnections: Int
        /// Idle connections kept for reuse.
        public var connectionCacheSize: Int
        /// Offer HTTP/2 over TLS (ALPN); plain http stays HTTP/1.1.
        public var http2: Bool
        public var userAgent: String
        /// The proxy for every request ("" for none); nil reads the usual
        /// environment (`https_proxy`, `http_proxy`, `all_proxy`, `no_proxy`)
        /// once, when the client starts, rather than on every request.
        public var proxy: String?
        /// Hosts that bypass the proxy (libcurl's CURLOPT_NOPROXY syntax).
        public var noProxy: String?

        public init(caBundlePath: String? = ProcessInfo.processInfo.environment["HERALD_CA_BUNDLE"],
                    maxConnectionsPerHost: Int = 256, maxTotalConnections: Int = 1024,
                    connectionCacheSize: Int = 1024, http2: Bool = true,
                    userAgent: String = "Herald/\(HeraldVersion.current)",
                    proxy: String? = nil, noProxy: String? = nil) {
            self.caBundlePath = caBundlePath
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxTotalConnections = maxTotalConnections
            self.connectionCacheSize = connectionCacheSize
            self.http2 = http2
            self.userAgent = userAgent
            let environment = ProcessInfo.processInfo.environment
            func variable(_ name: String) -> String? {
                environment[name].flatMap { $0.isEmpty ? nil : $0 }
                    ?? environment[name.uppercased()].flatMap { $0.isEmpty ? nil : $0 }
            }
            self.proxy = proxy ?? variable("https_proxy") ?? variable("http_proxy") ?? variable("all_proxy") ?? ""
            self.noProxy = noProxy ?? variable("no_proxy")
        }
    }

    private struct Inbox {
        var submitted: [Transfer] = []
        var cancelled: [HTTPTask] = []
        var wakePending = false
        var stopping = false
    }

    public let configuration: Configuration
    private let multi: CurlMulti
    private let inbox = Mutex(Inbox())
    private let nextID = Atomic<UInt64>(1)
    private let stopped = DispatchSemaphore(value: 0)
    private let loopThreadID = Atomic<UInt>(0)

    // Event-loop state.
    private var active: [UInt64: Transfer] = [:]
    private var idleHandles: [EasyHandle] = []

    public init(configuration: Configuration = Configuration()) throws(HTTPClientError) {
        CurlGlobal.ensureInitialized()
        self.configuration = configuration
        multi = try CurlMulti()
        try multi.set(CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        try multi.set(CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.maxTotalConnections)
        try multi.set(CURLMOPT_MAXCONNECTS, configuration.connectionCacheSize)
        try multi.set(CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        let thread = Thread { [self] in runLoop() }
        thread.name = "herald.http"
        thread.start()
    }

    /// Starts one request; `completion` runs exactly once, on the event-loop thread.
    @discardableResult
    public func execute(_ request: HTTPRequest,
                        completion: @escaping @Sendable (Result<HTTPResponse, HTTPClientError>) -> Void) -> HTTPTask {
        let task = HTTPTask(id: nextID.add(1, ordering: .relaxed).oldValue, client: self)
        let transfer = Transfer(request: request, task: task, completion: completion)
        let accepted: Bool
        let wake: Bool
        (accepted, wake) = inbox.withLock { inbox in
            guard !inbox.stopping else { return (false, false) }
            inbox.submitted.append(transfer)
            defer { inbox.wakePending = true }
            return (true, !inbox.wakePending)
        }
        guard accepted else {
            completion(.failure(HTTPClientError(kind: .cancelled, message: "the HTTP client is shut down",
                                                url: request.redactedURL)))
            return task
        }
        if wake && !isLoopThread { multi.wakeUp() }
        return task
    }

    /// `execute` for async callers; cancelling the Swift task cancels the request.
    public func execute(_ request: HTTPRequest) async throws(HTTPClientError) -> HTTPResponse {
        let box = TaskBox()
        let result: Result<HTTPResponse, HTTPClientError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                box.set(execute(request) { continuation.resume(returning: $0) })
            }
        } onCancel: {
            box.cancel()
        }
        return try result.get()
    }

    /// Stops the loop: pending and in-flight requests complete with
    /// `.cancelled`, connections close, the thread exits. Idempotent; waits
    /// for the loop to finish unless called from a completion.
    public func shutdown() {
        let first = inbox.withLock { inbox in
            defer { inbox.stopping = true }
            return !inbox.stopping
        }
        guard first else { return }
        multi.wakeUp()
        if !isLoopThread { stopped.wait() }
    }

    /// Number of requests libcurl is working on (event-loop state; for tests and status).
    public var inFlightCount: Int { inbox.withLock { $0.submitted.count } + activeCount.load(ordering: .relaxed) }
    private let activeCount = Atomic<Int>(0)

    func requestCancellation(of task: HTTPTask) {
        let wake = inbox.withLock { inbox in
            inbox.cancelled.append(task)
            defer { inbox.wakePending = true }
            return !inbox.wakePending
        }
        if wake && !isLoopThread { multi.wakeUp() }
    }

    private var isLoopThread: Bool { loopThreadID.load(ordering: .relaxed) == UInt(pthread_self()) }

    // MARK: - The event loop

    private func runLoop() {
        loopThreadID.store(UInt(pthread_self()), ordering: .relaxed)
        var running: Int32 = 0
        while true {
            let (submitted, cancelled, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.submitted.removeAll(keepingCapacity: true)
                    inbox.cancelled.removeAll(keepingCapacity: true)
                    inbox.wakePending = false
                }
                return (inbox.submitted, inbox.cancelled, inbox.stopping)
            }
            if stopping {
                for transfer in submitted { fail(transfer, .cancelled, "the HTTP client is shut down") }
                break
            }
            for transfer in submitted { start(transfer) }
            for task in cancelled {
                if let transfer = active[task.id] {
                    fail(transfer, .cancelled, "cancelled")
                }
            }
            multi.perform(&running)
            while let (easyPointer, code) = multi.nextDone() {
                complete(easyPointer: easyPointer, code: code)
            }
            let more = inbox.withLock { !$0.submitted.isEmpty || !$0.cancelled.isEmpty || $0.stopping }
            if !more {
                multi.poll(timeoutMilliseconds: running > 0 ? 1000 : 10_000)
            }
        }
        for transfer in Array(active.values) { fail(transfer, .cancelled, "the HTTP client is shut down") }
        idleHandles.removeAll()
        loopThreadID.store(0, ordering: .relaxed)
        stopped.signal()
    }

    private func start(_ transfer: Transfer) {
        if transfer.task.isCancelled {
            finish(transfer, .failure(HTTPClientError(kind: .cancelled, message: "cancelled",
                                                      url: transfer.request.redactedURL)))
            return
        }
        let easy: EasyHandle
        do {
            easy = try idleHandles.popLast() ?? makeHandle()
            try configure(easy, for: transfer)
        } catch let error as HTTPClientError {
            finish(transfer, .failure(error))
            return
        } catch let error as EasyOptionError {
            finish(transfer, .failure(HTTPClientError(kind: .invalidRequest, message: error.message,
                                                      url: transfer.request.redactedURL, curlCode: Int(error.code.rawValue))))
            return
        } catch {
            finish(transfer, .failure(HTTPClientError(kind: .other, message: "\(error)", url: transfer.request.redactedURL)))
            return
        }
        transfer.easy = easy
        let code = curl_multi_add_handle(multi.pointer, easy.pointer)
        guard code == CURLM_OK else {
            transfer.easy = nil
            recycle(easy)
            finish(transfer, .failure(HTTPClientError(kind: .other,
                                                      message: "curl_multi_add_handle: " + String(cString: curl_multi_strerror(code)),
                                                      url: transfer.request.redactedURL)))
            return
        }
        active[transfer.task.id] = transfer
        activeCount.store(active.count, ordering: .relaxed)
    }

    /// The options every request shares, set once when a handle is made;
    /// handles go back to the pool without `curl_easy_reset`, so these stay.
    private func makeHandle() throws -> EasyHandle {
        let easy = try EasyHandle()
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_NOSIGNAL, 1)
        try easy.set(CURLOPT_USERAGENT, configuration.userAgent)
        try easy.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(easy.errorBuffer))
        try easy.set(CURLOPT_HTTP_VERSION, Int(configuration.http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1))
        try easy.set(CURLOPT_PIPEWAIT, 1)
        try easy.set(CURLOPT_SSL_VERIFYPEER, 1)
        try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        try easy.set(CURLOPT_PROXY, configuration.proxy ?? "")
        if let noProxy = configuration.noProxy {
            try easy.set(CURLOPT_NOPROXY, noProxy)
        }
        if let caBundlePath = configuration.caBundlePath {
            try easy.set(CURLOPT_CAINFO, caBundlePath)
        }
        var code = ccurl_easy_setopt_write_callback(easy.pointer) { data, size, count, context in
            guard let data, let context else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            let length = size * count
            return transfer.receive(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
        }
        guard code == CURLE_OK else { throw EasyOptionError(option: CURLOPT_WRITEFUNCTION, code: code) }
        code = ccurl_easy_setopt_header_callback(easy.pointer) { data, size, count, context in
            guard let data, let context else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            let length = size * count
            transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: length))
            return length
        }
        guard code == CURLE_OK else { throw EasyOptionError(option: CURLOPT_HEADERFUNCTION, code: code) }
        return easy
    }

    /// The options that differ per request. Every one of them is set on
    /// every use, so nothing leaks from the handle's previous request.
    private func configure(_ easy: EasyHandle, for transfer: Transfer) throws {
        let request = transfer.request
        guard request.url.hasPrefix("http://") || request.url.hasPrefix("https://") else {
            throw HTTPClientError(kind: .invalidRequest, message: "only http and https URLs are supported",
                                  url: request.redactedURL)
        }
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        try easy.set(CURLOPT_URL, request.url)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.milliseconds)
        try easy.set(CURLOPT_TIMEOUT_MS, request.timeout.milliseconds)
        try easy.set(CURLOPT_MAXFILESIZE_LARGE, offset: Int64(request.maxResponseBytes))
        try easy.set(CURLOPT_PRIVATE, pointer: UnsafeMutableRawPointer(bitPattern: UInt(transfer.task.id)))
        try easy.set(CURLOPT_WRITEDATA, pointer: context)
        try easy.set(CURLOPT_HEADERDATA, pointer: context)
        try easy.set(CURLOPT_CUSTOMREQUEST, pointer: nil)
        switch request.method {
        case .get:
            try easy.set(CURLOPT_HTTPGET, 1)
        case .delete where request.body.isEmpty:
            // HTTPGET clears a body left from the handle's previous request.
            try easy.set(CURLOPT_HTTPGET, 1)
            try easy.set(CURLOPT_CUSTOMREQUEST, "DELETE")
        case .post, .put, .delete:
            try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(request.body.count))
            try request.body.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies the body, so the array need not outlive this call.
                let base = bytes.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)
                try easy.set(CURLOPT_COPYPOSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: base))
            }
            if request.method != .post {
                try easy.set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
            }
        }
        // libcurl adds "Accept: */*" unless told otherwise; gateways do not need it.
        var list = curl_slist_append(curl_slist_append(nil, "Expect:"), "Accept:")
        for header in request.headers {
            guard let appended = curl_slist_append(list, "\(header.name): \(header.value)") else {
                curl_slist_free_all(list)
                throw HTTPClientError(kind: .other, message: "curl_slist_append failed", url: request.redactedURL)
            }
            list = appended
        }
        transfer.headerList = list
        try easy.set(CURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(list))
    }

    private func complete(easyPointer: UnsafeMutableRawPointer, code: CURLcode) {
        var privateValue: UnsafeMutableRawPointer?
        guard ccurl_easy_getinfo_pointer(easyPointer, CURLINFO_PRIVATE, &privateValue) == CURLE_OK,
              let id = privateValue.map({ UInt64(UInt(bitPattern: $0)) }),
              let transfer = active[id], let easy = transfer.easy else {
            curl_multi_remove_handle(multi.pointer, easyPointer)
            return
        }
        let result: Result<HTTPResponse, HTTPClientError>
        if code == CURLE_OK {
            let version = switch easy.info(CURLINFO_HTTP_VERSION) {
            case CURL_HTTP_VERSION_2_0: "HTTP/2"
            case CURL_HTTP_VERSION_3: "HTTP/3"
            case CURL_HTTP_VERSION_1_0: "HTTP/1.0"
            default: "HTTP/1.1"
            }
            result = .success(HTTPResponse(status: easy.info(CURLINFO_RESPONSE_CODE),
                                           rawHeaders: transfer.rawHeaders,
                                           body: transfer.body, httpVersion: version,
                                           connectionsOpened: easy.info(CURLINFO_NUM_CONNECTS)))
        } else {
            result = .failure(classify(code, transfer: transfer, detail: easy.errorDetail))
        }
        detach(transfer)
        finish(transfer, result)
    }

    private func fail(_ transfer: Transfer, _ kind: HTTPClientError.Kind, _ message: String) {
        detach(transfer)
        finish(transfer, .failure(HTTPClientError(kind: kind, message: message, url: transfer.request.redactedURL)))
    }

    /// Takes the transfer's handle out of the multi handle and back to the pool.
    private func detach(_ transfer: Transfer) {
        active[transfer.task.id] = nil
        activeCount.store(active.count, ordering: .relaxed)
        guard let easy = transfer.easy else { return }
        transfer.easy = nil
        curl_multi_remove_handle(multi.pointer, easy.pointer)
        recycle(easy)
    }

    private func recycle(_ easy: EasyHandle) {
        easy.clearError()
        if idleHandles.count < 4096 { idleHandles.append(easy) }
    }

    private func finish(_ transfer: Transfer, _ result: Result<HTTPResponse, HTTPClientError>) {
        guard !transfer.finished else { return }
        transfer.finished = true
        transfer.completion(result)
    }

    private func classify(_ code: CURLcode, transfer: Transfer, detail: String) -> HTTPClientError {
        let kind: HTTPClientError.Kind
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            kind = .dns
        case CURLE_COULDNT_CONNECT:
            kind = .refused
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED:
            kind = .tls
        case CURLE_WRITE_ERROR where transfer.exceededLimit, CURLE_FILESIZE_EXCEEDED:
            kind = .responseTooLarge
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2,
             CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY:
            kind = .connectionLost
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            kind = .invalidRequest
        default:
            kind = .other
        }
        let summary = String(cString: curl_easy_strerror(code))
        let message = detail.isEmpty ? summary : detail
        return HTTPClientError(kind: kind, message: HTTPRequest.redact(message), url: transfer.request.redactedURL,
                               curlCode: Int(code.rawValue))
    }
}

/// Holds an `HTTPTask` for the async `execute`, so a cancellation that races
/// the start still reaches it. Sendable through its mutex.
private final class TaskBox: Sendable {
    private let state = Mutex<(task: HTTPTask?, cancelled: Bool)>((nil, false))

    func set(_ task: HTTPTask) {
        let cancelNow = state.withLock { state in
            state.task = task
            return state.cancelled
        }
        if cancelNow { task.cancel() }
    }

    func cancel() {
        let task = state.withLock { state in
            state.cancelled = true
            return state.task
        }
        task?.cancel()
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so a tiny positive timeout never becomes 0 (no timeout).
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        let millis = Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
        return max(1, millis)
    }
}

import Foundation
import HeraldHTTP
import Synchronization
import Testing
@testable import HeraldChannels

/// The client against a real loopback server (HeraldHTTP on libmicrohttpd).
@Suite struct HTTPClientTests {
    let client: HTTPClient

    init() throws {
        client = try HTTPClient(configuration: HTTPClient.Configuration(proxy: ""))
    }

    @Test func postsABodyWithHeadersAndReadsTheAnswer() async throws {
        try await withTestServer(handler: { request, responder in
            let echo = "\(request.method) \(request.path) q=\(request.queryValue("q") ?? "-") "
                + "type=\(request.header("content-type") ?? "-") body=\(request.text)"
            responder.respond(HTTPServerResponse(status: 201, headers: [HTTPField("X-Herald-Test", "是的")],
                                                 body: Array(echo.utf8)))
        }) { server in
            defer { client.shutdown() }
            let request = HTTPRequest(method: .post, url: "http://127.0.0.1:\(server.port)/send?q=%E9%80%9A%E7%9F%A5",
                                      headers: [HTTPHeader("Content-Type", "application/json")],
                                      text: #"{"text":"明天更换灭火器"}"#)
            let response = try await client.execute(request)
            #expect(response.status == 201)
            #expect(response.text == #"POST /send q=通知 type=application/json body={"text":"明天更换灭火器"}"#)
            #expect(response.header("x-herald-test") == "是的")
            #expect(response.headers.contains { $0.name.lowercased() == "content-length" })
            #expect(response.httpVersion == "HTTP/1.1")
        }
    }

    @Test(arguments: [HTTPMethod.get, .put, .delete])
    func sendsEveryMethodAndNoStaleBodyOnAReusedHandle(method: HTTPMethod) async throws {
        try await withTestServer(handler: { request, responder in
            responder.respond(.text(200, "\(request.method):\(request.body.count)"))
        }) { server in
            defer { client.shutdown() }
            let url = "http://127.0.0.1:\(server.port)/"
            // A POST first, so the pooled handle has a body set that must not leak.
            _ = try await client.execute(HTTPRequest(method: .post, url: url, text: "first"))
            let response = try await client.execute(HTTPRequest(method: method, url: url))
            #expect(response.text == "\(method.rawValue):0")
        }
    }

    @Test func keepsConnectionsAlive() async throws {
        try await withTestServer(handler: { _, responder in responder.respond(.text(200, "ok")) }) { server in
            defer { client.shutdown() }
            var opened = 0
            for _ in 0..<20 {
                let response = try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(server.port)/"))
                opened += response.connectionsOpened
            }
            #expect(opened == 1)
        }
    }

    @Test func runsManyRequestsConcurrently() async throws {
        try await withTestServer(handler: { request, responder in
            let id = request.queryValue("id") ?? "?"
            // Answer later and out of order, from another thread.
            laterQueue.asyncAfter(deadline: .now() + .milliseconds(Int(id.hashValue & 7))) {
                responder.respond(.text(200, id))
            }
        }) { server in
            defer { client.shutdown() }
            let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for id in 0..<300 {
                    group.addTask {
                        let response = try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(server.port)/?id=\(id)"))
                        return (id, response.text)
                    }
                }
                return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
            }
            #expect(answers.count == 300)
            #expect(answers.allSatisfy { String($0.key) == $0.value })
        }
    }

    @Test func aSilentServerTimesOut() async throws {
        let held = Mutex<[HTTPServerResponder]>([])
        try await withTestServer(handler: { _, responder in held.withLock { $0.append(responder) } }) { server in
            defer { client.shutdown() }
            let request = HTTPRequest(url: "http://127.0.0.1:\(server.port)/slow", timeout: .milliseconds(200))
            let error = await #expect(throws: HTTPClientError.self) { try await client.execute(request) }
            #expect(error?.kind == .timeout)
            #expect(error?.mayHaveBeenSent == true)
            held.withLock { $0.forEach { $0.respond(.empty(204)) } }
        }
    }

    @Test func nothingListeningIsRefused() async throws {
        let port = try unusedLoopbackPort()
        defer { client.shutdown() }
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
        }
        #expect(error?.kind == .refused)
        #expect(error?.mayHaveBeenSent == false)
    }

    @Test func anUnknownHostIsADNSFailure() async throws {
        defer { client.shutdown() }
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: "http://gateway.herald-test.invalid/", connectTimeout: .seconds(5)))
        }
        // A resolver that cannot be reached at all shows up as a resolve timeout.
        let resolveTimeout = error?.kind == .timeout && (error?.message.contains("esolv") ?? false)
        #expect(error?.kind == .dns || resolveTimeout)
    }

    @Test func tlsToAPlainHTTPServerFails() async throws {
        try await withTestServer(handler: { _, responder in responder.respond(.text(200, "plain")) }) { server in
            defer { client.shutdown() }
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: "https://127.0.0.1:\(server.port)/"))
            }
            #expect(error?.kind == .tls)
        }
    }

    @Test func aDroppedConnectionIsConnectionLost() async throws {
        try await withTestServer(handler: { _, responder in responder.respond(.dropConnection) }) { server in
            defer { client.shutdown() }
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(method: .post, url: "http://127.0.0.1:\(server.port)/", text: "x"))
            }
            #expect(error?.kind == .connectionLost)
            #expect(error?.mayHaveBeenSent == true)
        }
    }

    @Test func anOversizedResponseIsCut() async throws {
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 256 * 1024)
        try await withTestServer(handler: { _, responder in
            responder.respond(HTTPServerResponse(status: 200, body: big))
        }) { server in
            defer { client.shutdown() }
            var request = HTTPRequest(url: "http://127.0.0.1:\(server.port)/big")
            request.maxResponseBytes = 4096
            let error = await #expect(throws: HTTPClientError.self) { try await client.execute(request) }
            #expect(error?.kind == .responseTooLarge)
            request.maxResponseBytes = big.count
            let whole = try await client.execute(request)
            #expect(whole.body.count == big.count)
        }
    }

    @Test func cancellingStopsTheExchange() async throws {
        let held = Mutex<[HTTPServerResponder]>([])
        let arrived = DispatchSemaphore(value: 0)
        try await withTestServer(handler: { _, responder in
            held.withLock { $0.append(responder) }
            arrived.signal()
        }) { server in
            defer { client.shutdown() }
            let outcome = Mutex<Result<HTTPResponse, HTTPClientError>?>(nil)
            let finished = DispatchSemaphore(value: 0)
            let task = client.execute(HTTPRequest(url: "http://127.0.0.1:\(server.port)/", timeout: .seconds(30))) { result in
                outcome.withLock { $0 = result }
                finished.signal()
            }
            arrived.wait()
            task.cancel()
            task.cancel()
            finished.wait()
            #expect(task.isCancelled)
            guard case .failure(let error)? = outcome.withLock({ $0 }) else {
                Issue.record("a cancelled request must fail")
                return
            }
            #expect(error.kind == .cancelled)
            held.withLock { $0.forEach { $0.respond(.empty(204)) } }
        }
    }

    @Test func shutdownFailsWhatIsPendingAndRefusesNewWork() async throws {
        let held = Mutex<[HTTPServerResponder]>([])
        let arrived = DispatchSemaphore(value: 0)
        try await withTestServer(handler: { _, responder in
            held.withLock { $0.append(responder) }
            arrived.signal()
        }) { server in
            let kinds = Mutex<[HTTPClientError.Kind]>([])
            let finished = DispatchSemaphore(value: 0)
            client.execute(HTTPRequest(url: "http://127.0.0.1:\(server.port)/", timeout: .seconds(30))) { result in
                if case .failure(let error) = result { kinds.withLock { $0.append(error.kind) } }
                finished.signal()
            }
            arrived.wait()
            client.shutdown()
            client.shutdown()
            finished.wait()
            client.execute(HTTPRequest(url: "http://127.0.0.1:\(server.port)/")) { result in
                if case .failure(let error) = result { kinds.withLock { $0.append(error.kind) } }
                finished.signal()
            }
            finished.wait()
            #expect(kinds.withLock { $0 } == [.cancelled, .cancelled])
            held.withLock { $0.forEach { $0.respond(.empty(204)) } }
        }
    }

    @Test func retryAfterComesThroughFromARealAnswer() async throws {
        try await withTestServer(handler: { _, responder in
            responder.respond(HTTPServerResponse(status: 429, headers: [HTTPField("Retry-After", "7")],
                                                 body: Array("slow down".utf8)))
        }) { server in
            defer { client.shutdown() }
            let response = try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(server.port)/"))
            #expect(response.status == 429)
            #expect(response.retryAfter() == .seconds(7))
        }
    }

    @Test func rejectsNonHTTPURLsWithoutSending() async throws {
        defer { client.shutdown() }
        for url in ["file:///etc/passwd", "ftp://127.0.0.1/", "not a url"] {
            let error = await #expect(throws: HTTPClientError.self) { try await client.execute(HTTPRequest(url: url)) }
            #expect(error?.kind == .invalidRequest)
        }
    }

    @Test func errorsNeverCarryTheQueryString() async throws {
        let port = try unusedLoopbackPort()
        defer { client.shutdown() }
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/cgi-bin/sendsms?password=hunter2&to=13800000001"))
        }
        let printed = "\(error.map { "\($0)" } ?? "")"
        #expect(!printed.contains("hunter2"))
        #expect(!printed.contains("13800000001"))
    }
}

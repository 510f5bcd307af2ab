import Dispatch
import Foundation
import HeraldHTTP
import Testing

@Suite struct HTTPServerTests {
    @Test func getDecodesPercentEncodedUTF8QueryValues() throws {
        let seen = Locked<HTTPServerRequest?>(nil)
        let server = try HTTPServer(configuration: loopbackConfiguration()) { request, responder in
            seen.withValue { $0 = request }
            responder.respond(.text(200, request.queryValue("name") ?? "-"))
        }
        let client = try LoopbackClient(port: server.port)
        // name=张三, note="a b&c", a repeated key and a bare key.
        let response = try #require(try client.request(
            "GET", "/residents/lookup?name=%E5%BC%A0%E4%B8%89&note=a+b%26c&tag=x&tag=y&flag"))

        #expect(response.status == 200)
        #expect(response.text == "张三")
        #expect(response.header("content-type") == "text/plain; charset=utf-8")
        let request = try #require(seen.current)
        #expect(request.method == "GET")
        #expect(request.path == "/residents/lookup")
        #expect(request.queryValue("note") == "a b&c")
        #expect(request.queryValues("tag") == ["x", "y"])
        #expect(request.queryValue("flag") == "")
        #expect(request.queryValue("missing") == nil)
        #expect(request.remoteAddress == "127.0.0.1")
        #expect(request.version == "HTTP/1.1")
    }

    @Test func postBodyArrivesWholeAndEchoes() throws {
        let server = try HTTPServer(configuration: loopbackConfiguration()) { request, responder in
            responder.respond(HTTPServerResponse(status: 201, headers: [HTTPField("X-Length", "\(request.body.count)")],
                                                 body: request.body))
        }
        let client = try LoopbackClient(port: server.port)
        // Larger than one socket read, and not valid UTF-8.
        let body = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let response = try #require(try client.request("POST", "/echo", body: body))

        #expect(response.status == 201)
        #expect(response.header("X-Length") == "200000")
        #expect(response.body == body)
    }

    @Test func formBodyDecodesPlusAsSpace() throws {
        let server = try HTTPServer(configuration: loopbackConfiguration()) { request, responder in
            responder.respond(.text(200, "\(request.formValue("text") ?? "-")|\(request.formValue("to") ?? "-")"))
        }
        let client = try LoopbackClient(port: server.port)
        let response = try #require(try client.request(
            "POST", "/cgi-bin/sendsms", headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array("to=%2B8613800138000&text=%E5%81%9C%E6%B0%B4+notice".utf8)))

        #expect(response.text == "停水 notice|+8613800138000")
    }

    @Test func headerLookupIgnoresCase() throws {
        let server = try HTTPServer(configuration: loopbackConfiguration()) { request, responder in
            responder.respond(HTTPServerResponse(
                status: 200, headers: [HTTPField("X-Echo", request.header("x-herald-TRACE") ?? "-")]))
        }
        let client = try LoopbackClient(port: server.port)
        let response = try #require(try client.request("GET", "/", headers: [("X-Herald-Trace", "abc123")]))

        #expect(response.header("x-echo") == "abc123")
        #expect(response.body.isEmpty)
    }

    @Test func handlerMayAnswerLaterFromAnotherQueue() throws {
        let server = try HTTPServer(configuration: loopbackConfiguration()) { request, responder in
            answerQueue.asyncAfter(deadline: .now() + .milliseconds(5)) {
                responder.respond(.text(202, "later \(request.path)"))
            }
        }
        let client = try LoopbackClient(port: server.port)
        let first = try #require(try client.request("GET", "/one"))
        let second = try #require(try client.request("GET", "/two"))

        #expect(first.status == 202)
        #expect(first.text == "later /one")
        #expect(second.text == "later /two")
    }

    /// With one libmicrohttpd thread, a request waiting for its answer must
    /// not hold that thread: a second request is served meanwhile, and it is
    /// the one that releases the first.
    @Test func waitingRequestDoesNotHoldTheOnlyThread() throws {
        let parked = Locked<HTTPServerResponder?>(nil)
        let isParked = DispatchSemaphore(value: 0)
        let server = try HTTPServer(configuration: loopbackConfiguration(threads: 1)) { request, responder in
            if request.path == "/hold" {
                parked.withValue { $0 = responder }
                isParked.signal()
            } else {
                parked.withValue { $0 }?.respond(.text(200, "released"))
                responder.respond(.text(200, "releaser"))
            }
        }
        let holder = try LoopbackClient(port: server.port)
        try holder.sendRequest("GET", "/hold")
        #expect(isParked.wait(timeout: .now() + 10) == .success)

        let releaser = try LoopbackClient(port: server.port)
        #expect(try releaser.request("GET", "/release")?.text == "releaser")
        #expect(try holder.readResponse()?.text == "released")
    }

    @Test func declaredOversizeBodyGets413WithoutSendingIt() throws {
        let handled = Locked(0)
        let server = try HTTPServer(configuration: loopbackConfiguration(maxBodyBytes: 1024)) { _, responder in
            handled.withValue { $0 += 1 }
            responder.respond(.empty(204))
        }
        let client = try LoopbackClient(port: server.port)
        // Only the head: the server must answer without waiting for the body.
        try client.write("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000000\r\n\r\n")
        let response = try #require(try client.readResponse())

        #expect(response.status == 413)
        #expect(response.text.contains(#""code":"body_too_large""#))
        #expect(try client.isClosedByPeer())
        #expect(handled.current == 0)
    }

    @Test func bodyAtTheLimitIsAccepted() throws {
        let server = try HTTPServer(configuration: loopbackConfiguration(maxBodyBytes: 1024)) { request, responder in
            responder.respond(.text(200, "\(request.body.count)"))
        }
        let client = try LoopbackClient(port: server.port)
        #expect(try client.request("POST", "/upload", body: [UInt8](repeating: 65, count: 1024))?.text == "1024")
    }

    @Test func chunkedOversizeBodyGets413AfterItEnds() throws {
        let server = try HTTPServer(configuration: loopbackConfiguration(maxBodyBytes: 1024)) { _, responder in
            responder.respond(.empty(204))
        }
        let client = try LoopbackClient(port: server.port)
        let chunk = String(repeating: "x", count: 800)
        try client.write("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "320\r\n\(chunk)\r\n320\r\n\(chunk)\r\n0\r\n\r\n")

        #expect(try client.readResponse()?.status == 413)
    }

    @Test func keepAliveServesTwoRequestsOnOneConnection() throws {
        let server = try HTTPServer(configuration: loopbackConfiguration()) { request, responder in
            responder.respond(.text(200, request.path))
        }
        let client = try LoopbackClient(port: server.port)
        let first = try #require(try client.request("GET", "/first"))
        let second = try #require(try client.request("POST", "/second", body: Array("x".utf8)))

        #expect(first.text == "/first")
        #expect(first.header("Connection")?.lowercased() != "close")
        #expect(second.text == "/second")
    }

    @Test func dropConnectionClosesWithoutResponse() throws {
        let server = try HTTPServer(configuration: loopbackConfiguration()) { request, responder in
            if request.path == "/later" {
                answerQueue.async { responder.respond(.dropConnection) }
            } else {
                responder.respond(.dropConnection)
            }
        }
        #expect(try LoopbackClient(port: server.port).request("GET", "/now") == nil)
        #expect(try LoopbackClient(port: server.port).request("GET", "/later") == nil)
    }

    @Test func handlerThatNeverAnswersGets500() throws {
        let server = try HTTPServer(configuration: loopbackConfiguration()) { _, _ in }
        let response = try #require(try LoopbackClient(port: server.port).request("GET", "/"))

        #expect(response.status == 500)
        #expect(response.text.contains(#""code":"no_response""#))
    }

    @Test func onlyTheFirstAnswerCounts() throws {
        let server = try HTTPServer(configuration: loopbackConfiguration()) { _, responder in
            responder.respond(.text(200, "first"))
            responder.respond(.text(500, "second"))
        }
        let client = try LoopbackClient(port: server.port)
        #expect(try client.request("GET", "/")?.text == "first")
        #expect(try client.request("GET", "/")?.text == "first")
    }

    @Test func headerWithLineBreakIsLeftOut() throws {
        let server = try HTTPServer(configuration: loopbackConfiguration()) { _, responder in
            responder.respond(HTTPServerResponse(status: 200, headers: [HTTPField("X-Bad", "a\r\nX-Injected: 1"),
                                                                       HTTPField("X-Good", "yes")]))
        }
        let response = try #require(try LoopbackClient(port: server.port).request("GET", "/"))

        #expect(response.status == 200)
        #expect(response.header("X-Injected") == nil)
        #expect(response.header("X-Good") == "yes")
    }

    @Test func stopIsIdempotentAndFreesThePort() throws {
        let first = try HTTPServer(configuration: loopbackConfiguration()) { _, responder in
            responder.respond(.text(200, "first"))
        }
        let port = first.port
        #expect(try LoopbackClient(port: port).request("GET", "/")?.text == "first")
        first.stop()
        first.stop()
        #expect(LoopbackClient.isRefused(port: port))

        var configuration = loopbackConfiguration()
        configuration.port = port
        let second = try HTTPServer(configuration: configuration) { _, responder in
            responder.respond(.text(200, "second"))
        }
        #expect(second.port == port)
        #expect(try LoopbackClient(port: port).request("GET", "/")?.text == "second")
    }

    @Test func stopAnswersOrClosesRequestsStillWaiting() throws {
        let parked = Locked<[HTTPServerResponder]>([])
        let isParked = DispatchSemaphore(value: 0)
        let server = try HTTPServer(configuration: loopbackConfiguration()) { _, responder in
            parked.withValue { $0.append(responder) }
            isParked.signal()
        }
        let client = try LoopbackClient(port: server.port)
        try client.sendRequest("GET", "/forever")
        #expect(isParked.wait(timeout: .now() + 10) == .success)

        server.stop()
        // libmicrohttpd may close the resumed connection before writing the 503.
        let response = try client.readResponse()
        #expect(response == nil || response?.status == 503)
        parked.withValue { $0.first?.respond(.text(200, "too late")) }
    }

    @Test func portInUseIsAClearError() throws {
        let first = try HTTPServer(configuration: loopbackConfiguration()) { _, responder in
            responder.respond(.empty(204))
        }
        var configuration = loopbackConfiguration()
        configuration.port = first.port

        let error = try #require(throws: HTTPServerError.self) {
            try HTTPServer(configuration: configuration) { _, responder in responder.respond(.empty(204)) }
        }
        #expect(error.code == .addressInUse)
        #expect(error.port == first.port)
        #expect(error.message.contains("127.0.0.1:\(first.port)"))
        #expect(error.message.contains("already in use"))
    }

    @Test func unreadableHostIsAConfigurationError() throws {
        var configuration = loopbackConfiguration()
        configuration.host = "herald.example"
        let error = try #require(throws: HTTPServerError.self) {
            try HTTPServer(configuration: configuration) { _, responder in responder.respond(.empty(204)) }
        }
        #expect(error.code == .invalidConfiguration)
        #expect(error.message.contains("herald.example"))
    }

    @Test func outOfRangeLimitIsAConfigurationError() throws {
        var configuration = loopbackConfiguration()
        configuration.threads = 0
        let error = try #require(throws: HTTPServerError.self) {
            try HTTPServer(configuration: configuration) { _, responder in responder.respond(.empty(204)) }
        }
        #expect(error.code == .invalidConfiguration)
        #expect(error.message.contains("threads"))
    }

    @Test func oversizeHeadersAreRefusedByLibmicrohttpd() throws {
        var configuration = loopbackConfiguration()
        configuration.maxHeaderBytes = 4096
        let server = try HTTPServer(configuration: configuration) { _, responder in
            responder.respond(.empty(204))
        }
        let client = try LoopbackClient(port: server.port)
        let response = try client.request("GET", "/", headers: [("X-Padding", String(repeating: "p", count: 8000))])

        // libmicrohttpd answers 431 (some versions close instead).
        #expect(response == nil || response?.status == 431)
    }

    @Test func manyConcurrentRequestsAreAllAnswered() throws {
        let server = try HTTPServer(configuration: loopbackConfiguration(threads: 4)) { request, responder in
            if request.queryValue("async") == "1" {
                answerQueue.async { responder.respond(.text(200, request.queryValue("id") ?? "")) }
            } else {
                responder.respond(.text(200, request.queryValue("id") ?? ""))
            }
        }
        let port = server.port
        let failures = Locked<[String]>([])
        let answered = Locked(0)
        // Client threads of their own: blocking GCD's pool with them would
        // starve the handler's answerQueue answers.
        let done = DispatchGroup()
        for worker in 0..<8 {
            done.enter()
            Thread {
                defer { done.leave() }
                for index in 0..<25 {
                    let id = "\(worker)-\(index)"
                    do {
                        let client = try LoopbackClient(port: port)
                        let response = try client.request("GET", "/n?id=\(id)&async=\(index % 2)")
                        if response?.status == 200, response?.text == id {
                            answered.withValue { $0 += 1 }
                        } else {
                            failures.withValue { $0.append("\(id): \(String(describing: response?.status))") }
                        }
                    } catch {
                        failures.withValue { $0.append("\(id): \(error)") }
                    }
                }
            }.start()
        }
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(failures.current == [])
        #expect(answered.current == 200)
    }
}

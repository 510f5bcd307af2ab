import Foundation
import HeraldHTTP
import Testing

@Suite struct HTTPRouterTests {
    private static func router() -> HTTPRouter {
        var router = HTTPRouter()
        router.get("/v1/broadcasts/{id}") { request, responder in
            responder.respond(.text(200, "broadcast \(request.pathParameter("id") ?? "-")"))
        }
        router.post("/v1/broadcasts") { _, responder in
            responder.respond(.text(201, "created"))
        }
        router.get("/v1/residents/{resident}/deliveries/{delivery}") { request, responder in
            responder.respond(.text(200, "\(request.pathParameters["resident"] ?? "-")/\(request.pathParameters["delivery"] ?? "-")"))
        }
        return router
    }

    /// Routes a request without a server and returns the answer.
    private func route(_ method: String, _ path: String) -> HTTPServerResponse? {
        let answer = Locked<HTTPServerResponse?>(nil)
        HTTPRouterTests.router().handle(HTTPServerRequest(method: method, path: path),
                                        HTTPServerResponder { response in answer.withValue { $0 = response } })
        return answer.current
    }

    private struct ErrorBody: Decodable {
        struct Detail: Decodable { var code: String; var message: String }
        var error: Detail
    }

    @Test func pathParametersReachTheHandler() throws {
        #expect(route("GET", "/v1/broadcasts/42")?.body == Array("broadcast 42".utf8))
        #expect(route("GET", "/v1/residents/r7/deliveries/d9")?.body == Array("r7/d9".utf8))
        #expect(route("GET", "/v1/broadcasts/42/")?.status == 200)
    }

    @Test func unknownPathIs404InHeraldsErrorShape() throws {
        let response = try #require(route("GET", "/v1/nothing"))
        #expect(response.status == 404)
        #expect(response.header("Content-Type") == "application/json")
        let body = try JSONDecoder().decode(ErrorBody.self, from: Data(response.body))
        #expect(body.error.code == "not_found")
        #expect(body.error.message.contains("/v1/nothing"))
    }

    @Test func wrongMethodIs405WithAllow() throws {
        let response = try #require(route("DELETE", "/v1/broadcasts"))
        #expect(response.status == 405)
        #expect(response.header("Allow") == "POST")
        let body = try JSONDecoder().decode(ErrorBody.self, from: Data(response.body))
        #expect(body.error.code == "method_not_allowed")
    }

    @Test func headFallsBackToGet() throws {
        #expect(route("HEAD", "/v1/broadcasts/1")?.status == 200)
    }

    @Test func routesThroughARunningServer() throws {
        let server = try HTTPServer(configuration: loopbackConfiguration(), handler: HTTPRouterTests.router().handler)
        let client = try LoopbackClient(port: server.port)

        #expect(try client.request("GET", "/v1/broadcasts/%E9%80%9A%E7%9F%A5")?.text == "broadcast 通知")
        #expect(try client.request("POST", "/v1/broadcasts", body: Array("{}".utf8))?.status == 201)
        let missing = try #require(try client.request("GET", "/nowhere"))
        #expect(missing.status == 404)
        #expect(missing.text == #"{"error":{"code":"not_found","message":"no resource at /nowhere"}}"#)
        let wrong = try #require(try client.request("PUT", "/v1/broadcasts/1", body: Array("{}".utf8)))
        #expect(wrong.status == 405)
        #expect(wrong.header("allow") == "GET")
        let head = try #require(try client.request("HEAD", "/v1/broadcasts/1"))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
    }
}

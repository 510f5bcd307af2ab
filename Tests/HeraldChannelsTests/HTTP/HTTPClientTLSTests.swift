import Testing
@testable import HeraldChannels

/// TLS verification, a configured CA bundle and HTTP/2 negotiation, against
/// nginx with a throwaway CA.
@Suite(.serialized) struct HTTPClientTLSTests {
    @Test func verifiesAgainstTheConfiguredCABundleAndSpeaksHTTP2() async throws {
        guard let server = try TLSTestServer.start() else { return }
        let url = "https://127.0.0.1:\(server.port)/"

        let trusting = try HTTPClient(configuration: .init(caBundlePath: server.caPath, proxy: ""))
        defer { trusting.shutdown() }
        let response = try await trusting.execute(HTTPRequest(method: .post, url: url, text: "{}"))
        #expect(response.status == 200)
        #expect(response.text == #"{"code":"OK"}"#)
        #expect(response.httpVersion == "HTTP/2")

        let http1 = try HTTPClient(configuration: .init(caBundlePath: server.caPath, http2: false, proxy: ""))
        defer { http1.shutdown() }
        #expect(try await http1.execute(HTTPRequest(url: url)).httpVersion == "HTTP/1.1")
    }

    @Test func refusesACertificateItCannotVerify() async throws {
        guard let server = try TLSTestServer.start() else { return }
        // The system CA bundle does not know the throwaway CA.
        let client = try HTTPClient(configuration: .init(caBundlePath: nil, proxy: ""))
        defer { client.shutdown() }
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: "https://127.0.0.1:\(server.port)/"))
        }
        #expect(error?.kind == .tls)
    }
}

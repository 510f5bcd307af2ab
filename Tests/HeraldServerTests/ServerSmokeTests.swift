import Testing
@testable import HeraldServer

@Suite struct ServerSmokeTests {
    @Test func healthzAnswers() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let response = try await harness.request("GET", "/healthz")
        #expect(response.status == 200)
    }
}

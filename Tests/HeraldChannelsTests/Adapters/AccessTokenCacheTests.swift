import Foundation
import HeraldCore
import Synchronization
import Testing
@testable import HeraldChannels

extension AccessTokenCache {
    func token() async -> Result<String, Failure> {
        await withCheckedContinuation { continuation in withToken { continuation.resume(returning: $0) } }
    }
}

@Suite struct AccessTokenCacheTests {
    static func cache(_ transport: FakeTransport, clock: ManualClock,
                      margin: Duration = .seconds(300)) -> AccessTokenCache {
        AccessTokenCache(configuration: .init(endpoint: "http://127.0.0.1:9300/", appID: "wx1234",
                                              appSecret: Secret("s3cret&x"), refreshMargin: margin),
                         transport: transport, clock: clock, logger: silentLogger)
    }

    /// Answers token requests with token-1, token-2, … valid for 7200 s.
    static func issuingTransport() -> FakeTransport {
        let counter = Counter()
        return FakeTransport { _ in
            Fixture.response(200, #"{"access_token":"token-\#(counter.next())","expires_in":7200}"#)
        }
    }

    @Test func tokenRequestIsTheDocumentedGet() {
        let request = Self.cache(Self.issuingTransport(), clock: Fixture.clock).tokenRequest()
        #expect(request.method == .get)
        #expect(request.url == "http://127.0.0.1:9300/cgi-bin/token?grant_type=client_credential&appid=wx1234&secret=s3cret%26x")
        #expect(request.redactedURL == "http://127.0.0.1:9300/cgi-bin/token?…")
    }

    @Test func refreshesOnlyWhenLessThanTheMarginRemains() async {
        let clock = Fixture.clock
        let transport = Self.issuingTransport()
        let cache = Self.cache(transport, clock: clock)
        #expect(await cache.token() == .success("token-1"))
        clock.advance(by: 7200 - 300 - 1)  // 301 s left
        #expect(await cache.token() == .success("token-1"))
        #expect(transport.requests.count == 1)
        clock.advance(by: 2)  // 299 s left
        #expect(await cache.token() == .success("token-2"))
        #expect(transport.requests.count == 2)
        clock.advance(by: 7200 - 301)
        #expect(await cache.token() == .success("token-2"))
        clock.advance(by: 7200)  // long expired
        #expect(await cache.token() == .success("token-3"))
    }

    @Test func theMarginIsConfigurable() async {
        let clock = Fixture.clock
        let transport = Self.issuingTransport()
        let cache = Self.cache(transport, clock: clock, margin: .seconds(3600))
        #expect(await cache.token() == .success("token-1"))
        clock.advance(by: 3599)
        #expect(await cache.token() == .success("token-1"))
        clock.advance(by: 2)
        #expect(await cache.token() == .success("token-2"))
    }

    @Test func concurrentCallersShareOneRefresh() async {
        let transport = FakeTransport { _ in nil }  // hold the token request
        let cache = Self.cache(transport, clock: Fixture.clock)
        let results = Mutex<[Result<String, AccessTokenCache.Failure>]>([])
        // 64 callers on real threads at once; withToken returns at once, so
        // when concurrentPerform returns every caller is waiting.
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            cache.withToken { result in results.withLock { $0.append(result) } }
        }
        #expect(transport.requests.count == 1)
        #expect(transport.heldCount == 1)
        #expect(results.withLock { $0.isEmpty })
        transport.releaseHeld { _ in Fixture.response(200, #"{"access_token":"shared","expires_in":7200}"#) }
        let all = results.withLock { $0 }
        #expect(all.count == 64)
        #expect(all.allSatisfy { $0 == .success("shared") })
        // And later callers use the cached token.
        #expect(await cache.token() == .success("shared"))
        #expect(transport.requests.count == 1)
    }

    @Test func aFailedRefreshFailsEveryWaiterAndTheNextCallTriesAgain() async {
        let answers = Mutex([
            Fixture.response(200, #"{"errcode":40013,"errmsg":"invalid appid"}"#),
            Fixture.response(200, #"{"access_token":"fresh","expires_in":7200}"#),
        ])
        let transport = FakeTransport { _ in nil }
        let cache = Self.cache(transport, clock: Fixture.clock)
        let results = Mutex<[Result<String, AccessTokenCache.Failure>]>([])
        for _ in 0..<3 { cache.withToken { result in results.withLock { $0.append(result) } } }
        transport.releaseHeld { _ in answers.withLock { $0.removeFirst() } }
        let failed = results.withLock { $0 }
        #expect(failed.count == 3)
        for result in failed {
            guard case .failure(let failure) = result else {
                Issue.record("expected a failure, got \(result)")
                continue
            }
            #expect(failure.outcome.verdict == .gatewayFailure)
            #expect(failure.outcome.reason.contains("40013"))
        }
        let next = Task { await cache.token() }
        while transport.heldCount == 0 { await Task.yield() }
        transport.releaseHeld { _ in answers.withLock { $0.removeFirst() } }
        #expect(await next.value == .success("fresh"))
        #expect(transport.requests.count == 2)
    }

    @Test(arguments: [
        (Fixture.response(200, #"{"errcode":40125,"errmsg":"invalid appsecret"}"#), OutcomeTable.Verdict.gatewayFailure),
        (Fixture.response(200, #"{"errcode":40013,"errmsg":"invalid appid"}"#), .gatewayFailure),
        (Fixture.response(200, #"{"errcode":40164,"errmsg":"invalid ip"}"#), .gatewayFailure),
        (Fixture.response(200, #"{"errcode":-1,"errmsg":"system error"}"#), .retry),
        (Fixture.response(200, #"{"errcode":45009,"errmsg":"reach max api daily quota limit"}"#), .rateLimited),
        (Fixture.response(503, "busy"), .retry),
        (Fixture.response(200, #"{"errcode":0,"errmsg":"ok"}"#), .retry),
        (Fixture.response(200, "not json"), .retry),
        (Fixture.failure(.timeout), .retry),
        (Fixture.failure(.refused), .retry),
    ])
    func refreshFailures(answer: Result<HTTPResponse, HTTPClientError>, verdict: OutcomeTable.Verdict) async {
        let cache = Self.cache(FakeTransport(answer: answer), clock: Fixture.clock)
        guard case .failure(let failure) = await cache.token() else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.outcome.verdict == verdict, "\(failure.outcome)")
        #expect(!failure.outcome.reason.contains("s3cret"))
    }

    @Test func tokenTableRows() {
        expectTable(AccessTokenCache.tokenTable, hasExactly: [
            ExpectedRow("0", .accepted), ExpectedRow("-1", .retry),
            ExpectedRow("40001", .gatewayFailure), ExpectedRow("40002", .gatewayFailure),
            ExpectedRow("40013", .gatewayFailure), ExpectedRow("40125", .gatewayFailure),
            ExpectedRow("40164", .gatewayFailure), ExpectedRow("40243", .gatewayFailure),
            ExpectedRow("41004", .gatewayFailure),
            ExpectedRow("45009", .rateLimited, delay: .seconds(3600)),
            ExpectedRow("45011", .rateLimited, delay: .seconds(60)),
        ])
    }

    @Test func invalidateDropsOnlyTheRejectedToken() async {
        let transport = Self.issuingTransport()
        let cache = Self.cache(transport, clock: Fixture.clock)
        #expect(await cache.token() == .success("token-1"))
        cache.invalidate("token-1")
        #expect(await cache.token() == .success("token-2"))
        // A sender still holding token-1 reports it stale after token-2 replaced it: keep token-2.
        cache.invalidate("token-1")
        #expect(await cache.token() == .success("token-2"))
        #expect(transport.requests.count == 2)
    }
}

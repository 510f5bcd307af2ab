import Foundation
import HeraldChannels
import HeraldCore
import Synchronization

extension BenchCommand {
    static let httpSpec = CommandSpec(
        path: ["bench", "http"],
        summary: "Measure the HTTP client: N POSTs to a loopback URL at concurrency C",
        discussion: """
            Sends --count POST requests with a small JSON body to --url, keeping
            --concurrency of them in flight on Herald's HTTP client (one libcurl multi
            loop), and prints requests per second and the p50/p99/max latency. Point it
            at nginx (Ops/bench/nginx.conf: `make bench-http`) or at `herald gateway-sim`.
            Build with `swift build -c release` first. Figures: BENCHMARKS.md.
            """,
        options: [
            .value("--url", "URL", "where to send (http://127.0.0.1:PORT/...)"),
            .value("--count", "N", "how many requests", default: "200000"),
            .value("--concurrency", "C", "requests in flight at once", default: "64"),
            .value("--body-bytes", "N", "size of the JSON body", default: "128"),
        ],
        run: { invocation in
            guard let url = invocation.value("--url") else {
                throw CommandFailure(.usage, "--url is required, e.g. --url http://127.0.0.1:8089/")
            }
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw CommandFailure(.usage, "--url must be an http:// or https:// URL; got '\(url)'")
            }
            let count = try invocation.integer("--count") ?? 200_000
            let concurrency = try invocation.integer("--concurrency") ?? 64
            let bodyBytes = try invocation.integer("--body-bytes") ?? 128
            guard count > 0, concurrency > 0, bodyBytes >= 2 else {
                throw CommandFailure(.usage, "--count and --concurrency must be positive, --body-bytes at least 2")
            }
            let result = try HTTPBenchmark(url: url, count: count, concurrency: concurrency, bodyBytes: bodyBytes).run()
            print(result.rendered)
            return result.failures == 0 ? .ok : .unavailable
        })
}

/// The `bench http` workload: a closed loop of `concurrency` requests.
struct HTTPBenchmark {
    let url: String
    let count: Int
    let concurrency: Int
    let bodyBytes: Int

    struct Result {
        var count: Int
        var seconds: Double
        var latencies: [UInt64]
        var statuses: [Int: Int]
        var errors: [String: Int]
        /// Requests that did not get a 2xx answer.
        var failures: Int { count - statuses.filter { (200..<300).contains($0.key) }.values.reduce(0, +) }

        var rendered: String {
            let sorted = latencies.sorted()
            func percentile(_ p: Double) -> String {
                guard !sorted.isEmpty else { return "-" }
                let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
                return String(format: "%.2f ms", Double(sorted[max(0, index)]) / 1_000_000)
            }
            var lines = [
                "requests:     \(count)",
                String(format: "throughput:   %.0f requests/s  (%.2f s)", Double(count) / seconds, seconds),
                "latency:      p50 \(percentile(0.50))  p99 \(percentile(0.99))  max \(percentile(1.0))",
                "statuses:     " + statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "),
            ]
            if !errors.isEmpty {
                lines.append("errors:       " + errors.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "))
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Completion-side counters; a mutex makes them safe to touch from the
    /// starting thread and the client's event-loop thread.
    private struct Tally {
        var started = 0
        var finished = 0
        var latencies: [UInt64] = []
        var statuses: [Int: Int] = [:]
        var errors: [String: Int] = [:]
    }

    func run() throws -> Result {
        let client: HTTPClient
        do {
            client = try HTTPClient()
        } catch {
            throw CommandFailure(.software, "cannot start the HTTP client: \(error)")
        }
        defer { client.shutdown() }
        let payload = "{\"bench\":\"" + String(repeating: "x", count: max(0, bodyBytes - 12)) + "\"}"
        let request = HTTPRequest(method: .post, url: url,
                                  headers: [HTTPHeader("Content-Type", "application/json")],
                                  body: Array(payload.utf8), timeout: .seconds(30))
        let count = self.count
        let tally = Mutex(Tally())
        tally.withLock { $0.latencies.reserveCapacity(count) }
        let done = DispatchSemaphore(value: 0)

        /// Starts one request if any are left; each completion starts the next.
        @Sendable func launch() {
            let go = tally.withLock { tally in
                guard tally.started < count else { return false }
                tally.started += 1
                return true
            }
            guard go else { return }
            let start = DispatchTime.now().uptimeNanoseconds
            client.execute(request) { result in
                let elapsed = DispatchTime.now().uptimeNanoseconds - start
                let last = tally.withLock { tally in
                    tally.latencies.append(elapsed)
                    switch result {
                    case .success(let response): tally.statuses[response.status, default: 0] += 1
                    case .failure(let error): tally.errors[error.kind.rawValue, default: 0] += 1
                    }
                    tally.finished += 1
                    return tally.finished == count
                }
                if last { done.signal() } else { launch() }
            }
        }

        let begin = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<min(concurrency, count) { launch() }
        done.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
        return tally.withLock { Result(count: count, seconds: seconds, latencies: $0.latencies, statuses: $0.statuses,
                                       errors: $0.errors) }
    }
}

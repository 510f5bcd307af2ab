import Foundation
import Testing

/// Fan-out streams: memory does not grow with the audience. Run as its own
/// process (`herald bench fanout`) so the peak resident memory is fan-out's
/// alone, not the test runner's.
@Suite struct FanoutMemoryTests {
    @Test func fanningOutToAHundredThousandResidentsStaysUnder100MB() throws {
        let result = try HeraldProcess.run(["bench", "fanout", "--residents", "100000"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("deliveries:  100000 queued"))
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("peak RSS:") })
        let megabytes = try #require(Double(line.split(separator: " ").dropFirst(2).first ?? ""))
        #expect(megabytes < 100, "peak RSS \(megabytes) MB")
    }
}

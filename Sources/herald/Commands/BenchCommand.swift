import Foundation
import HeraldCore
import HeraldStore

enum BenchCommand {
    static let queueSpec = CommandSpec(
        path: ["bench", "queue"],
        summary: "Measure the job queue: enqueue, then claim and complete, N jobs",
        discussion: """
            Enqueues --jobs jobs in batches, then claims and completes them all through
            the group committer, and prints jobs per second for each phase and the peak
            resident memory. Build with `swift build -c release` first; debug builds are
            many times slower. Figures and how to reproduce them: BENCHMARKS.md.
            """,
        options: [
            .value("--jobs", "N", "how many jobs", default: "1000000"),
            .value("--batch", "N", "jobs per enqueue transaction", default: "10000"),
            .value("--claim-batch", "N", "jobs per claim", default: "1000"),
            .value("--committees", "N", "committees the jobs belong to, taking turns job by job", default: "50"),
            .value("--db", "PATH", "database to use (default: a new temporary file, removed afterwards)"),
            .flag("--split", "claim everything first, then complete everything, and time each phase"),
        ],
        run: { invocation in
            let jobs = try invocation.integer("--jobs") ?? 1_000_000
            let batch = try invocation.integer("--batch") ?? 10_000
            let claimBatch = try invocation.integer("--claim-batch") ?? 1_000
            let committees = try invocation.integer("--committees") ?? 50
            guard jobs > 0, batch > 0, claimBatch > 0, committees > 0 else {
                throw CommandFailure(.usage, "--jobs, --batch, --claim-batch and --committees must be positive")
            }
            let temporary = invocation.value("--db") == nil
            let path = invocation.value("--db")
                ?? NSTemporaryDirectory() + "herald-bench-\(ProcessInfo.processInfo.processIdentifier).db"
            try DatabaseOption.requireDirectory(of: path)
            defer {
                if temporary {
                    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                }
            }
            let result = try QueueBenchmark(path: path, jobs: jobs, batch: batch, claimBatch: claimBatch,
                                            committees: committees, split: invocation.flag("--split")).run()
            print(result.rendered)
            return .ok
        })
}

/// The `bench queue` workload, kept apart from the command so its phases read plainly.
struct QueueBenchmark {
    let path: String
    let jobs: Int
    let batch: Int
    let claimBatch: Int
    var committees = 50
    var split = false
    let queueName = "bench"

    struct Result {
        var jobs: Int
        var enqueueSeconds: Double
        var drainSeconds: Double
        /// With --split: claim-only and complete-only seconds.
        var phases: (claim: Double, complete: Double)?
        var peakRSSBytes: Int
        var report: CompletionReport

        var rendered: String {
            func rate(_ seconds: Double) -> String {
                String(format: "%9.0f jobs/s  (%.2f s)", Double(jobs) / seconds, seconds)
            }
            var lines = [
                "jobs:            \(jobs)",
                "enqueue:         \(rate(enqueueSeconds))",
                "claim+complete:  \(rate(drainSeconds))",
            ]
            if let phases {
                lines.append("  claim only:    \(rate(phases.claim))")
                lines.append("  complete only: \(rate(phases.complete))")
            }
            lines.append("succeeded:       \(report.succeeded)  stale: \(report.stale)")
            lines.append("peak RSS:        \(String(format: "%.1f", Double(peakRSSBytes) / 1_048_576)) MB")
            return lines.joined(separator: "\n")
        }
    }

    func run() throws -> Result {
        let queue = try JobQueue(path: path)
        let payload = Data(count: 8)

        var start = DispatchTime.now()
        var made = 0
        var next = [NewJob]()
        next.reserveCapacity(batch)
        let enqueueing = TerminalProgress(label: "enqueue", total: jobs)
        defer { enqueueing.finish() }
        while made < jobs {
            next.removeAll(keepingCapacity: true)
            for i in made..<min(jobs, made + batch) {
                var reference = payload
                reference.withUnsafeMutableBytes { $0.storeBytes(of: Int64(i).littleEndian, as: Int64.self) }
                next.append(NewJob(queue: queueName, payload: reference, committee: Int64(i % committees), group: 1))
            }
            try queue.enqueue(next)
            made += next.count
            enqueueing.update(made)
        }
        let enqueueSeconds = seconds(since: start)
        enqueueing.finish()

        if split {
            // Diagnosis: claim everything, then complete everything, timing each.
            var held: [ClaimedJob] = []
            held.reserveCapacity(jobs)
            start = DispatchTime.now()
            while true {
                let claimed = try queue.claim(queue: queueName, limit: claimBatch, leaseFor: 300)
                if claimed.isEmpty { break }
                held += claimed
            }
            let claimSeconds = seconds(since: start)
            start = DispatchTime.now()
            var report = CompletionReport()
            for first in stride(from: 0, to: held.count, by: claimBatch) {
                report += (try queue.complete(
                    held[first..<min(held.count, first + claimBatch)].map { Completion($0.lease, .succeeded) }))
            }
            return Result(jobs: jobs, enqueueSeconds: enqueueSeconds, drainSeconds: claimSeconds + seconds(since: start),
                          phases: (claimSeconds, seconds(since: start)), peakRSSBytes: peakResidentBytes(),
                          report: report)
        }
        start = DispatchTime.now()
        let committer = GroupCommitter(queue: queue, maxDelay: 0.002, maxBatch: 4 * claimBatch)
        let draining = TerminalProgress(label: "claim+complete", total: jobs)
        defer { draining.finish() }
        while true {
            // The worker loop: claim a batch (committing the previous batch's
            // outcomes in the same transaction), "send", hand back outcomes.
            let claimed = try committer.claim(queue: queueName, limit: claimBatch, leaseFor: 300)
            if claimed.isEmpty { break }
            committer.submit(claimed.map { Completion($0.lease, .succeeded) })
            draining.advance(by: claimed.count)
        }
        try committer.flush()
        let drainSeconds = seconds(since: start)

        return Result(jobs: jobs, enqueueSeconds: enqueueSeconds, drainSeconds: drainSeconds, phases: nil,
                      peakRSSBytes: peakResidentBytes(), report: committer.applied)
    }

    private func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

/// The process's peak resident set size.
///
/// Linux: `VmHWM` from /proc/self/status, this program's own high-water
/// mark. `ru_maxrss` is not used there because it survives exec: a bench
/// started by a large parent (a test runner) would report the parent's peak.
func peakResidentBytes() -> Int {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
       let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
       let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
        return kilobytes * 1024
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) * 1024
}

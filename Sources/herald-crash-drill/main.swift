// herald-crash-drill: a worker that dies on purpose, for the queue's crash
// test (Tests/HeraldStoreTests/QueueCrashTests.swift). It is built with the
// tests and never installed.
//
//   herald-crash-drill DB QUEUE BATCH LEASE_SECONDS COMPLETE MODE
//
// Claims BATCH jobs of QUEUE with a lease of LEASE_SECONDS, completes the
// first COMPLETE of them as succeeded in one transaction, prints
// "ready CLAIMED" and then, by MODE:
//   hold   blocks forever, holding the rest of its leases;
//   grind  completes the rest one transaction each, printing "done ID" after
//          each commit, then keeps committing (pausing and resuming a queue
//          of its own), so a SIGKILL always lands in the middle of writes.
import Foundation
import HeraldStore

/// Writes one line straight to the pipe, unbuffered, so the test sees it at once.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let arguments = CommandLine.arguments
guard arguments.count == 7, let batch = Int(arguments[3]), let lease = Double(arguments[4]),
      let completeCount = Int(arguments[5]), ["hold", "grind"].contains(arguments[6]) else {
    FileHandle.standardError.write(Data("usage: herald-crash-drill DB QUEUE BATCH LEASE_SECONDS COMPLETE hold|grind\n".utf8))
    exit(64)
}

do {
    let queue = try JobQueue(path: arguments[1])
    let claimed = try queue.claim(queue: arguments[2], limit: batch, leaseFor: lease)
    try queue.complete(claimed.prefix(completeCount).map { Completion($0.lease, .succeeded) })
    say("ready \(claimed.count)")
    if arguments[6] == "hold" {
        while true { sleep(60) }
    }
    for job in claimed.dropFirst(completeCount) {
        try queue.complete([Completion(job.lease, .succeeded)])
        say("done \(job.id)")
    }
    // Keep writing until killed, so the kill always lands amid commits.
    while true {
        try queue.pause(queue: "drill", reason: "grinding")
        try queue.resume(queue: "drill")
    }
} catch {
    FileHandle.standardError.write(Data("herald-crash-drill: \(error)\n".utf8))
    exit(70)
}

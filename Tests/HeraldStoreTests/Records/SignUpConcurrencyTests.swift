import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

/// Several writer connections to one file, each on its own thread, as several
/// Herald processes would be: SQLite's write lock and the conditional UPDATE
/// are all that stand between them and an over-booked activity.
@Suite struct SignUpConcurrencyTests {
    static let threads = 8

    /// An `ActivityStore` with its own writer connection to `path`.
    static func store(path: String) throws -> ActivityStore {
        var options = Database.Options()
        // Eight connections queue for one write lock; the bound only has to
        // outlast the queue, not detect a hang.
        options.busyTimeout = .seconds(60)
        return ActivityStore(writer: try DatabaseWriter(path: path, options: options),
                             readers: DatabaseReaderPool(path: path, maximum: 1))
    }

    @Test func eightConnectionsRaceForTheLastPlaces() throws {
        let f = try RecordsFixture()
        let committee = try f.committee()
        let activity = try f.activity(committee: committee, capacity: 100)
        let residents = try f.residents(Self.threads * 50, committee: committee)
        let results = Collected<SignUpResult>()
        let failures = Failures()
        let path = f.path
        let activityID = activity.id

        runOnThreads(Self.threads) { thread in
            do {
                let store = try Self.store(path: path)
                return {
                    for resident in residents[(thread * 50)..<((thread + 1) * 50)] {
                        do {
                            results.append(try store.signUp(activity: activityID, resident: resident, source: .smsReply))
                            // Every resident answers twice, as impatient ones do.
                            results.append(try store.signUp(activity: activityID, resident: resident, source: .voiceKey))
                        } catch {
                            failures.record("thread \(thread): \(error)")
                        }
                    }
                }
            } catch {
                failures.record("thread \(thread) could not open: \(error)")
                return {}
            }
        }

        #expect(failures.all.first == nil, "\(failures.all.count) calls failed")
        let all = results.all
        #expect(all.count == residents.count * 2)
        let signedUp = all.filter { if case .signedUp = $0 { true } else { false } }
        #expect(signedUp.count == 100, "exactly the capacity got a place")
        #expect(all.filter { $0 == .signedUp(count: 100, becameFull: true) }.count == 1, "it became full once")
        #expect(Set(signedUp).count == 100, "every count from 1 to 100 was given once")
        #expect(all.filter { $0 == .full }.count + all.filter {
            if case .alreadySignedUp = $0 { true } else { false }
        }.count == all.count - 100)
        let counts = try f.counts(activity: activity.id)
        #expect(counts.stored == 100)
        #expect(counts.active == 100)
        #expect(counts.fullAt != nil)
        let distinct = try f.readers.read { db in
            try db.scalarInt("SELECT count(DISTINCT resident_id) FROM signups WHERE activity_id = ?1 AND state = 1",
                             [activity.id])
        }
        #expect(distinct == 100)
    }

    @Test func concurrentSignUpsAndCancellationsKeepTheCountTrue() throws {
        let f = try RecordsFixture()
        let committee = try f.committee()
        let capacity = 10
        let activity = try f.activity(committee: committee, capacity: capacity)
        let residents = try f.residents(30, committee: committee)
        let results = Collected<String>()
        let failures = Failures()
        let snapshots = Collected<(stored: Int, active: Int)>()
        let finishedWriters = Collected<Int>()
        let path = f.path
        let activityID = activity.id
        let writers = 4

        runOnThreads(writers + 1) { thread in
            if thread == writers {
                // A reader: every snapshot it sees must be consistent.
                return {
                    do {
                        let reader = try Database(path: path, options: .reader)
                        while finishedWriters.count < writers {
                            let counts = try reader.transaction(.deferred) {
                                (Int(try reader.scalarInt("SELECT signed_up FROM activities WHERE id = ?1",
                                                          [activityID]) ?? -1),
                                 Int(try reader.scalarInt(
                                     "SELECT count(*) FROM signups WHERE activity_id = ?1 AND state = 1",
                                     [activityID]) ?? -1))
                            }
                            snapshots.append(counts)
                        }
                    } catch {
                        failures.record("reader: \(error)")
                    }
                }
            }
            do {
                let store = try Self.store(path: path)
                var random = SeededGenerator(seed: UInt64(thread) &+ 0xC0FFEE)
                return {
                    defer { finishedWriters.append(thread) }
                    for _ in 0..<150 {
                        let resident = residents.randomElement(using: &random)!
                        do {
                            if Bool.random(using: &random) {
                                switch try store.signUp(activity: activityID, resident: resident, source: .smsReply) {
                                case .signedUp: results.append("+")
                                default: results.append("=")
                                }
                            } else {
                                switch try store.cancelSignUp(activity: activityID, resident: resident,
                                                              source: .smsReply) {
                                case .cancelled: results.append("-")
                                default: results.append("=")
                                }
                            }
                        } catch {
                            failures.record("thread \(thread): \(error)")
                            results.append("!")
                        }
                    }
                }
            } catch {
                failures.record("thread \(thread) could not open: \(error)")
                return { finishedWriters.append(thread) }
            }
        }

        #expect(failures.all.first == nil, "\(failures.all.count) calls failed")
        let outcomes = results.all
        let net = outcomes.filter { $0 == "+" }.count - outcomes.filter { $0 == "-" }.count
        let counts = try f.counts(activity: activity.id)
        #expect(counts.stored == net)
        #expect(counts.active == net)
        #expect((0...capacity).contains(net))
        #expect(!snapshots.all.isEmpty)
        #expect(snapshots.all.allSatisfy { $0.stored == $0.active && (0...capacity).contains($0.stored) })
    }
}

/// Starts `count` threads; each runs `prepare(index)` (open its connection),
/// waits until all are ready, then runs what `prepare` returned. Returns when all are done.
func runOnThreads(_ count: Int, _ prepare: @escaping @Sendable (Int) -> () -> Void) {
    let ready = DispatchGroup()
    let done = DispatchGroup()
    let start = DispatchSemaphore(value: 0)
    for index in 0..<count {
        ready.enter()
        done.enter()
        let thread = Thread {
            let work = prepare(index)
            ready.leave()
            start.wait()
            work()
            done.leave()
        }
        thread.start()
    }
    ready.wait()
    for _ in 0..<count { start.signal() }
    done.wait()
}

/// Values appended from many threads. `@unchecked Sendable`: guarded by `lock`.
final class Collected<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value] = []
    func append(_ value: Value) { lock.withLock { values.append(value) } }
    var all: [Value] { lock.withLock { values } }
    var count: Int { lock.withLock { values.count } }
}

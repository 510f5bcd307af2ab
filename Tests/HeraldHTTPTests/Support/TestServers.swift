import Dispatch
import HeraldCore
import HeraldHTTP

/// A configuration on a free loopback port, logging nowhere.
func loopbackConfiguration(threads: Int = 2, maxBodyBytes: Int = 1 << 20) -> HTTPServer.Configuration {
    HTTPServer.Configuration(host: "127.0.0.1", port: 0, threads: threads, maxBodyBytes: maxBodyBytes,
                             logger: Logger(label: "http-test", system: LoggingSystem(sink: { _ in })))
}

/// Where handlers answer from when a test wants "later, from another thread".
///
/// A serial queue of its own rather than `DispatchQueue.global()` or a
/// concurrent queue: tests blocked in socket reads occupy GCD's shared pool,
/// and an answer queued there waits (about a second) for the pool to grow;
/// a serial queue always gets a thread.
let answerQueue = DispatchQueue(label: "herald.http-tests.answers")

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Hands SIGINT and SIGTERM to `handler` from a thread of its own that waits
/// in `sigwait(2)`, for the commands that run until they are told to stop
/// (`serve`, `gateway-sim`, `status --watch`).
///
/// The signals are blocked first, on the calling (main) thread, and every
/// thread started later inherits that; Dispatch's worker threads block them
/// already. A signal sent at any moment after `init` therefore stays pending
/// until the waiting thread takes it: none is lost, however soon it comes.
///
/// Why not `DispatchSource.makeSignalSource` behind `signal(SIG_IGN)`: the
/// source is registered asynchronously after `resume()`, and a SIGTERM sent
/// in between (a supervisor or a test that signals as soon as the first line
/// is printed) met an ignored signal and no source: `herald gateway-sim` did
/// not stop.
enum SignalWaiter {
    /// Blocks `signals` and starts the waiting thread, which lives as long
    /// as the process; `handler` is called on it, once per signal, in the
    /// order they are taken.
    static func start(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals { sigaddset(&set, number) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let waited = set
        let thread = Thread {
            var set = waited
            var number: Int32 = 0
            while true {
                if sigwait(&set, &number) == 0 { handler(number) }
            }
        }
        thread.name = "herald.signals"
        thread.start()
    }
}

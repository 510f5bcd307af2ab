import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where log lines go, which are kept, and what time they carry.
///
/// ``shared`` configures every `Logger(label:)`: set its ``minimumLevel``
/// from configuration at start-up, and replace its ``sink`` or ``now`` to
/// redirect lines or fix the clock. A separate instance, passed to
/// `Logger(label:system:)`, keeps a test's lines away from everyone else's.
///
/// A line is one JSON object without a trailing newline:
///
/// ```json
/// {"ts":"2026-12-01T05:00:00.123Z","level":"info","label":"store","msg":"opened","path":"herald.db"}
/// ```
///
/// `ts` is UTC to the nearest millisecond; metadata keys follow `msg` in
/// sorted order. Strings are JSON-escaped; non-ASCII text such as Chinese is
/// written as UTF-8, not as `\u` escapes.
///
/// Sendable: `@unchecked`, because every stored setting is read and written
/// only while holding `lock`; the sink and clock are called after the lock
/// is released, so a slow sink never blocks reconfiguration.
public final class LoggingSystem: @unchecked Sendable {
    /// Receives one complete JSON line, without trailing newline. Called
    /// from whatever thread logged, possibly from several at once.
    public typealias Sink = @Sendable (String) -> Void

    /// The system every `Logger(label:)` uses: level `.info`, lines to
    /// standard error, the wall clock.
    public static let shared = LoggingSystem()

    private let lock = NSLock()
    private var storedMinimumLevel: LogLevel
    private var storedSink: Sink
    private var storedNow: @Sendable () -> Date

    /// A logging system; the defaults are those of ``shared``.
    public init(
        minimumLevel: LogLevel = .info,
        sink: @escaping Sink = LoggingSystem.standardErrorSink,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        storedMinimumLevel = minimumLevel
        storedSink = sink
        storedNow = now
    }

    /// Lines below this level are dropped before their message is built.
    public var minimumLevel: LogLevel {
        get { lock.lock(); defer { lock.unlock() }; return storedMinimumLevel }
        set { lock.lock(); defer { lock.unlock() }; storedMinimumLevel = newValue }
    }

    /// Where finished lines go.
    public var sink: Sink {
        get { lock.lock(); defer { lock.unlock() }; return storedSink }
        set { lock.lock(); defer { lock.unlock() }; storedSink = newValue }
    }

    /// The clock that stamps each line's `ts`; inject a fixed one in tests.
    public var now: @Sendable () -> Date {
        get { lock.lock(); defer { lock.unlock() }; return storedNow }
        set { lock.lock(); defer { lock.unlock() }; storedNow = newValue }
    }

    /// The clock and sink for a line at `level`, read under one lock, or
    /// `nil` when `level` is below the minimum.
    func output(at level: LogLevel) -> (now: @Sendable () -> Date, sink: Sink)? {
        lock.lock()
        defer { lock.unlock() }
        guard level >= storedMinimumLevel else { return nil }
        return (storedNow, storedSink)
    }

    /// Writes each line and a newline to standard error.
    public static let standardErrorSink: Sink = lineSink(fileDescriptor: STDERR_FILENO)

    /// A sink that writes each line and a newline to `fileDescriptor` in a
    /// single `write(2)`, so lines logged from different threads never
    /// interleave. The descriptor is not owned: the caller keeps it open.
    ///
    /// A short write (possible on a pipe for lines over `PIPE_BUF` bytes) is
    /// finished with further writes; `EINTR` is retried; any other error
    /// drops the rest of the line, since there is nowhere left to report it.
    public static func lineSink(fileDescriptor: Int32) -> Sink {
        return { line in
            var bytes = Array(line.utf8)
            bytes.append(UInt8(ascii: "\n"))
            bytes.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                var written = 0
                while written < buffer.count {
                    let result = write(fileDescriptor, base + written, buffer.count - written)
                    if result > 0 {
                        written += result
                    } else if result < 0, errno == EINTR {
                        continue
                    } else {
                        return
                    }
                }
            }
        }
    }
}

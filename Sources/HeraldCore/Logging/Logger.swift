/// Writes structured log lines for one part of Herald, named by its label.
///
/// ```swift
/// let logger = Logger(label: "dispatch")
/// logger.info("broadcast queued", ["broadcast": 42, "to": .phone(number)])
/// ```
///
/// Each line is one JSON object (see ``LoggingSystem``). The message and the
/// metadata are autoclosures: below the system's minimum level neither is
/// built. `Logger` is a small value, Sendable, and cheap to copy into tasks.
public struct Logger: Sendable {
    /// The part of Herald this logger speaks for; the `"label"` field.
    public let label: String

    /// Where lines go and which are kept.
    public let system: LoggingSystem

    /// A logger configured by ``LoggingSystem/shared``.
    public init(label: String) {
        self.init(label: label, system: .shared)
    }

    /// A logger configured by `system` instead of the shared one; tests use
    /// this to capture lines without touching global state.
    public init(label: String, system: LoggingSystem) {
        self.label = label
        self.system = system
    }

    /// Whether a line at `level` would be written now.
    public func isEnabled(_ level: LogLevel) -> Bool {
        level >= system.minimumLevel
    }

    /// Writes one line at `level`, unless `level` is below the minimum.
    ///
    /// Metadata keys are written in sorted order after `ts`, `level`, `label`
    /// and `msg`; a key equal to one of those four is written as
    /// `"metadata.<key>"` so the line stays valid, unambiguous JSON.
    public func log(
        _ level: LogLevel,
        _ message: @autoclosure () -> String,
        _ metadata: @autoclosure () -> [String: LogValue] = [:]
    ) {
        guard let output = system.output(at: level) else { return }
        let line = LogLine.render(
            time: output.now(), level: level, label: label,
            message: message(), metadata: metadata())
        output.sink(line)
    }

    public func trace(_ message: @autoclosure () -> String, _ metadata: @autoclosure () -> [String: LogValue] = [:]) {
        log(.trace, message(), metadata())
    }

    public func debug(_ message: @autoclosure () -> String, _ metadata: @autoclosure () -> [String: LogValue] = [:]) {
        log(.debug, message(), metadata())
    }

    public func info(_ message: @autoclosure () -> String, _ metadata: @autoclosure () -> [String: LogValue] = [:]) {
        log(.info, message(), metadata())
    }

    public func notice(_ message: @autoclosure () -> String, _ metadata: @autoclosure () -> [String: LogValue] = [:]) {
        log(.notice, message(), metadata())
    }

    public func warning(_ message: @autoclosure () -> String, _ metadata: @autoclosure () -> [String: LogValue] = [:]) {
        log(.warning, message(), metadata())
    }

    public func error(_ message: @autoclosure () -> String, _ metadata: @autoclosure () -> [String: LogValue] = [:]) {
        log(.error, message(), metadata())
    }

    public func critical(_ message: @autoclosure () -> String, _ metadata: @autoclosure () -> [String: LogValue] = [:]) {
        log(.critical, message(), metadata())
    }
}

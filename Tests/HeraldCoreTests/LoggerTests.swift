import Dispatch
import Foundation
import Testing

@testable import HeraldCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lines a test's sink received.
///
/// Sendable: `@unchecked`, `lines` is only touched while holding `lock`.
private final class CapturedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        lines.append(line)
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}

/// 2026-12-01T05:00:00.123Z
private let fixedTime = Date(timeIntervalSince1970: 1_796_101_200.123)

/// A logger whose lines go to `captured` instead of standard error, stamped
/// with `fixedTime`; no global state is touched.
private func makeLogger(
    _ label: String = "store", minimumLevel: LogLevel = .trace
) -> (Logger, CapturedLines) {
    let captured = CapturedLines()
    let system = LoggingSystem(
        minimumLevel: minimumLevel, sink: { captured.append($0) }, now: { fixedTime })
    return (Logger(label: label, system: system), captured)
}

private func parse(_ line: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
    return try #require(object as? [String: Any])
}

@Suite("Logger")
struct LoggerTests {
    @Test("a line is one JSON object: ts, level, label, msg, then sorted metadata")
    func lineFormat() throws {
        let (logger, captured) = makeLogger()
        logger.info("opened", ["wal": true, "path": "herald.db", "attempt": 2, "ratio": 0.5])

        let lines = captured.all
        try #require(lines.count == 1)
        #expect(lines[0] == #"{"ts":"2026-12-01T05:00:00.123Z","level":"info","label":"store","msg":"opened","#
            + #""attempt":2,"path":"herald.db","ratio":0.5,"wal":true}"#)
        #expect(!lines[0].hasSuffix("\n"))

        let object = try parse(lines[0])
        #expect(object["ts"] as? String == "2026-12-01T05:00:00.123Z")
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "store")
        #expect(object["msg"] as? String == "opened")
        #expect(object["attempt"] as? Int == 2)
        #expect(object["ratio"] as? Double == 0.5)
        #expect(object["wal"] as? Bool == true)
        #expect(object["path"] as? String == "herald.db")
    }

    @Test("quotes, backslashes, control characters and Chinese survive a JSON round trip")
    func escaping() throws {
        let (logger, captured) = makeLogger()
        let message = "通知 \"停水\"\n明天 8:00\t至 12:00 \\ 路径 C:\\tmp \u{01}\u{1F}\r\u{08}\u{0C} 🏠"
        logger.warning(message, ["内容": "第一行\n第二行 \"引号\"", "key \"quoted\"\n": 1])

        let line = try #require(captured.all.first)
        #expect(!line.contains("\n"))
        #expect(!line.contains("\r"))
        #expect(line.contains(#"\"停水\""#))
        #expect(line.contains(#"\n明天"#))
        #expect(line.contains(#"\t至"#))
        #expect(line.contains(#"C:\\tmp"#))
        #expect(line.contains(#"\u0001\u001f\r\b\f"#))
        #expect(line.contains("通知"))  // UTF-8, not \u escapes
        #expect(line.contains("🏠"))

        let object = try parse(line)
        #expect(object["msg"] as? String == message)
        #expect(object["内容"] as? String == "第一行\n第二行 \"引号\"")
        #expect(object["key \"quoted\"\n"] as? Int == 1)
    }

    @Test("a metadata key equal to a fixed field is renamed, not duplicated")
    func reservedKeys() throws {
        let (logger, captured) = makeLogger()
        logger.info("hello", ["msg": "override", "level": 3, "ts": "x", "label": "y"])
        let line = try #require(captured.all.first)
        let object = try parse(line)
        #expect(object["msg"] as? String == "hello")
        #expect(object["level"] as? String == "info")
        #expect(object["metadata.msg"] as? String == "override")
        #expect(object["metadata.level"] as? Int == 3)
        #expect(line.components(separatedBy: #""msg":"#).count == 2)
    }

    @Test("numbers that JSON cannot hold are written as strings")
    func nonFiniteDoubles() throws {
        let (logger, captured) = makeLogger()
        logger.info("odd", ["nan": .double(.nan), "inf": .double(.infinity), "tiny": 1e-300, "neg": -42])
        let object = try parse(try #require(captured.all.first))
        #expect(object["nan"] as? String == "nan")
        #expect(object["inf"] as? String == "inf")
        #expect(object["tiny"] as? Double == 1e-300)
        #expect(object["neg"] as? Int == -42)
    }

    @Test("below the minimum level neither message nor metadata is built")
    func levelFiltering() {
        let (logger, captured) = makeLogger(minimumLevel: .warning)
        let built = CapturedLines()
        func message(_ text: String) -> String {
            built.append(text)
            return text
        }
        func metadata(_ text: String) -> [String: LogValue] {
            built.append("metadata " + text)
            return [:]
        }

        logger.trace(message("trace"), metadata("trace"))
        logger.debug(message("debug"), metadata("debug"))
        logger.info(message("info"), metadata("info"))
        logger.notice(message("notice"), metadata("notice"))
        logger.log(.info, message("log info"), metadata("log info"))
        logger.warning(message("warning"), metadata("warning"))
        logger.error(message("error"))
        logger.critical(message("critical"))

        #expect(built.all == ["warning", "metadata warning", "error", "critical"])
        #expect(captured.all.count == 3)
        #expect(!logger.isEnabled(.notice))
        #expect(logger.isEnabled(.warning))
    }

    @Test("the minimum level can be changed while loggers exist")
    func changingLevel() throws {
        let captured = CapturedLines()
        let system = LoggingSystem(minimumLevel: .error, sink: { captured.append($0) }, now: { fixedTime })
        let logger = Logger(label: "dispatch", system: system)
        logger.info("dropped")
        system.minimumLevel = .debug
        logger.debug("kept")
        system.minimumLevel = .critical
        logger.error("dropped too")
        #expect(system.minimumLevel == .critical)
        #expect(captured.all.count == 1)
        #expect(try parse(try #require(captured.all.first))["msg"] as? String == "kept")
    }

    @Test("each convenience method writes its level's name")
    func convenienceLevels() throws {
        let (logger, captured) = makeLogger()
        logger.trace("m")
        logger.debug("m")
        logger.info("m")
        logger.notice("m")
        logger.warning("m")
        logger.error("m")
        logger.critical("m")
        let levels = try captured.all.map { try parse($0)["level"] as? String }
        #expect(levels == LogLevel.allCases.map(\.name))
    }

    @Test("phone numbers in metadata or interpolation are always masked")
    func phoneMasked() throws {
        let (logger, captured) = makeLogger("sms")
        let number = try PhoneNumber(parsing: "13812345678")
        logger.info("sending to \(number)", ["to": .phone(number), "note": "resident \(number)"])

        let line = try #require(captured.all.first)
        #expect(!line.contains("13812345678"))
        let object = try parse(line)
        #expect(object["to"] as? String == "+86 138****5678")
        #expect(object["note"] as? String == "resident +86 138****5678")
        #expect(object["msg"] as? String == "sending to +86 138****5678")
        #expect(LogValue.phone(number).description == "+86 138****5678")
    }

    @Test("literals make the matching LogValue case")
    func literals() {
        let values: [LogValue] = ["text", 3, 2.5, true, "a \(1 + 1)"]
        #expect(values == [.string("text"), .int(3), .double(2.5), .bool(true), .string("a 2")])
    }

    @Test(
        "timestamps are UTC with milliseconds",
        arguments: [
            (0.0, "1970-01-01T00:00:00.000Z"),
            (-0.001, "1969-12-31T23:59:59.999Z"),
            (951_782_400.5, "2000-02-29T00:00:00.500Z"),
            (1_709_251_199.999, "2024-02-29T23:59:59.999Z"),
            (1_796_101_200.123, "2026-12-01T05:00:00.123Z"),
            (1_798_761_599.9994, "2026-12-31T23:59:59.999Z"),
            (4_102_444_800.0, "2100-01-01T00:00:00.000Z"),
        ])
    func timestamps(seconds: Double, expected: String) {
        var out: [UInt8] = []
        LogLine.appendTimestamp(Date(timeIntervalSince1970: seconds), to: &out)
        #expect(String(decoding: out, as: UTF8.self) == expected)
    }

    @Test("timestamps agree with ISO8601DateFormatter over many days")
    func timestampsMatchFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        // Every 997,331 seconds (about 11.5 days, odd offset) over ~60 years.
        for step in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double(step) * 997_331.0 + 0.25)
            var out: [UInt8] = []
            LogLine.appendTimestamp(date, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == formatter.string(from: date))
        }
    }

    @Test("the file-descriptor sink writes whole lines even from many threads")
    func fileDescriptorSinkDoesNotInterleave() throws {
        var descriptors: [Int32] = [0, 0]
        try #require(pipe(&descriptors) == 0)
        let (readEnd, writeEnd) = (descriptors[0], descriptors[1])
        defer { close(readEnd) }

        // Read on another thread until end of file, so writers never block
        // on a full pipe.
        let received = CapturedLines()
        let finishedReading = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(readEnd, &buffer, buffer.count)
                if count > 0 {
                    bytes.append(contentsOf: buffer[0..<count])
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            received.append(String(decoding: bytes, as: UTF8.self))
            finishedReading.signal()
        }

        // Each line is about 380 bytes: under PIPE_BUF, so the kernel keeps
        // every single write(2) whole.
        let system = LoggingSystem(
            minimumLevel: .info, sink: LoggingSystem.lineSink(fileDescriptor: writeEnd), now: { fixedTime })
        let logger = Logger(label: "threads", system: system)
        let padding = String(repeating: "居委会", count: 30)
        DispatchQueue.concurrentPerform(iterations: 200) { index in
            logger.info("line \(index)", ["index": .int(index), "padding": .string(padding)])
        }
        close(writeEnd)
        finishedReading.wait()

        let text = try #require(received.all.first)
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 200)
        var seen = Set<Int>()
        for line in lines {
            let object = try parse(String(line))
            #expect(object["padding"] as? String == padding)
            if let index = object["index"] as? Int { seen.insert(index) }
        }
        #expect(seen == Set(0..<200))
    }
}

@Suite("LogLevel")
struct LogLevelTests {
    @Test("names parse in any case, with warn for warning")
    func parsing() {
        #expect(LogLevel(name: "trace") == .trace)
        #expect(LogLevel(name: "DEBUG") == .debug)
        #expect(LogLevel(name: "Info") == .info)
        #expect(LogLevel(name: "notice") == .notice)
        #expect(LogLevel(name: "warning") == .warning)
        #expect(LogLevel(name: "warn") == .warning)
        #expect(LogLevel(name: "WARN") == .warning)
        #expect(LogLevel(name: "error") == .error)
        #expect(LogLevel(name: "Critical") == .critical)
        #expect(LogLevel(name: "") == nil)
        #expect(LogLevel(name: "verbose") == nil)
        #expect(LogLevel(name: "fatal") == nil)
        #expect(LogLevel(name: " info") == nil)
    }

    @Test("every name round-trips and levels order by severity")
    func namesAndOrder() {
        for level in LogLevel.allCases {
            #expect(LogLevel(name: level.name) == level)
            #expect("\(level)" == level.name)
        }
        #expect(LogLevel.allCases == LogLevel.allCases.sorted())
        #expect(LogLevel.allCases.map(\.name)
            == ["trace", "debug", "info", "notice", "warning", "error", "critical"])
        #expect(LogLevel.trace < .debug)
        #expect(LogLevel.warning > .notice)
        #expect(LogLevel.critical >= .error)
    }

    @Test("a new logging system keeps info and above by default")
    func defaultLevel() {
        #expect(LoggingSystem().minimumLevel == .info)
    }
}

import Foundation
import Testing

/// Runs Prometheus's own checker (`promtool check metrics`, Debian's
/// `prometheus` package, installed by `make test`) over an exposition.
enum PromtoolCheck {
    static func metrics(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else {
            Issue.record("promtool is not installed: run Ops/install-deps.sh --servers", sourceLocation: sourceLocation)
            return
        }
        let input = NSTemporaryDirectory() + "herald-metrics-\(UUID().uuidString).txt"
        try Data(text.utf8).write(to: URL(fileURLWithPath: input))
        defer { try? FileManager.default.removeItem(atPath: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = ["check", "metrics"]
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: input))
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "promtool check metrics: \(said)", sourceLocation: sourceLocation)
        #expect(said.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool: \(said)",
                sourceLocation: sourceLocation)
    }
}

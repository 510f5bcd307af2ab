import Foundation
import HeraldCore
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
        let finished = try ChildProcess.run(promtool, ["check", "metrics"], input: .bytes(Array(text.utf8)),
                                            mergeErrors: true)
        let said = finished.outputText
        #expect(finished.status == 0, "promtool check metrics: \(said)", sourceLocation: sourceLocation)
        #expect(said.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool: \(said)",
                sourceLocation: sourceLocation)
    }
}

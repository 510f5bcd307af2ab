import Foundation
import HeraldCore
import Testing

/// The files in Ops/ are checked by the tools that read them: promtool for the
/// Prometheus config, rules and rule tests, systemd-analyze for the unit.
/// Their cross-references (metric names, runbook anchors) are checked here.
@Suite struct OpsFilesTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
    }

    struct ToolResult {
        let status: Int32
        let output: String
    }

    /// Runs `tool` in the repository root with stdout and stderr together.
    static func run(_ tool: String, _ arguments: [String], in directory: URL = root) throws -> ToolResult {
        let finished = try ChildProcess.run(tool, arguments, directory: directory.path, mergeErrors: true)
        return ToolResult(status: finished.status, output: finished.outputText)
    }

    /// Debian's prometheus package; `Ops/install-deps.sh --servers` installs it.
    static func promtool(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let found = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
        if found == nil {
            Issue.record("promtool is not installed: run Ops/install-deps.sh --servers", sourceLocation: sourceLocation)
        }
        return found
    }

    // MARK: Prometheus

    @Test func promtoolAcceptsTheScrapeConfig() throws {
        guard let promtool = Self.promtool() else { return }
        let result = try Self.run(promtool, ["check", "config", "Ops/prometheus/prometheus.yml"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS: 1 rule files found"), "\(result.output)")
    }

    @Test func promtoolAcceptsTheRules() throws {
        guard let promtool = Self.promtool() else { return }
        let result = try Self.run(promtool, ["check", "rules", "Ops/prometheus/herald-rules.yml"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS"), "\(result.output)")
    }

    /// The rule tests make the backlog, circuit-open and other alerts fire on synthetic series.
    @Test func ruleUnitTestsPass() throws {
        guard let promtool = Self.promtool() else { return }
        let result = try Self.run(promtool, ["test", "rules", "Ops/prometheus/herald-rules.test.yml"])
        #expect(result.status == 0, "\(result.output)")
        let tests = try Self.text("Ops/prometheus/herald-rules.test.yml")
        for alert in ["HeraldBacklogGrowing", "HeraldCircuitOpen"] {
            #expect(tests.contains("alertname: \(alert)\n        exp_alerts:\n          - exp_labels"),
                    "the rule tests must expect \(alert) to fire")
        }
    }

    /// Every alert has a severity, a summary, a description and a runbook
    /// section that exists.
    @Test func everyAlertSaysHowBadAndWhereToRead() throws {
        let rules = try Self.text("Ops/prometheus/herald-rules.yml")
        let anchors = Set(try Self.text("docs/RUNBOOK.md").split(separator: "\n")
            .filter { line in line.hasPrefix("#") }
            .map { line in Self.slug(String(line.drop { character in character == "#" })) })
        let alerts = rules.components(separatedBy: "- alert: ").dropFirst()
        #expect(alerts.count >= 7)
        for alert in alerts {
            let name = String(alert.prefix { !$0.isNewline })
            #expect(alert.range(of: #"severity: (critical|warning|info)\n"#, options: .regularExpression) != nil,
                    "\(name): severity")
            #expect(alert.contains("summary: ") && alert.contains("description: "), "\(name): summary, description")
            guard let url = alert.range(of: #"runbook_url: "docs/RUNBOOK.md#[a-z0-9-]+""#, options: .regularExpression)
            else {
                Issue.record("\(name): runbook_url must be \"docs/RUNBOOK.md#section\"")
                continue
            }
            let anchor = alert[url].split(separator: "#").last.map { String($0.dropLast()) } ?? ""
            #expect(anchors.contains(anchor), "\(name): docs/RUNBOOK.md has no section #\(anchor)")
        }
    }

    /// Metric names in the rules (expressions and annotations) are the ones
    /// Herald exports (docs/METRICS.md); `up` is Prometheus's own.
    @Test func rulesUseOnlyDocumentedMetrics() throws {
        let documented = try Self.text("docs/METRICS.md")
        let table = Set(documented.matches(of: #/\| `(herald_[a-z_]+)`/#).map { String($0.output.1) })
        #expect(table.count >= 15)
        var used: Set<String> = []
        for file in ["Ops/prometheus/herald-rules.yml", "Ops/prometheus/herald-rules.test.yml"] {
            used.formUnion(try Self.text(file).matches(of: #/\bherald_[a-z_]+/#).map { String($0.output) })
        }
        #expect(used.contains("herald_circuit_state") && used.contains("herald_queue_oldest_available_seconds"))
        for name in used.sorted() {
            let base = name.replacing(#/_(bucket|sum|count)$/#, with: "")
            #expect(table.contains(name) || table.contains(base), "\(name) is not in docs/METRICS.md")
        }
        // Selectors of any other metric: only Prometheus's `up`.
        let rules = try Self.text("Ops/prometheus/herald-rules.yml")
        let expressions = rules.split(separator: "\n").filter { !$0.contains("summary:") && !$0.contains("runbook_url") }
            .joined(separator: "\n")
        let selectors = Set(expressions.matches(of: #/\b([a-z_:][a-z0-9_:]*)\{/#).map { String($0.output.1) })
        #expect(selectors.subtracting(table).subtracting(["up"]).isEmpty,
                "unknown metrics: \(selectors.subtracting(table).subtracting(["up"]).sorted())")
    }

    /// The scrape target and the relative path to the rules.
    @Test func scrapeConfigPointsAtHerald() throws {
        let config = try Self.text("Ops/prometheus/prometheus.yml")
        #expect(config.contains(#"targets: ["127.0.0.1:8080"]"#))
        #expect(config.contains("metrics_path: /metrics"))
        #expect(config.contains("  - herald-rules.yml"))
    }

    // MARK: systemd

    static func unitSettings() throws -> [String: [String]] {
        var settings: [String: [String]] = [:]
        var continued: String?
        for raw in try text("Ops/systemd/herald.service").split(separator: "\n", omittingEmptySubsequences: false) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if let head = continued { line = head + " " + line; continued = nil }
            if line.hasSuffix("\\") { continued = String(line.dropLast()); continue }
            guard !line.hasPrefix("#"), !line.hasPrefix("["), let equals = line.firstIndex(of: "=") else { continue }
            settings[String(line[..<equals]), default: []].append(String(line[line.index(after: equals)...]))
        }
        return settings
    }

    @Test func unitIsHardened() throws {
        let unit = try Self.unitSettings()
        let required: [String: String] = [
            "User": "herald", "WorkingDirectory": "/var/lib/herald", "EnvironmentFile": "/etc/herald/herald.env",
            "ProtectSystem": "strict", "ReadWritePaths": "/var/lib/herald", "NoNewPrivileges": "yes",
            "PrivateTmp": "yes", "ProtectHome": "yes", "CapabilityBoundingSet": "",
            "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX", "MemoryDenyWriteExecute": "yes",
            "UMask": "0077", "Restart": "on-failure", "KillSignal": "SIGTERM",
        ]
        for (key, value) in required {
            #expect(unit[key]?.contains(value) == true, "\(key)=\(value); the unit has \(unit[key] ?? [])")
        }
        #expect(unit["SystemCallFilter"]?.first == "@system-service")
        let start = unit["ExecStart"]?.first ?? ""
        #expect(start.contains(" serve "), "\(start)")
        // systemd must wait longer than herald waits for the sends in flight.
        let shutdown = start.firstMatch(of: #/--shutdown-timeout (\d+)/#).flatMap { Int($0.output.1) } ?? 20
        let stop = unit["TimeoutStopSec"]?.first.flatMap { Int($0) } ?? 0
        #expect(stop > shutdown, "TimeoutStopSec=\(stop) must be longer than --shutdown-timeout \(shutdown)")
        // Secrets never in the unit itself.
        #expect(!(unit["Environment"] ?? []).contains { $0.contains("SECRET") || $0.contains("PASSWORD") })
    }

    /// `systemd-analyze verify` with the built binary in ExecStart (verify
    /// insists the program exists), and an exposure score of at most 2.0.
    @Test func systemdAcceptsTheUnit() throws {
        guard let analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else {
            print("OpsFilesTests: note: systemd-analyze is not installed; Ops/systemd/herald.service was not verified")
            return
        }
        let folder = URL(fileURLWithPath: NSTemporaryDirectory() + "herald-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = URL(fileURLWithPath: HeraldProcess.binary).standardizedFileURL.path
        #expect(FileManager.default.isExecutableFile(atPath: binary), "herald binary \(binary)")
        let unit = try Self.text("Ops/systemd/herald.service")
            .replacingOccurrences(of: "/usr/local/bin/herald ", with: binary + " ")
        try Data(unit.utf8).write(to: folder.appendingPathComponent("herald.service"))

        let verify = try Self.run(analyze, ["verify", "herald.service"], in: folder)
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                "systemd-analyze verify: \(verify.output)")

        let security = try Self.run(analyze, ["security", "--offline=yes", "--threshold=20", "herald.service"], in: folder)
        let score = security.output.firstMatch(of: #/Overall exposure level for herald.service: ([0-9.]+)/#)
        #expect(security.status == 0 && score != nil,
                "exposure above 2.0: \(score.map { String($0.output.1) } ?? security.output.suffix(300).description)")
    }

    // MARK: Kannel and the README

    @Test func localKannelConfigSendsRepliesToHerald() throws {
        let config = try Self.text("Ops/kannel/kannel-local.conf")
        let service = config.components(separatedBy: "group = sms-service").last ?? ""
        #expect(service.contains(#"get-url = "http://127.0.0.1:8080/callbacks/kannel/mo?from=%p&to=%P&text=%a""#))
        #expect(service.contains("omit-empty = true"))
        // The test template keeps its placeholders (Tests/Scripts/kannel-up.sh fills them).
        #expect(try Self.text("Ops/kannel/kannel.conf.template").contains(#"get-url = "@MO_URL@""#))
    }

    @Test func opsReadmeListsTheFiles() throws {
        let readme = try Self.text("Ops/README.md")
        for file in ["systemd/herald.service", "prometheus/prometheus.yml", "prometheus/herald-rules.yml",
                     "prometheus/herald-rules.test.yml", "kannel/kannel-local.conf", "docs/RUNBOOK.md"] {
            #expect(readme.contains(file), "Ops/README.md does not mention \(file)")
        }
    }

    /// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.
    static func slug(_ heading: String) -> String {
        String(heading.trimmingCharacters(in: .whitespaces).lowercased().compactMap { character -> Character? in
            if character == " " { return "-" }
            return character.isLetter || character.isNumber || character == "-" || character == "_" ? character : nil
        })
    }
}

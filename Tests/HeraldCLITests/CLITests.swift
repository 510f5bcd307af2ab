import Foundation
import Testing

@Suite struct CLITests {
    @Test func helpExitsZeroAndListsCommands() throws {
        let result = try HeraldProcess.run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Usage: herald COMMAND"))
        for command in ["version", "migrate", "status"] { #expect(result.stdout.contains(command)) }
    }

    /// Every command the overview lists, as `herald --help` prints them.
    static func commands() throws -> [[String]] {
        let overview = try HeraldProcess.run(["--help"]).stdout
        let listed = overview.components(separatedBy: "Commands:\n").last?.components(separatedBy: "\n\n").first ?? ""
        return listed.split(separator: "\n").map { line in
            // "  bench queue        Measure ..." -> ["bench", "queue"]
            let name = line.trimmingCharacters(in: .whitespaces).components(separatedBy: "  ").first ?? ""
            return name.split(separator: " ").map(String.init)
        }
    }

    @Test func everyCommandHasHelp() throws {
        let commands = try Self.commands()
        #expect(commands.count >= 30, "\(commands)")
        for command in commands {
            let result = try HeraldProcess.run(command + ["--help"])
            let name = command.joined(separator: " ")
            #expect(result.status == 0, "\(name) --help")
            #expect(result.stdout.contains("Usage: herald \(name)"), "\(name)")
            #expect(result.stdout.contains("--log-level"), "\(name)")
        }
        for group in Set(commands.filter { $0.count > 1 }.map { $0[0] }) {
            let result = try HeraldProcess.run([group, "--help"])
            #expect(result.status == 0, "\(group) --help")
            #expect(result.stdout.contains("Usage: herald \(group) SUBCOMMAND"), "\(group)")
        }
    }

    @Test func everyCommandRefusesAnUnknownOptionInOneLine() throws {
        for command in try Self.commands() {
            let result = try HeraldProcess.run(command + ["--no-such-option"])
            let name = command.joined(separator: " ")
            #expect(result.status == 64, "\(name)")
            #expect(result.stdout.isEmpty, "\(name)")
            #expect(result.stderr.trimmingCharacters(in: .newlines).split(separator: "\n").count == 1, "\(name): \(result.stderr)")
            #expect(result.stderr.contains("--no-such-option") && result.stderr.contains("herald \(name) --help"), "\(name)")
        }
    }

    @Test func badFlagExits64WithUsageOnStderr() throws {
        let result = try HeraldProcess.run(["status", "--no-such-flag"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("unknown option '--no-such-flag'"))
        #expect(result.stderr.contains("(see 'herald status --help')"))
    }

    @Test func unknownCommandExits64() throws {
        let result = try HeraldProcess.run(["frobnicate"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown command 'frobnicate'"))
        #expect(result.stderr.contains("(see 'herald --help')"))
        #expect(try HeraldProcess.run([]).status == 64)
    }

    @Test func badLogLevelExits64() throws {
        let result = try HeraldProcess.run(["version", "--log-level", "loud"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--log-level"))
    }

    @Test func versionNamesTheCLibraries() throws {
        let result = try HeraldProcess.run(["version"])
        #expect(result.status == 0)
        for library in ["sqlite", "libcurl", "libmicrohttpd", "libcrypto"] { #expect(result.stdout.contains(library)) }
    }

    @Test func statusOnAFreshPathCreatesNothing() throws {
        let directory = NSTemporaryDirectory() + "herald-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/x.db"
        let result = try HeraldProcess.run(["status", "--db", path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("no database yet"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func statusInAMissingDirectoryNamesThePath() throws {
        let path = "/nonexistent-\(UUID().uuidString)/x.db"
        let result = try HeraldProcess.run(["status", "--db", path])
        #expect(result.status != 0)
        #expect(result.stderr.contains(path))
    }

    @Test func migrateThenStatus() throws {
        let directory = NSTemporaryDirectory() + "herald-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/herald.db"
        let first = try HeraldProcess.run(["migrate", "--db", path])
        #expect(first.status == 0)
        #expect(first.stdout.contains("migrated schema from version 0"))
        let second = try HeraldProcess.run(["migrate", "--db=\(path)"])
        #expect(second.status == 0)
        #expect(second.stdout.contains("schema is current"))
        let status = try HeraldProcess.run(["status"], environment: ["HERALD_DB": path])
        #expect(status.status == 0)
        #expect(status.stdout.contains("(current)"))
    }

    @Test func migrateIntoAMissingDirectoryFails() throws {
        let path = "/nonexistent-\(UUID().uuidString)/x.db"
        let result = try HeraldProcess.run(["migrate", "--db", path])
        #expect(result.status == 66)
        #expect(result.stderr.contains(path))
    }
}

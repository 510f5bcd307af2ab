import Foundation
import HeraldCore
import Testing

/// `herald.json`: what `herald serve` reads before its flags, and what it refuses.
@Suite struct ConfigurationFileTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "herald-config-\(UUID().uuidString).json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [
        (#"{"webhook_secret": "abc"}"#, "webhook_secret is a secret; secrets come only from the environment (HERALD_WEBHOOK_SECRET)"),
        (#"{"server": {"api_token": "x"}}"#, "server.api_token is a secret"),
        (#"{"databse": "x.db"}"#, "unknown key databse"),
        (#"{"server": {"threads": "four"}}"#, "server.threads must be a whole number"),
        (#"{"simulator": "yes"}"#, "simulator must be true or false"),
        (#"{"log_level": "loud"}"#, "log_level must be one of"),
        ("[1, 2]", "not a JSON object"),
    ])
    func badFilesAreRefusedNamingTheKey(text: String, message: String) throws {
        let path = try Self.write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try HeraldProcess.run(["serve", "--config", path, "--db", NSTemporaryDirectory() + "unused.db"])
        #expect(run.status == 78, "\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(run.stderr.trimmingCharacters(in: .newlines).split(separator: "\n").count == 1, "\(run.stderr)")
    }

    @Test func aMissingNamedFileAndASimulatorWithoutAPortAreRefused() throws {
        let missing = try HeraldProcess.run(["serve", "--config", "/nonexistent/herald.json"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("no configuration file at /nonexistent/herald.json"))
        let simulator = try HeraldProcess.run(["serve", "--simulator", "--listen", "127.0.0.1:0",
                                               "--db", NSTemporaryDirectory() + "unused-\(UUID().uuidString).db",
                                               "--queues", Self.root.appendingPathComponent("Queues").path,
                                               "--templates", Self.root.appendingPathComponent("Templates").path])
        #expect(simulator.status == 64)
        #expect(simulator.stderr.contains("--simulator needs a fixed --listen port"))
    }

    @Test func serveTakesItsDatabaseAndFoldersFromTheFile() throws {
        let directory = NSTemporaryDirectory() + "herald-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = directory + "/from-file.db"
        let config = try Self.write("""
            {"database": "\(database)", "listen": "127.0.0.1:0", "queues": "\(Self.root.appendingPathComponent("Queues").path)",
             "templates": "\(Self.root.appendingPathComponent("Templates").path)", "shutdown_timeout_seconds": 2,
             "log_level": "error", "server": {"threads": 2, "max_body_bytes": 65536}}
            """)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let output = directory + "/serve.log"
        let child = try ChildProcess(HeraldProcess.binary, ["serve", "--config", config], environment: [:],
                                     output: .file(output, append: false), errors: .sameAsOutput)
        let started = ServeShutdownTests.wait(seconds: 30) {
            (try? String(contentsOfFile: output, encoding: .utf8))?.contains("dispatching") == true
        }
        child.send(SIGTERM)
        let status = child.wait().code
        #expect(started, "\((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")")
        #expect(status == 0)
        #expect(FileManager.default.fileExists(atPath: database))
        let attributes = try FileManager.default.attributesOfItem(atPath: database)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}

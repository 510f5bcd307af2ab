import Foundation
import HeraldTestSupport

/// Runs a helper program (a test script) to completion with a clean signal
/// state (`CleanSpawn`), so that the daemons it starts can be stopped with SIGTERM.
enum ChildProcess {
    struct Result {
        var status: Int32
        var output: String
    }

    /// Runs `executable` with `arguments`; stdout and stderr go to a file
    /// (daemons the program leaves running may keep a pipe open forever).
    static func run(_ executable: String, _ arguments: [String],
                    environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Result {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("herald-child-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }

        let pid: pid_t
        do {
            pid = try CleanSpawn.start(executable, arguments, environment: environment, outputPath: outputPath)
        } catch {
            throw ChildProcessError(message: "\(error)")
        }
        let status = CleanSpawn.wait(pid)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Result(status: status, output: output)
    }
}

struct ChildProcessError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The package's root folder (for Tests/Scripts and Queues).
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

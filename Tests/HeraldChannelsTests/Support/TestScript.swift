import Foundation
import HeraldCore

/// Runs a helper script (Tests/Scripts) to completion.
enum TestScript {
    struct Result {
        var status: Int32
        var output: String
    }

    /// Runs `executable` with `arguments`; stdout and stderr go to a file,
    /// not a pipe: daemons the script leaves running hold its stdout open.
    static func run(_ executable: String, _ arguments: [String]) throws -> Result {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("herald-script-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let child = try ChildProcess(executable, arguments, output: .file(outputPath, append: false),
                                     errors: .sameAsOutput)
        let termination = child.wait()
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Result(status: termination.code, output: output)
    }
}

/// The package's root folder (for Tests/Scripts and Queues).
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

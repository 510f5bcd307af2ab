import Foundation
import HeraldCore

/// Runs the built `herald` binary as a subprocess, the way a user would.
struct HeraldProcess {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The `herald` built next to this test bundle (or HERALD_BINARY).
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["HERALD_BINARY"] { return path }
        let candidates = [Bundle.main.executablePath, CommandLine.arguments.first]
            .compactMap { $0 }
            .map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("herald").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? ".build/debug/herald"
    }()

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let finished = try ChildProcess.run(binary, arguments,
                                            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
        return Result(status: finished.status, stdout: finished.outputText, stderr: finished.errorText)
    }
}

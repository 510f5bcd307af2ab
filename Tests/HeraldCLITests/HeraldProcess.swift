import Foundation

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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes before waiting, so a chatty child cannot block on a full pipe.
        let errData = ReadAll(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.wait(), as: UTF8.self))
    }
}

/// Drains a pipe on a background thread. `@unchecked Sendable`: `data` is
/// written once on the reader thread before `done` is signalled, then only read.
private final class ReadAll: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

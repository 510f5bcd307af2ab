import Foundation
import HeraldStore

/// The `--db` option every local command shares.
enum DatabaseOption {
    static let spec = OptionSpec.value(
        "--db", "PATH", "the SQLite database (or set HERALD_DB)", default: "./herald.db")

    static func path(_ invocation: Invocation) -> String {
        invocation.values["--db"] ?? ProcessInfo.processInfo.environment["HERALD_DB"] ?? "./herald.db"
    }

    /// Fails with a message naming the path when its directory does not exist.
    static func requireDirectory(of path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let folder = directory.isEmpty ? "." : directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw CommandFailure(.noInput, "cannot use database \(path): directory \(folder) does not exist")
        }
        guard isDirectory.boolValue else {
            throw CommandFailure(.noInput, "cannot use database \(path): \(folder) is not a directory")
        }
    }
}

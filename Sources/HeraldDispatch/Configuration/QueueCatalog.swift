import Foundation

/// Every queue of a deployment, from the `Queues/` folder.
///
/// Sendable: a value of Sendable values.
public struct QueueCatalog: Sendable {
    /// The queues, sorted by name.
    public var queues: [QueueConfiguration]

    /// The given queues; two with one name are refused.
    public init(queues: [QueueConfiguration]) throws(QueueConfigurationError) {
        var seen: Set<String> = []
        for queue in queues where !seen.insert(queue.name).inserted {
            throw QueueConfigurationError(.duplicateName, "two queues are named \"\(queue.name)\"; names must differ",
                                          key: "name")
        }
        self.queues = queues.sorted { $0.name < $1.name }
    }

    /// Reads every `*.json` file in `directory` (not its subfolders).
    ///
    /// Errors name the file as `directory/file.json`. Fails on the first bad
    /// file in name order, on a folder that is missing or holds no `.json`
    /// file, and on two files giving the same queue name.
    public init(directory: String) throws(QueueConfigurationError) {
        let folder = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else {
            throw QueueConfigurationError(.unreadable, "no such folder; give the folder of queue files (Queues/)",
                                          file: folder)
        }
        guard isFolder.boolValue else {
            throw QueueConfigurationError(.unreadable, "not a folder; give the folder of queue files (Queues/)",
                                          file: folder)
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
                .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
        } catch {
            throw QueueConfigurationError(.unreadable, "cannot list the folder (\(error.localizedDescription))",
                                          file: folder)
        }
        var queues: [QueueConfiguration] = []
        var files: [String: String] = [:]
        for name in names {
            let path = folder + "/" + name
            var isSubfolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isSubfolder), !isSubfolder.boolValue
            else { continue }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw QueueConfigurationError(.unreadable, "cannot read the file", file: path)
            }
            let queue = try QueueConfiguration(decoding: data, file: path)
            if let other = files[queue.name] {
                throw QueueConfigurationError(
                    .duplicateName, "queue name \"\(queue.name)\" is already used by \(other); names must differ",
                    file: path, key: "name")
            }
            files[queue.name] = path
            queues.append(queue)
        }
        guard !queues.isEmpty else {
            throw QueueConfigurationError(.unreadable, "holds no queue files (*.json); Queues/README.md shows one",
                                          file: folder)
        }
        try self.init(queues: queues)
    }

    /// The queue with this name, if any.
    public func queue(named name: String) -> QueueConfiguration? {
        queues.first { $0.name == name }
    }
}

import Foundation
import HeraldChannels
import HeraldCore
@testable import HeraldDispatch

/// Queue files written in a test: a minimal valid file, with keys set or removed.
enum QueueFileFixture {
    static let file = "Queues/x.json"

    /// The smallest valid file, key by key, as JSON text.
    static let base: [(String, String)] = [
        ("name", #""x""#), ("channel", #""sms""#), ("adapter", #""kannel""#),
        ("gateway", #"{"endpoint": "http://127.0.0.1:9300"}"#),
        ("rate", "10"), ("burst", "20"), ("concurrency", "4"),
    ]

    /// The minimal file with `set` keys replaced or added (values as JSON text) and `removing` keys left out.
    static func text(_ set: KeyValuePairs<String, String> = [:], removing: [String] = []) -> String {
        var members = base.filter { !removing.contains($0.0) }
        for (key, value) in set {
            if let index = members.firstIndex(where: { $0.0 == key }) {
                members[index].1 = value
            } else {
                members.append((key, value))
            }
        }
        return "{\n" + members.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    }

    static func decode(_ text: String) throws(QueueConfigurationError) -> QueueConfiguration {
        try QueueConfiguration(decoding: Data(text.utf8), file: file)
    }

    static func decode(_ set: KeyValuePairs<String, String> = [:],
                       removing: [String] = []) throws(QueueConfigurationError) -> QueueConfiguration {
        try decode(text(set, removing: removing))
    }

    /// The error reading the file gives, nil if it reads.
    static func error(_ text: String) -> QueueConfigurationError? {
        do {
            _ = try decode(text)
            return nil
        } catch {
            return error
        }
    }

    static func error(_ set: KeyValuePairs<String, String> = [:], removing: [String] = []) -> QueueConfigurationError? {
        error(text(set, removing: removing))
    }

    /// A fresh empty folder under the temporary directory.
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "herald-queues-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

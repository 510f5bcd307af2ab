import Foundation

/// `herald.json`: the settings `herald serve` reads before its flags.
/// Precedence: a flag, then the environment (`HERALD_DB`), then this file,
/// then the default. Secrets never come from here: a key that looks like
/// one is refused with the environment variable to use instead
/// (docs/CONFIGURATION.md lists every key).
struct HeraldFile: Decodable, Equatable {
    var database: String?
    var listen: String?
    var queues: String?
    var templates: String?
    var enabledQueues: [String]?
    var shutdownTimeoutSeconds: Double?
    var logLevel: String?
    var simulator: Bool?
    var server: Server?

    struct Server: Decodable, Equatable {
        var threads: Int?
        var connectionLimit: Int?
        var connectionTimeoutSeconds: Int?
        var maxBodyBytes: Int?
        var maxImportBytes: Int?
        var webhookMaxAgeSeconds: Int?

        static let keys: Set<String> = ["threads", "connection_limit", "connection_timeout_seconds", "max_body_bytes",
                                        "max_import_bytes", "webhook_max_age_seconds"]
    }

    static let keys: Set<String> = ["database", "listen", "queues", "templates", "enabled_queues",
                                    "shutdown_timeout_seconds", "log_level", "simulator", "server"]

    /// Where a secret goes instead of the file.
    static let secretVariables = [
        "callback_secret": "HERALD_CALLBACK_SECRET", "webhook_secret": "HERALD_WEBHOOK_SECRET",
        "callback_allow": "HERALD_CALLBACK_ALLOW",
    ]

    static let defaultPath = "./herald.json"

    /// The file at `path`; with no path, `./herald.json` if it exists, else
    /// an empty file (every default). Unknown keys, secrets and wrong types
    /// are refused naming the key.
    static func load(path: String?) throws -> (file: HeraldFile, path: String?) {
        let chosen = path ?? defaultPath
        guard FileManager.default.fileExists(atPath: chosen) else {
            if path != nil { throw CommandFailure(.noInput, "no configuration file at \(chosen)") }
            return (HeraldFile(), nil)
        }
        guard let data = FileManager.default.contents(atPath: chosen) else {
            throw CommandFailure(.noInput, "cannot read \(chosen)")
        }
        return (try parse(data, name: chosen), chosen)
    }

    static func parse(_ data: Data, name: String) throws -> HeraldFile {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CommandFailure(.config, "\(name): not a JSON object")
        }
        try checkKeys(object, allowed: keys, path: "", name: name)
        if let server = object["server"] as? [String: Any] {
            try checkKeys(server, allowed: Server.keys, path: "server.", name: name)
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(HeraldFile.self, from: data)
        } catch let DecodingError.typeMismatch(type, context), let DecodingError.valueNotFound(type, context) {
            let key = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            throw CommandFailure(.config, "\(name): \(key) must be \(Self.describe(type))")
        } catch {
            throw CommandFailure(.config, "\(name): \(error)")
        }
    }

    private static func checkKeys(_ object: [String: Any], allowed: Set<String>, path: String, name: String) throws {
        for key in object.keys.sorted() where !allowed.contains(key) {
            if let variable = secretVariables[key] ?? (key.contains("secret") || key.contains("password")
                                                       || key.contains("token") ? "the environment" : nil) {
                throw CommandFailure(.config, "\(name): \(path)\(key) is a secret; secrets come only from the "
                                     + "environment (\(variable)), never from files")
            }
            throw CommandFailure(.config, "\(name): unknown key \(path)\(key) (known: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is [String].Type: "a list of strings"
        default: "a \(type)"
        }
    }
}

import Foundation

/// Where a command that works both ways runs: on the local database
/// (`--db`), or against a running server's `/v1` API (`--url`, `--token`).
enum CommandTarget {
    case local
    case remote(RemoteAPI)

    /// `--db`, `--url` and `--token`.
    static let options: [OptionSpec] = [
        DatabaseOption.spec,
        .value("--url", "URL", "send the command to a running herald serve, e.g. http://127.0.0.1:8080 "
               + "(or set HERALD_URL)"),
        .value("--token", "TOKEN", "the API token for --url (or set HERALD_TOKEN; herald tokens create makes one)"),
    ]

    /// Remote when `--url` (or HERALD_URL, unless `--db` is given) names a
    /// server; local otherwise.
    static func resolve(_ invocation: Invocation,
                        environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CommandTarget {
        let explicitDatabase = invocation.values["--db"] != nil
        let explicitURL = invocation.values["--url"]
        if explicitURL != nil, explicitDatabase {
            throw CommandFailure(.usage, "give --db (this machine's database) or --url (a running server), not both")
        }
        let environmentURL = environment["HERALD_URL"].flatMap { $0.isEmpty || explicitDatabase ? nil : $0 }
        guard let url = explicitURL ?? environmentURL else {
            if invocation.values["--token"] != nil {
                throw CommandFailure(.usage, "--token is for --url; a local command (--db) needs no token")
            }
            return .local
        }
        guard let token = invocation.values["--token"] ?? environment["HERALD_TOKEN"].flatMap({ $0.isEmpty ? nil : $0 })
        else {
            throw CommandFailure(.usage, "--url \(url) needs an API token: give --token TOKEN or set HERALD_TOKEN")
        }
        return .remote(try RemoteAPI(url: url, token: token))
    }
}

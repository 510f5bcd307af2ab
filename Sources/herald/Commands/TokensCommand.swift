import Foundation
import HeraldCore
import HeraldStore

/// `herald tokens create|list|revoke`: the API's bearer tokens, on the local database.
enum TokensCommand {
    static let createSpec = CommandSpec(
        path: ["tokens", "create"],
        summary: "Make an API token for a committee (or an admin token) and print it once",
        discussion: """
            The token is printed once and stored only as its SHA-256 hash: keep it in the
            calling system's secret store. A committee token sees and changes only that
            committee's residents, broadcasts and activities; an admin token sees status
            and every committee. Give exactly one of --committee and --admin.
            """,
        options: [DatabaseOption.spec,
                  .value("--committee", "SLUG|ID", "the committee the token acts for"),
                  .flag("--admin", "an admin token instead"),
                  .value("--name", "NAME", "who uses it, e.g. \"小程序后台\" (1–60 characters)")],
        run: { invocation in try create(invocation) })

    static let listSpec = CommandSpec(
        path: ["tokens", "list"],
        summary: "List API tokens (their prefixes, never the tokens)",
        options: [DatabaseOption.spec, .value("--committee", "SLUG|ID", "only this committee's tokens")],
        run: { invocation in try list(invocation) })

    static let revokeSpec = CommandSpec(
        path: ["tokens", "revoke"],
        summary: "Revoke an API token by its id or prefix; it stops working at once",
        positionals: [PositionalSpec(name: "TOKEN", help: "the token's id or its prefix (hrd_ and 6 characters)")],
        options: [DatabaseOption.spec],
        run: { invocation in try revoke(invocation) })

    static func create(_ invocation: Invocation) throws -> ExitCode {
        func usage(_ message: String) -> UsageError { UsageError(message: message, command: invocation.command) }
        let admin = invocation.flag("--admin")
        let committee = invocation.value("--committee")
        guard admin != (committee != nil) else { throw usage("give exactly one of --committee SLUG and --admin") }
        guard let name = invocation.value("--name") else { throw usage("--name is required: say who uses the token") }
        let made = try withDatabase(invocation) { db in
            let principal: Principal = try committee.map { .committee(try resolve($0, db: db)) } ?? .admin
            return try TokenStore.create(for: principal, name: name, at: Date().unixMilliseconds, db: db)
        }
        print(made.token)
        printError("herald tokens: token \(made.record.id) (\(made.record.prefix)…) for "
                   + "\(describe(made.record.principal)) made; it is shown only this once")
        return .ok
    }

    static func list(_ invocation: Invocation) throws -> ExitCode {
        let tokens = try withDatabase(invocation) { db in
            try TokenStore.list(committee: try invocation.value("--committee").map { try resolve($0, db: db) }, db: db)
        }
        if tokens.isEmpty { print("no tokens"); return .ok }
        for token in tokens {
            let state = token.revokedAt.map { "revoked " + APIDate.text($0) } ?? "active"
            print("\(token.id)\t\(token.prefix)…\t\(describe(token.principal))\t\(token.name)\t"
                  + "created \(APIDate.text(token.createdAt))\t\(state)")
        }
        return .ok
    }

    static func revoke(_ invocation: Invocation) throws -> ExitCode {
        guard let token = invocation.positional(0) else {
            throw UsageError(message: "say which token: its id or prefix", command: invocation.command)
        }
        let revoked = try withDatabase(invocation) { db in try TokenStore.revoke(token, at: Date().unixMilliseconds, db: db) }
        guard revoked else { throw CommandFailure(.noInput, "no token '\(token)'") }
        print("revoked \(token)")
        return .ok
    }

    /// A committee by slug or id.
    private static func resolve(_ text: String, db: Database) throws -> Int64 {
        if let id = Int64(text), let found = try CommitteeStore.find(id: id, db: db) { return found.id }
        if let found = try CommitteeStore.find(slug: text, db: db) { return found.id }
        let known = try CommitteeStore.list(db: db).map(\.slug)
        throw CommandFailure(.noInput, "no committee '\(text)'"
                             + (known.isEmpty ? " (there are none yet)" : "; committees: " + known.joined(separator: ", ")))
    }

    private static func describe(_ principal: Principal) -> String {
        switch principal {
        case .admin: "admin"
        case .committee(let id): "committee \(id)"
        }
    }

    /// Opens (and migrates) the database and runs `body` in one write transaction.
    private static func withDatabase<T>(_ invocation: Invocation, _ body: (Database) throws -> T) throws -> T {
        let path = DatabaseOption.path(invocation)
        try DatabaseOption.requireDirectory(of: path)
        let db: Database
        do {
            db = try Database(path: path)
            _ = try Schema.migrator.migrate(db)
        } catch {
            throw CommandFailure(.cannotCreate, "cannot open database \(path): \(error)")
        }
        do {
            return try db.transaction(.immediate) { try body(db) }
        } catch let error as RecordError {
            throw CommandFailure(error.code == .notFound ? .noInput : .dataError, error.description)
        }
    }
}

/// Unix milliseconds as UTC RFC 3339 text, for listings.
enum APIDate {
    static func text(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(unixMilliseconds: milliseconds))
    }
}

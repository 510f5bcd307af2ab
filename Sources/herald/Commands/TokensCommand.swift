import Foundation
import HeraldCore
import HeraldServer
import HeraldStore

/// `herald tokens create|list|revoke`: the API's bearer tokens, on the local
/// database or through a running server (`--url`, an admin token).
enum TokensCommand {
    static let createSpec = CommandSpec(
        path: ["tokens", "create"],
        summary: "Make an API token for a committee (or an admin token) and print it once",
        discussion: """
            The token is printed once and stored only as its SHA-256 hash: keep it in the
            calling system's secret store. A committee token sees and changes only that
            committee's residents, broadcasts and activities; an admin token sees status
            and every committee. Give exactly one of --committee and --admin.
            With --url (an admin token), the server makes it and sends it back once.
            """,
        options: [.value("--committee", "SLUG|ID", "the committee the token acts for"),
                  .flag("--admin", "an admin token instead"),
                  .value("--name", "NAME", "who uses it, e.g. \"小程序后台\" (1–60 characters)")]
            + CommandTarget.options,
        run: { invocation in try create(invocation) })

    static let listSpec = CommandSpec(
        path: ["tokens", "list"],
        summary: "List API tokens (their prefixes, never the tokens)",
        options: [.value("--committee", "SLUG|ID", "only this committee's tokens")] + CommandTarget.options,
        run: { invocation in try list(invocation) })

    static let revokeSpec = CommandSpec(
        path: ["tokens", "revoke"],
        summary: "Revoke an API token by its id or prefix; it stops working at once",
        positionals: [PositionalSpec(name: "TOKEN", help: "the token's id or its prefix (hrd_ and 6 characters)")],
        options: CommandTarget.options,
        run: { invocation in try revoke(invocation) })

    static func create(_ invocation: Invocation) throws -> ExitCode {
        func usage(_ message: String) -> UsageError { UsageError(message: message, command: invocation.command) }
        let admin = invocation.flag("--admin")
        let committee = invocation.value("--committee")
        guard admin != (committee != nil) else { throw usage("give exactly one of --committee SLUG and --admin") }
        guard let name = invocation.value("--name") else { throw usage("--name is required: say who uses the token") }
        let made: TokenView
        switch try CommandTarget.resolve(invocation) {
        case .remote(let api):
            let committeeID = try api.committeeQuery(committee).first.flatMap { $0.1.flatMap { Int64($0) } }
            made = try api.post("/v1/tokens", json: NewTokenBody(name: name, committeeID: committeeID, admin: admin ? true : nil),
                                as: TokenView.self)
        case .local:
            made = try withDatabase(invocation) { db in
                let principal: Principal = try committee.map { .committee(try resolve($0, db: db)) } ?? .admin
                let created = try TokenStore.create(for: principal, name: name, at: Date().unixMilliseconds, db: db)
                return TokenView(created.record, token: created.token)
            }
        }
        guard let token = made.token else {
            throw CommandFailure(.software, "the server made token \(made.id) but did not send it; revoke it and try again")
        }
        print(token)
        printError("herald tokens: token \(made.id) (\(made.prefix)…) for \(describe(made)) made; "
                   + "it is shown only this once")
        return .ok
    }

    static func list(_ invocation: Invocation) throws -> ExitCode {
        let committee = invocation.value("--committee")
        let tokens: [TokenView]
        switch try CommandTarget.resolve(invocation) {
        case .remote(let api):
            struct Answer: Decodable { var tokens: [TokenView] }
            tokens = try api.get("/v1/tokens", query: try api.committeeQuery(committee), as: Answer.self).tokens
        case .local:
            tokens = try withDatabase(invocation) { db in
                try TokenStore.list(committee: try committee.map { try resolve($0, db: db) }, db: db).map { TokenView($0) }
            }
        }
        if tokens.isEmpty { print("no tokens"); return .ok }
        for token in tokens {
            let state = token.revokedAt.map { "revoked " + $0 } ?? "active"
            print("\(token.id)\t\(token.prefix)…\t\(describe(token))\t\(token.name)\t"
                  + "created \(token.createdAt)\t\(state)")
        }
        return .ok
    }

    static func revoke(_ invocation: Invocation) throws -> ExitCode {
        guard let token = invocation.positional(0) else {
            throw UsageError(message: "say which token: its id or prefix", command: invocation.command)
        }
        switch try CommandTarget.resolve(invocation) {
        case .remote(let api):
            guard let segment = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["_"])) else {
                throw CommandFailure(.usage, "TOKEN must be a token's id or prefix; got '\(token)'")
            }
            _ = try api.post("/v1/tokens/\(segment)/revoke", json: [String: String](), as: TokenView.self)
        case .local:
            let revoked = try withDatabase(invocation) { db in
                try TokenStore.revoke(token, at: Date().unixMilliseconds, db: db)
            }
            guard revoked else { throw CommandFailure(.noInput, "no token '\(token)'") }
        }
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

    private static func describe(_ token: TokenView) -> String {
        token.committee.map { "committee \($0)" } ?? "admin"
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

import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct TokensCommandTests {
    @Test func createListAndRevokeTokens() throws {
        let path = NSTemporaryDirectory() + "herald-tokens-\(UUID().uuidString).db"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let admin = try HeraldProcess.run(["tokens", "create", "--admin", "--name", "ops", "--db", path])
        #expect(admin.status == 0, "\(admin.stderr)")
        let adminToken = admin.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(adminToken.hasPrefix("hrd_") && adminToken.count == 68)
        #expect(admin.stderr.contains("shown only this once"))

        let missing = try HeraldProcess.run(["tokens", "create", "--committee", "yangguang", "--name", "x", "--db", path])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("no committee 'yangguang'"))

        let db = try Database(path: path)
        let committee = try db.transaction { try CommitteeStore.create(slug: "yangguang", name: "阳光居委会", at: 0, db: db) }
        let made = try HeraldProcess.run(["tokens", "create", "--committee", "yangguang", "--name", "小程序后台", "--db", path])
        #expect(made.status == 0)
        let token = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try TokenStore.authenticate(token, db: db) == .committee(committee.id))

        let list = try HeraldProcess.run(["tokens", "list", "--db", path])
        #expect(list.status == 0)
        #expect(list.stdout.contains("小程序后台") && list.stdout.contains("admin"))
        #expect(!list.stdout.contains(token) && !list.stdout.contains(adminToken))

        let revoked = try HeraldProcess.run(["tokens", "revoke", String(token.prefix(10)), "--db", path])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(try TokenStore.authenticate(token, db: db) == nil)
        #expect(try TokenStore.authenticate(adminToken, db: db) == .admin)
    }

    @Test func remoteCreateListAndRevokeNeedAnAdminToken() throws {
        let f = try CommandFixture()
        let server = try RemoteServer(f)
        let made = try server.run(["tokens", "create", "--committee", "yangguang", "--name", "小程序后台"],
                                  token: server.adminToken)
        #expect(made.status == 0, "\(made.stderr)")
        let token = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("hrd_") && token.count == 68)
        #expect(made.stderr.contains("for committee \(f.committee) made; it is shown only this once"))
        let principal = try f.jobs.readers.read { db in try TokenStore.authenticate(token, db: db) }
        #expect(principal == .committee(f.committee))

        // The new token works against the server at once, for its own committee.
        let used = try server.run(["activity", "list"], token: token)
        #expect(used.status == 0, "\(used.stderr)")

        let listed = try server.run(["tokens", "list", "--committee", "yangguang"], token: server.adminToken)
        #expect(listed.status == 0 && listed.stdout.contains("小程序后台"), "\(listed.stderr)")
        #expect(!listed.stdout.contains(token) && !listed.stdout.contains(server.adminToken))
        #expect(listed.stdout == (try f.run(["tokens", "list", "--committee", "yangguang"])).stdout,
                "the same listing either way")

        // A committee's token may not make, list or revoke tokens.
        let refused = try server.run(["tokens", "create", "--admin", "--name", "escalate"], token: token)
        #expect(refused.status == 77 && refused.errorLines.count == 1, "\(refused.stderr)")
        let notListed = try server.run(["tokens", "list"])
        #expect(notListed.status == 77)

        let revoked = try server.run(["tokens", "revoke", String(token.prefix(10))], token: server.adminToken)
        #expect(revoked.status == 0 && revoked.stdout.contains("revoked"), "\(revoked.stderr)")
        let after = try f.jobs.readers.read { db in try TokenStore.authenticate(token, db: db) }
        #expect(after == nil)
        let unknown = try server.run(["tokens", "revoke", "999999"], token: server.adminToken)
        #expect(unknown.status == 66 && unknown.errorLines.count == 1)
    }

    @Test func badInvocationsSayWhatIsWrong() throws {
        let both = try HeraldProcess.run(["tokens", "create", "--admin", "--committee", "x", "--name", "n"])
        #expect(both.status == 64)
        #expect(both.stderr.contains("exactly one of --committee"))
        let unnamed = try HeraldProcess.run(["tokens", "create", "--admin", "--db", "/tmp/x-\(UUID().uuidString).db"])
        #expect(unnamed.status == 64)
        #expect(unnamed.stderr.contains("--name is required"))
        let unknown = try HeraldProcess.run(["tokens", "revoke", "hrd_zzzzzz", "--db", "/tmp/x-\(UUID().uuidString).db"])
        #expect(unknown.status == 66)
        for command in [["tokens", "create"], ["tokens", "list"], ["tokens", "revoke"]] {
            let help = try HeraldProcess.run(command + ["--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Usage: herald \(command.joined(separator: " "))"))
        }
    }
}

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

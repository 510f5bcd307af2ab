import Foundation
import Testing
@testable import HeraldStore

/// A migrated database in a temporary folder, for the record stores.
final class CommitteeDatabase {
    let directory = TemporaryDirectory()
    let db: Database

    init() throws {
        db = try Database(path: directory.file("records.db"))
        try Schema.migrator.migrate(db)
    }
}

@Suite struct CommitteeAndTokenTests {
    @Test func createsFindsAndListsCommittees() throws {
        let f = try CommitteeDatabase()
        let made = try f.db.transaction {
            try CommitteeStore.create(slug: "yangguang", name: "阳光社区居委会", at: 1_000, db: f.db)
        }
        #expect(try CommitteeStore.find(slug: "yangguang", db: f.db) == made)
        #expect(try CommitteeStore.find(id: made.id, db: f.db)?.name == "阳光社区居委会")
        #expect(try CommitteeStore.list(db: f.db).map(\.slug) == ["yangguang"])
    }

    @Test func refusesBadOrDuplicateCommittees() throws {
        let f = try CommitteeDatabase()
        _ = try CommitteeStore.create(slug: "yangguang", name: "阳光社区居委会", at: 1, db: f.db)
        let duplicate = #expect(throws: RecordError.self) {
            try CommitteeStore.create(slug: "yangguang", name: "另一个", at: 2, db: f.db)
        }
        #expect(duplicate?.code == .conflict)
        #expect(duplicate?.field == "slug")
        for (slug, name, zone, field) in [("Yang Guang", "x", "Asia/Shanghai", "slug"), ("ok-slug", "", "Asia/Shanghai", "name"),
                                          ("ok-slug", "名", "Mars/Base", "time_zone")] {
            let error = #expect(throws: RecordError.self) {
                try CommitteeStore.create(slug: slug, name: name, timeZone: zone, at: 3, db: f.db)
            }
            #expect(error?.field == field)
        }
        #expect(try CommitteeStore.list(db: f.db).count == 1)
    }

    @Test func tokensAreStoredHashedAndAuthenticateTheirPrincipal() throws {
        let f = try CommitteeDatabase()
        let committee = try CommitteeStore.create(slug: "yangguang", name: "阳光社区居委会", at: 1, db: f.db)
        let (token, record) = try TokenStore.create(for: .committee(committee.id), name: "mini program backend", at: 2, db: f.db)
        let (adminToken, _) = try TokenStore.create(for: .admin, name: "on call", at: 3, db: f.db)

        #expect(token.hasPrefix("hrd_") && token.count == 68)
        #expect(record.prefix == String(token.prefix(10)))
        // Nothing in the database is the token.
        let stored = try f.db.cached("SELECT hash FROM api_tokens WHERE id = ?").firstRow([record.id]) { $0.data(0) }
        #expect(stored?.count == 32)
        #expect(stored.map { String(decoding: $0, as: UTF8.self) } != token)
        #expect(try f.db.scalarInt("SELECT count(*) FROM api_tokens WHERE hash = ?", [Data(token.utf8)]) == 0)

        #expect(try TokenStore.authenticate(token, db: f.db) == .committee(committee.id))
        #expect(try TokenStore.authenticate(adminToken, db: f.db) == .admin)
        var wrong = token
        wrong.removeLast()
        wrong.append(token.last == "0" ? "1" : "0")
        #expect(try TokenStore.authenticate(wrong, db: f.db) == nil)
        #expect(try TokenStore.authenticate("", db: f.db) == nil)
        #expect(try TokenStore.authenticate("Bearer " + token, db: f.db) == nil)
    }

    @Test func revokedTokensStopWorkingAndListsNeverShowTheToken() throws {
        let f = try CommitteeDatabase()
        let committee = try CommitteeStore.create(slug: "yangguang", name: "阳光社区居委会", at: 1, db: f.db)
        let (token, record) = try TokenStore.create(for: .committee(committee.id), name: "console", at: 2, db: f.db)
        #expect(try TokenStore.revoke(record.prefix, at: 5, db: f.db))
        #expect(try TokenStore.revoke(String(record.id), at: 6, db: f.db))
        #expect(try TokenStore.authenticate(token, db: f.db) == nil)
        let listed = try TokenStore.list(committee: committee.id, db: f.db)
        #expect(listed.map(\.revokedAt) == [5])
        #expect(!"\(listed)".contains(token))
        #expect(throws: RecordError.self) { try TokenStore.create(for: .committee(999), name: "x", at: 7, db: f.db) }
    }
}

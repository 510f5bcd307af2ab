import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

@Suite struct ResidentStoreTests {
    static let roster = """
        \u{FEFF}姓名,手机号,openid,楼号,单元,标签,可接电话,编号
        王阿姨,138 0000 0001,oWang,3号楼,1,"独居老人;高龄",是,A-001
        "李伯伯, 退休教师",13800000002,,5号楼,2,志愿者,否,A-002
        张奶奶,+86 13800000003,,3号楼,1,独居老人,是,
        """

    @Test func aRosterImportsAndAReimportUpdatesInsteadOfAdding() throws {
        let f = try CommitteeDatabase()
        let committee = try CommitteeStore.create(slug: "yangguang", name: "阳光社区居委会", at: 1, db: f.db).id
        let first = RosterImport.csv(Array(Self.roster.utf8))
        #expect(first.errors.isEmpty)
        let summary = try f.db.transaction { try ResidentStore.upsert(first.records, committee: committee, at: 2, db: f.db) }
        #expect(summary.inserted == 3 && summary.updated == 0)
        let stored = try ResidentStore.list(committee: committee, db: f.db)
        #expect(stored.map(\.name) == ["王阿姨", "李伯伯, 退休教师", "张奶奶"])
        #expect(stored.map { $0.phone?.e164 } == ["+8613800000001", "+8613800000002", "+8613800000003"])
        #expect(stored[0].tags == ["独居老人", "高龄"])
        #expect(stored[1].voiceOK == false)

        // The committee's next roster: a new number for A-002 (by external id),
        // a new building for 张奶奶 (by phone), one new resident.
        let next = RosterImport.csv(Array("""
            name,phone,building,external_id,tags
            李伯伯,13800000012,5号楼,A-002,志愿者
            张奶奶,13800000003,7号楼,,
            陈先生,13800000004,1号楼,A-004,
            """.utf8))
        #expect(next.errors.isEmpty)
        let again = try f.db.transaction { try ResidentStore.upsert(next.records, committee: committee, at: 3, db: f.db) }
        #expect(again.inserted == 1 && again.updated == 2)
        let after = try ResidentStore.list(committee: committee, db: f.db)
        #expect(after.count == 4)
        #expect(after.first { $0.externalID == "A-002" }?.phone?.e164 == "+8613800000012")
        #expect(after.first { $0.name == "张奶奶" }?.building == "7号楼")
        #expect(after.first { $0.name == "张奶奶" }?.tags == [])
    }

    @Test func aRecordWhosePhoneAndExternalIDNameDifferentResidentsIsReportedNotWritten() throws {
        let f = try CommitteeDatabase()
        let committee = try CommitteeStore.create(slug: "yangguang", name: "阳光社区居委会", at: 1, db: f.db).id
        _ = try ResidentStore.upsert(RosterImport.csv(Array(Self.roster.utf8)).records, committee: committee, at: 2, db: f.db)
        let clash = RosterImport.csv(Array("name,phone,external_id\n王阿姨,13800000001,A-002\n".utf8))
        let summary = try ResidentStore.upsert(clash.records, committee: committee, at: 3, db: f.db)
        #expect(summary.conflicts.count == 1)
        #expect(summary.inserted == 0 && summary.updated == 0)
        #expect(summary.conflicts.first?.source == .line(2))
        #expect(try ResidentStore.list(committee: committee, db: f.db).first?.externalID == "A-001")
    }

    @Test func theAPIsJSONGoesThroughTheSameUpsert() throws {
        let f = try CommitteeDatabase()
        let committee = try CommitteeStore.create(slug: "yangguang", name: "阳光社区居委会", at: 1, db: f.db).id
        let input = try JSONDecoder().decode([ResidentInput].self, from: Data("""
            [{"name":"刘阿姨","phone":"13800000021","tags":["独居老人"]},{"name":"无号码"}]
            """.utf8))
        let result = RosterImport.json(input)
        #expect(result.records.count == 1)
        #expect(result.errors.count == 1)
        let summary = try ResidentStore.upsert(result.records, committee: committee, at: 2, db: f.db)
        #expect(summary.inserted == 1)
    }
}

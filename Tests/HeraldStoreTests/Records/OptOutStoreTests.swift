import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

@Suite struct OptOutStoreTests {
    @Test func optingOutTwiceKeepsTheFirst() throws {
        let f = try RecordsFixture()
        let committee = try f.committee()
        let resident = try f.resident(committee: committee)
        let first = f.now
        #expect(try f.optOuts.optOut(resident: resident, channel: .sms, source: .smsReply) == .optedOut)
        f.clock.advance(by: 3_600)
        #expect(try f.optOuts.optOut(resident: resident, channel: .sms, source: .staff) == .alreadyOptedOut)
        let row = try f.readers.read { db in
            try db.prepare("SELECT source, created_at, committee_id FROM opt_outs WHERE resident_id = ?1")
                .rows([resident]) { ($0.string(0), $0.int64(1), $0.int64(2)) }
        }
        #expect(row.count == 1)
        #expect(row.first?.0 == "sms_reply")
        #expect(row.first?.1 == first.unixMilliseconds)
        #expect(row.first?.2 == committee)

        #expect(try f.optOuts.isOptedOut(resident: resident, channel: .sms))
        #expect(try !f.optOuts.isOptedOut(resident: resident, channel: .voice), "TD by SMS stops SMS only")
        #expect(try !f.optOuts.isOptedOut(resident: resident, channel: .push))
        #expect(try f.optOuts.optOut(resident: 9_999, channel: .sms, source: .smsReply) == .unknownResident)
    }

    @Test func fanOutLeavesOptedOutResidentsOut() throws {
        let f = try RecordsFixture()
        let gubei = try f.committee("gubei")
        let hongqiao = try f.committee("hongqiao")
        let residents = try f.residents(5, committee: gubei)
        let outsider = try f.resident(committee: hongqiao)
        try f.optOuts.optOut(resident: residents[0], channel: .sms, source: .smsReply)
        try f.optOuts.optOut(resident: residents[1], channel: .sms, source: .smsReply)
        try f.optOuts.optOut(resident: residents[1], channel: .voice, source: .staff)
        try f.optOuts.optOut(resident: residents[2], channel: .push, source: .miniProgram)
        try f.optOuts.optOut(resident: outsider, channel: .sms, source: .smsReply)

        #expect(try f.optOuts.optedOut(committee: gubei, channels: [.sms, .voice])
                == [residents[0]: [.sms], residents[1]: [.sms, .voice]])
        #expect(try f.optOuts.optedOut(committee: gubei, channels: Set(OptOutChannel.allCases))
                == [residents[0]: [.sms], residents[1]: [.sms, .voice], residents[2]: [.push]])
        #expect(try f.optOuts.optedOut(committee: gubei, channels: [.push]) == [residents[2]: [.push]])
        #expect(try f.optOuts.optedOut(committee: gubei, channels: []) == [:])
        #expect(try f.optOuts.optedOut(committee: hongqiao, channels: [.sms]) == [outsider: [.sms]])

        // The same, inside a fan-out query of its own.
        func audience(_ channel: OptOutChannel) throws -> [Int64] {
            try f.readers.read { db in
                let select = try db.prepare("""
                    SELECT id FROM residents WHERE committee_id = :committee AND \(OptOutStore.notOptedOutCondition)
                    ORDER BY id
                    """)
                try select.bind(gubei, named: ":committee")
                try select.bind(channel.rawValue, named: ":opt_out_channel")
                return try select.rows { $0.int64(0) }
            }
        }
        #expect(try audience(.sms) == [residents[2], residents[3], residents[4]])
        #expect(try audience(.voice) == [residents[0], residents[2], residents[3], residents[4]])
        #expect(try audience(.push) == [residents[0], residents[1], residents[3], residents[4]])
    }

    @Test func staffCanOptAResidentBackIn() throws {
        let f = try RecordsFixture()
        let committee = try f.committee()
        let resident = try f.resident(committee: committee)
        try f.optOuts.optOut(resident: resident, channel: .voice, source: .smsReply)
        #expect(try f.optOuts.optIn(resident: resident, channel: .voice))
        #expect(try !f.optOuts.optIn(resident: resident, channel: .voice), "opting in twice changes nothing")
        #expect(try !f.optOuts.isOptedOut(resident: resident, channel: .voice))
        #expect(try f.optOuts.optedOut(committee: committee, channels: [.voice]).isEmpty)
        #expect(try f.optOuts.optOut(resident: resident, channel: .voice, source: .voiceKey) == .optedOut,
                "and out again")
    }

    @Test func aTDReplyOptsOutOfSMS() throws {
        let f = try RecordsFixture()
        let committee = try f.committee()
        let resident = try f.resident(committee: committee)
        #expect(ReplyIntent.parse(text: "退订ＴＤ", for: .invitation) == .optOut)
        #expect(try f.optOuts.optOut(resident: resident, channel: .sms, source: .smsReply) == .optedOut)
        #expect(try f.optOuts.isOptedOut(resident: resident, channel: .sms))
    }
}

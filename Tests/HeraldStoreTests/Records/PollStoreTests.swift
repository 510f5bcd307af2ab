import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

@Suite struct PollStoreTests {
    @Test func latestAnswerWinsAndTheTallyCountsEachResidentOnce() throws {
        let f = try RecordsFixture()
        let committee = try f.committee()
        let residents = try f.residents(5, committee: committee)
        let poll = try f.broadcast(committee: committee, kind: .poll)

        #expect(try f.polls.recordAnswer(broadcast: poll, resident: residents[0], choice: .agree, source: .smsReply)
                == .recorded(replaced: nil))
        _ = try f.polls.recordAnswer(broadcast: poll, resident: residents[1], choice: .agree, source: .voiceKey)
        _ = try f.polls.recordAnswer(broadcast: poll, resident: residents[2], choice: .disagree, source: .miniProgram)
        _ = try f.polls.recordAnswer(broadcast: poll, resident: residents[3], choice: .abstain, source: .staff)
        f.clock.advance(by: 60)
        #expect(try f.polls.recordAnswer(broadcast: poll, resident: residents[0], choice: .disagree, source: .smsReply)
                == .recorded(replaced: .agree), "the resident changed their mind")
        #expect(try f.polls.recordAnswer(broadcast: poll, resident: residents[2], choice: .disagree, source: .smsReply)
                == .recorded(replaced: .disagree), "the same answer again")

        var tally = try f.polls.tally(broadcast: poll)
        #expect(tally.counts == [.agree: 1, .disagree: 2, .abstain: 1])
        #expect(tally.total == 4)
        #expect(tally[.agree] == 1)
        #expect(tally[PollChoice(rawValue: "4")!] == 0)
        #expect(tally.sorted.map(\.choice) == [.agree, .disagree, .abstain])
        #expect(tally.sorted.map(\.count) == [1, 2, 1])

        // An answer given before the stored one, handled after it, loses.
        #expect(try f.polls.recordAnswer(broadcast: poll, resident: residents[0], choice: .abstain, source: .voiceKey,
                                         at: f.now - 30) == .outdated(current: .disagree))
        #expect(try f.polls.answer(broadcast: poll, resident: residents[0]) == .disagree)
        // At the same moment, the one handled last wins.
        #expect(try f.polls.recordAnswer(broadcast: poll, resident: residents[0], choice: .abstain, source: .voiceKey)
                == .recorded(replaced: .disagree))
        tally = try f.polls.tally(broadcast: poll)
        #expect(tally.counts == [.agree: 1, .disagree: 1, .abstain: 2])
        #expect(try f.polls.answer(broadcast: poll, resident: residents[4]) == nil)

        let source = try f.readers.read { db in
            try db.prepare("SELECT source FROM poll_answers WHERE broadcast_id = ?1 AND resident_id = ?2")
                .firstRow([poll, residents[0]]) { $0.string(0) }
        }
        #expect(source == "voice_key")
        #expect(try f.polls.tally(broadcast: try f.broadcast(committee: committee, kind: .poll)).total == 0)
    }

    @Test func repliesBecomeVotes() throws {
        let f = try RecordsFixture()
        let committee = try f.committee()
        let residents = try f.residents(4, committee: committee)
        let poll = try f.broadcast(committee: committee, kind: .poll)
        let replies: [(String, ReplySource)] = [("同意", .smsReply), ("１", .smsReply), ("2#", .voiceKey), ("弃权。", .smsReply)]
        for (resident, (reply, source)) in zip(residents, replies) {
            let intent = source == .voiceKey ? ReplyIntent.parse(keys: reply, for: .poll)
                : ReplyIntent.parse(text: reply, for: .poll)
            guard case .pollAnswer(let choice) = intent else {
                Issue.record("\(reply) was read as \(intent)")
                continue
            }
            _ = try f.polls.recordAnswer(broadcast: poll, resident: resident, choice: choice, source: source)
        }
        #expect(try f.polls.tally(broadcast: poll).counts == [.agree: 2, .disagree: 1, .abstain: 1])
    }

    @Test func onlyPollsOfTheResidentsOwnCommitteeTakeAnswers() throws {
        let f = try RecordsFixture()
        let gubei = try f.committee("gubei")
        let hongqiao = try f.committee("hongqiao")
        let resident = try f.resident(committee: gubei)
        let outsider = try f.resident(committee: hongqiao)
        let poll = try f.broadcast(committee: gubei, kind: .poll)
        let notice = try f.broadcast(committee: gubei, kind: .notice)
        #expect(try f.polls.recordAnswer(broadcast: notice, resident: resident, choice: .agree, source: .smsReply)
                == .notAPoll)
        #expect(try f.polls.recordAnswer(broadcast: 9_999, resident: resident, choice: .agree, source: .smsReply)
                == .unknownBroadcast)
        #expect(try f.polls.recordAnswer(broadcast: poll, resident: outsider, choice: .agree, source: .smsReply)
                == .wrongCommittee)
        #expect(try f.polls.recordAnswer(broadcast: poll, resident: 9_999, choice: .agree, source: .smsReply)
                == .unknownResident)
        #expect(try f.polls.tally(broadcast: poll).total == 0)
    }
}

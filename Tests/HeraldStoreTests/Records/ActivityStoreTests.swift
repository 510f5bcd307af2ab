import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

@Suite struct ActivityStoreTests {
    // MARK: Creating and reading

    @Test func createdActivityReadsBack() throws {
        let f = try RecordsFixture()
        let committee = try f.committee()
        let startsAt = f.now + 7 * 86_400
        let created = try f.activities.create(NewActivity(
            committee: committee, title: "  灭火器免费更换 ", place: " ", startsAt: startsAt, capacity: 400))
        #expect(created.title == "灭火器免费更换")
        #expect(created.place == nil, "a blank place is stored as none")
        #expect(created.capacity == 400)
        #expect(created.signedUp == 0)
        #expect(created.remaining == 400)
        #expect(created.fullAt == nil)
        #expect(created.signupDeadline == nil)
        #expect(created.closesAt == created.startsAt)
        #expect(created.createdAt == f.now)
        #expect(try f.activities.activity(created.id) == created)
        #expect(try f.activities.activity(created.id + 1) == nil)
    }

    @Test func listIsPerCommitteeSoonestFirst() throws {
        let f = try RecordsFixture()
        let gubei = try f.committee("gubei")
        let hongqiao = try f.committee("hongqiao")
        let later = try f.activities.create(NewActivity(committee: gubei, title: "便民理发", startsAt: f.now + 9_000,
                                                        capacity: 20))
        let sooner = try f.activities.create(NewActivity(committee: gubei, title: "量血压", startsAt: f.now + 3_000,
                                                         capacity: 50))
        let other = try f.activities.create(NewActivity(committee: hongqiao, title: "垃圾分类讲座",
                                                        startsAt: f.now + 1_000, capacity: 30))
        #expect(try f.activities.activities(committee: gubei).map(\.id) == [sooner.id, later.id])
        #expect(try f.activities.activities(committee: hongqiao).map(\.id) == [other.id])
        #expect(try f.activities.activities(committee: 999).isEmpty)
    }

    @Test func invalidActivityListsEveryProblem() throws {
        let f = try RecordsFixture()
        let committee = try f.committee()
        let error = #expect(throws: ActivityError.self) {
            try f.activities.create(NewActivity(committee: committee, title: " ", startsAt: f.now + 3_600,
                                                signupDeadline: f.now + 7_200, capacity: 0))
        }
        #expect(error?.codes == [.titleMissing, .capacityNotPositive, .deadlineAfterStart])
        #expect(error?.problems.map(\.field) == ["title", "capacity", "signupDeadline"])
        #expect(error?.description.contains("capacity is 0: an activity needs at least 1 place") == true)
        #expect(error?.description.contains("after the start") == true)

        let past = #expect(throws: ActivityError.self) {
            try f.activities.create(NewActivity(committee: committee, title: "量血压", startsAt: f.now - 60,
                                                capacity: 10))
        }
        #expect(past?.codes == [.startsInPast])
        #expect(past?.problems.first?.message.contains("(Asia/Shanghai), which has already passed") == true)

        let closed = #expect(throws: ActivityError.self) {
            try f.activities.create(NewActivity(committee: committee, title: "量血压", startsAt: f.now + 3_600,
                                                signupDeadline: f.now - 1, capacity: 10))
        }
        #expect(closed?.codes == [.deadlinePassed])

        let nobody = #expect(throws: ActivityError.self) {
            try f.activities.create(NewActivity(committee: 4_242, title: "量血压", startsAt: f.now + 3_600,
                                                capacity: 10))
        }
        #expect(nobody?.codes == [.unknownCommittee])
        #expect(nobody?.problems.first?.message == "committee 4242 does not exist")
        #expect(try f.activities.activities(committee: committee).isEmpty, "nothing was stored")
    }

    // MARK: Places

    @Test func fiveResidentsForThreePlaces() throws {
        let f = try RecordsFixture()
        let committee = try f.committee()
        let activity = try f.activity(committee: committee, capacity: 3)
        let residents = try f.residents(5, committee: committee)
        let results = try residents.map { try f.activities.signUp(activity: activity.id, resident: $0, source: .smsReply) }
        #expect(results == [
            .signedUp(count: 1, becameFull: false),
            .signedUp(count: 2, becameFull: false),
            .signedUp(count: 3, becameFull: true),
            .full,
            .full,
        ])
        let stored = try #require(try f.activities.activity(activity.id))
        #expect(stored.signedUp == 3)
        #expect(stored.remaining == 0)
        #expect(stored.isFull)
        #expect(stored.fullAt == f.now)
        #expect(try f.activities.residentsSignedUp(activity: activity.id) == Array(residents.prefix(3)))
        let counts = try f.counts(activity: activity.id)
        #expect(counts.stored == 3 && counts.active == 3)
    }

    @Test func aRepeatedOneCountsOnce() throws {
        let f = try RecordsFixture()
        let committee = try f.committee()
        let activity = try f.activity(committee: committee, capacity: 10)
        let resident = try f.resident(committee: committee)
        #expect(try f.activities.signUp(activity: activity.id, resident: resident, source: .voiceKey, deliveryID: 77)
                == .signedUp(count: 1, becameFull: false))
        f.clock.advance(by: 60)
        #expect(try f.activities.signUp(activity: activity.id, resident: resident, source: .smsReply)
                == .alreadySignedUp(count: 1))
        #expect(try f.activities.signUp(activity: activity.id, resident: resident, source: .miniProgram)
                == .alreadySignedUp(count: 1))
        let counts = try f.counts(activity: activity.id)
        #expect(counts.stored == 1 && counts.active == 1)
        // The first sign-up's source and delivery are kept.
        let row = try f.readers.read { db in
            try db.prepare("SELECT source, delivery_id FROM signups WHERE activity_id = ?1 AND resident_id = ?2")
                .firstRow([activity.id, resident]) { ($0.string(0), $0.optionalInt64(1)) }
        }
        #expect(row?.0 == "voice_key")
        #expect(row?.1 == 77)
    }

    @Test func cancellationFreesThePlaceForSomeoneElse() throws {
        let f = try RecordsFixture()
        let committee = try f.committee()
        let activity = try f.activity(committee: committee, capacity: 2)
        let residents = try f.residents(3, committee: committee)
        _ = try f.activities.signUp(activity: activity.id, resident: residents[0], source: .smsReply)
        _ = try f.activities.signUp(activity: activity.id, resident: residents[1], source: .smsReply)
        #expect(try f.activities.signUp(activity: activity.id, resident: residents[2], source: .smsReply) == .full)

        #expect(try f.activities.cancelSignUp(activity: activity.id, resident: residents[0], source: .smsReply)
                == .cancelled(count: 1, reopened: true))
        #expect(try f.activities.activity(activity.id)?.fullAt == nil)
        #expect(try f.activities.cancelSignUp(activity: activity.id, resident: residents[0], source: .staff)
                == .notSignedUp(count: 1), "cancelling twice changes nothing")
        #expect(try f.activities.cancelSignUp(activity: activity.id, resident: residents[2], source: .smsReply)
                == .notSignedUp(count: 1), "nor does cancelling without a place")

        #expect(try f.activities.signUp(activity: activity.id, resident: residents[2], source: .smsReply)
                == .signedUp(count: 2, becameFull: true))
        #expect(try f.activities.signUp(activity: activity.id, resident: residents[0], source: .smsReply) == .full,
                "the place is gone: the resident who cancelled does not get it back")
        #expect(try f.activities.cancelSignUp(activity: activity.id, resident: residents[1], source: .miniProgram)
                == .cancelled(count: 1, reopened: true))
        #expect(try f.activities.signUp(activity: activity.id, resident: residents[0], source: .smsReply)
                == .signedUp(count: 2, becameFull: true), "a resident who cancelled may sign up again")
        #expect(Set(try f.activities.residentsSignedUp(activity: activity.id)) == [residents[0], residents[2]])
        let counts = try f.counts(activity: activity.id)
        #expect(counts.stored == 2 && counts.active == 2)
        #expect(try f.activities.cancelSignUp(activity: activity.id + 9, resident: residents[0], source: .staff)
                == .unknownActivity)
    }

    @Test func signUpsCloseAtTheDeadline() throws {
        let f = try RecordsFixture()
        let committee = try f.committee()
        let deadline = f.now + 3_600
        let activity = try f.activities.create(NewActivity(committee: committee, title: "便民理发",
                                                           startsAt: f.now + 7_200, signupDeadline: deadline,
                                                           capacity: 10))
        let residents = try f.residents(4, committee: committee)
        #expect(try f.activities.signUp(activity: activity.id, resident: residents[0], source: .smsReply, at: deadline)
                == .signedUp(count: 1, becameFull: false), "the deadline minute itself still counts")
        #expect(try f.activities.signUp(activity: activity.id, resident: residents[1], source: .smsReply,
                                        at: deadline + 1) == .closed)
        f.clock.set(deadline + 600)
        #expect(try f.activities.signUp(activity: activity.id, resident: residents[2], source: .voiceKey) == .closed)
        #expect(try f.activities.signUp(activity: activity.id, resident: residents[3], source: .smsReply,
                                        at: deadline - 60) == .signedUp(count: 2, becameFull: false),
                "a reply sent before the deadline and handled after it counts")
        #expect(try f.activities.signUp(activity: activity.id, resident: residents[0], source: .smsReply)
                == .alreadySignedUp(count: 2))
        #expect(try f.activities.cancelSignUp(activity: activity.id, resident: residents[0], source: .smsReply)
                == .cancelled(count: 1, reopened: false), "cancelling is allowed after the deadline")
        let counts = try f.counts(activity: activity.id)
        #expect(counts.stored == 1 && counts.active == 1)
    }

    @Test func withoutADeadlineSignUpsCloseAtTheStart() throws {
        let f = try RecordsFixture()
        let committee = try f.committee()
        let activity = try f.activities.create(NewActivity(committee: committee, title: "量血压",
                                                           startsAt: f.now + 3_600, capacity: 10))
        let resident = try f.resident(committee: committee)
        f.clock.advance(by: 3_601)
        #expect(try f.activities.signUp(activity: activity.id, resident: resident, source: .smsReply) == .closed)
    }

    @Test func onlyTheActivitysOwnResidentsSignUp() throws {
        let f = try RecordsFixture()
        let gubei = try f.committee("gubei")
        let hongqiao = try f.committee("hongqiao")
        let activity = try f.activity(committee: gubei, capacity: 5)
        let outsider = try f.resident(committee: hongqiao)
        #expect(try f.activities.signUp(activity: activity.id, resident: outsider, source: .smsReply) == .wrongCommittee)
        #expect(try f.activities.signUp(activity: activity.id, resident: 9_999, source: .staff) == .unknownResident)
        #expect(try f.activities.signUp(activity: 9_999, resident: outsider, source: .staff) == .unknownActivity)
        let counts = try f.counts(activity: activity.id)
        #expect(counts.stored == 0 && counts.active == 0)
        #expect(try f.readers.read { try $0.scalarInt("SELECT count(*) FROM signups") } == 0)
    }

    @Test func theCheckConstraintIsTheSecondGuard() throws {
        let f = try RecordsFixture()
        let committee = try f.committee()
        let activity = try f.activity(committee: committee, capacity: 1)
        #expect(throws: DatabaseError.self) {
            try f.writer.write { db in
                try db.prepare("UPDATE activities SET signed_up = capacity + 1 WHERE id = ?1").execute([activity.id])
            }
        }
    }
}

import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

@Suite struct InvitationCancellationTests {
    /// Deliveries and jobs of broadcasts, written as fan-out would.
    struct Sending {
        let f: RecordsFixture
        let queue: JobQueue

        init(_ f: RecordsFixture) {
            self.f = f
            queue = JobQueue(writer: f.writer, readers: f.readers, clock: f.clock, seed: 7)
        }

        /// One delivery per resident (state as given) and one pending job per queued delivery.
        @discardableResult
        func deliver(_ broadcast: Int64, committee: Int64, to residents: [Int64], state: Int = 0,
                     channel: String = "sms") throws -> [Int64] {
            let ids = try f.writer.write { db in
                try residents.map { resident in
                    try db.cached("""
                        INSERT INTO deliveries (broadcast_id, committee_id, resident_id, state, channel, updated_at)
                        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                        """).execute([broadcast, committee, resident, state, channel, f.now.unixMilliseconds])
                    return db.lastInsertRowID
                }
            }
            if state == 0 {
                try queue.enqueue(ids.map { NewJob(queue: channel, payload: Data("\($0)".utf8), committee: committee,
                                                   group: broadcast) })
            }
            return ids
        }

        func jobStates(group: Int64) throws -> [Int] {
            try f.readers.read { db in
                try db.prepare("SELECT state FROM jobs WHERE group_id = ?1 ORDER BY id").rows([group]) { $0.int(0) }
            }
        }

        func deliveryStates(_ broadcast: Int64) throws -> [Int] {
            try f.readers.read { db in
                try db.prepare("SELECT state FROM deliveries WHERE broadcast_id = ?1 ORDER BY id")
                    .rows([broadcast]) { $0.int(0) }
            }
        }
    }

    @Test func becomingFullCancelsThePendingInvitations() throws {
        let f = try RecordsFixture()
        let sending = Sending(f)
        let committee = try f.committee()
        let activity = try f.activity(committee: committee, capacity: 2)
        let residents = try f.residents(6, committee: committee)
        let invitation = try f.broadcast(committee: committee, kind: .invitation, activity: activity.id)
        let voiceWave = try f.broadcast(committee: committee, kind: .invitation, activity: activity.id)
        let reminder = try f.broadcast(committee: committee, kind: .reminder, activity: activity.id)
        let notice = try f.broadcast(committee: committee, kind: .notice)

        try sending.deliver(invitation, committee: committee, to: [residents[0]], state: 1)  // already sent
        let queued = try sending.deliver(invitation, committee: committee, to: Array(residents[1...5]))
        let queuedVoice = try sending.deliver(voiceWave, committee: committee, to: [residents[2], residents[3]],
                                              channel: "voice")
        try sending.deliver(reminder, committee: committee, to: [residents[0]])
        try sending.deliver(notice, committee: committee, to: [residents[4]])
        // A worker is already sending one invitation.
        let running = try sending.queue.claim(queue: "sms", limit: 1, leaseFor: 60)
        #expect(running.map(\.group) == [invitation])

        #expect(try f.activities.cancelPendingInvitations(activity: activity.id) == nil,
                "an activity with a free place keeps inviting")
        #expect(try sending.jobStates(group: invitation) == [1, 0, 0, 0, 0])

        #expect(try f.activities.signUp(activity: activity.id, resident: residents[0], source: .smsReply)
                == .signedUp(count: 1, becameFull: false))
        f.clock.advance(by: 30)
        #expect(try f.activities.signUp(activity: activity.id, resident: residents[1], source: .voiceKey)
                == .signedUp(count: 2, becameFull: true))
        let cancellation = try f.activities.cancelPendingInvitations(activity: activity.id)
        #expect(cancellation == InvitationCancellation(broadcasts: [invitation, voiceWave], jobs: 4 + 2,
                                                       deliveries: 5 + 2))

        #expect(try sending.jobStates(group: invitation) == [1, 4, 4, 4, 4], "the running job is left to finish")
        #expect(try sending.jobStates(group: voiceWave) == [4, 4])
        #expect(try sending.jobStates(group: reminder) == [0], "reminders go to those who signed up")
        #expect(try sending.jobStates(group: notice) == [0])
        #expect(try sending.deliveryStates(invitation) == [1, 5, 5, 5, 5, 5], "a sent delivery stays sent")
        #expect(try sending.deliveryStates(voiceWave) == [5, 5])
        #expect(try sending.deliveryStates(reminder) == [0])
        #expect(try sending.deliveryStates(notice) == [0])

        let events = try f.readers.read { db in
            try db.prepare("SELECT delivery_id, at, kind, channel, detail FROM delivery_events ORDER BY delivery_id")
                .rows { ($0.int64(0), $0.int64(1), $0.string(2), $0.optionalString(3), $0.optionalString(4)) }
        }
        #expect(events.map(\.0) == queued + queuedVoice)
        #expect(events.allSatisfy { $0.1 == f.now.unixMilliseconds && $0.2 == "cancelled" })
        #expect(events.map(\.3) == Array(repeating: "sms", count: 5) + ["voice", "voice"])
        let detail = try #require(events.first?.4)
        let fields = try JSONSerialization.jsonObject(with: Data(detail.utf8)) as? [String: Any]
        #expect(fields?["reason"] as? String == "activity full")
        #expect(fields?["activity_id"] as? Int == Int(activity.id))

        // Cancelled jobs are never claimed; the others still are.
        let claimed = try sending.queue.claim(queue: "sms", limit: 10, leaseFor: 60)
        #expect(Set(claimed.compactMap(\.group)) == [reminder, notice])
        #expect(try sending.queue.claim(queue: "voice", limit: 10, leaseFor: 60).isEmpty)

        // Again: nothing left to cancel.
        #expect(try f.activities.cancelPendingInvitations(activity: activity.id)
                == InvitationCancellation(broadcasts: [invitation, voiceWave], jobs: 0, deliveries: 0))
        #expect(try f.readers.read { try $0.scalarInt("SELECT count(*) FROM delivery_events") } == 7)

        // A place given back: the activity is no longer full, nothing is cancelled.
        _ = try f.activities.cancelSignUp(activity: activity.id, resident: residents[0], source: .smsReply)
        #expect(try f.activities.cancelPendingInvitations(activity: activity.id) == nil)
        #expect(try f.activities.cancelPendingInvitations(activity: 9_999) == nil)
    }

    @Test func aFullActivityWithoutInvitationsCancelsNothing() throws {
        let f = try RecordsFixture()
        let committee = try f.committee()
        let activity = try f.activity(committee: committee, capacity: 1)
        let resident = try f.resident(committee: committee)
        #expect(try f.activities.signUp(activity: activity.id, resident: resident, source: .staff)
                == .signedUp(count: 1, becameFull: true))
        #expect(try f.activities.cancelPendingInvitations(activity: activity.id) == InvitationCancellation())
    }
}

import Foundation
import HeraldCore
import Testing
@testable import HeraldStore

/// A seeded random walk of sign-ups and cancellations (repeated "1"s,
/// residents of another committee, cancellations without a place) against a
/// model that predicts every answer. After every step the stored count must
/// equal `SELECT count(*) FROM signups WHERE state = 1`, the model's count,
/// and `full_at` must be set exactly when no place is left.
@Suite struct SignUpModelTests {
    static let seeds: [UInt64] = [0x5EED_0001, 0xAC71_F17E, 20_260_501]
    static let steps = 400
    static let capacity = 5

    @Test(arguments: seeds)
    func countEqualsActiveSignUpsAfterEveryStep(seed: UInt64) throws {
        let f = try RecordsFixture()
        var random = SeededGenerator(seed: seed)
        let committee = try f.committee("gubei")
        let activity = try f.activity(committee: committee, capacity: Self.capacity)
        let residents = try f.residents(12, committee: committee)
        let outsiders = try f.residents(2, committee: try f.committee("hongqiao"))
        var signedUp: Set<Int64> = []
        var tally = (signUps: 0, full: 0, cancels: 0)

        for step in 0..<Self.steps {
            f.clock.advance(by: Double(Int.random(in: 1...90, using: &random)))
            let source = ReplySource.allCases.randomElement(using: &random)!
            let roll = Int.random(in: 0..<20, using: &random)
            if roll < 11 {
                let resident = roll == 0 ? outsiders.randomElement(using: &random)!
                    : residents.randomElement(using: &random)!
                let expected: SignUpResult
                if outsiders.contains(resident) {
                    expected = .wrongCommittee
                } else if signedUp.contains(resident) {
                    expected = .alreadySignedUp(count: signedUp.count)
                } else if signedUp.count == Self.capacity {
                    expected = .full
                    tally.full += 1
                } else {
                    signedUp.insert(resident)
                    expected = .signedUp(count: signedUp.count, becameFull: signedUp.count == Self.capacity)
                    tally.signUps += 1
                }
                let result = try f.activities.signUp(activity: activity.id, resident: resident, source: source,
                                                     deliveryID: Int64(step))
                try #require(result == expected, "seed \(seed) step \(step): sign-up of \(resident)")
            } else {
                let resident = (residents + outsiders).randomElement(using: &random)!
                let expected: SignUpCancellation
                let wasFull = signedUp.count == Self.capacity
                if signedUp.remove(resident) != nil {
                    expected = .cancelled(count: signedUp.count, reopened: wasFull)
                    tally.cancels += 1
                } else {
                    expected = .notSignedUp(count: signedUp.count)
                }
                let result = try f.activities.cancelSignUp(activity: activity.id, resident: resident, source: source)
                try #require(result == expected, "seed \(seed) step \(step): cancellation of \(resident)")
            }
            try checkInvariant(f, activity: activity.id, model: signedUp, "seed \(seed) step \(step)")
        }

        // After the deadline nobody new gets in, but places can still be given back.
        f.clock.set(try #require(activity.signupDeadline) + 1)
        if let newcomer = residents.first(where: { !signedUp.contains($0) }) {
            #expect(try f.activities.signUp(activity: activity.id, resident: newcomer, source: .smsReply) == .closed)
        }
        if let leaving = signedUp.first {
            #expect(try f.activities.cancelSignUp(activity: activity.id, resident: leaving, source: .smsReply)
                    == .cancelled(count: signedUp.count - 1, reopened: signedUp.count == Self.capacity))
            signedUp.remove(leaving)
        }
        try checkInvariant(f, activity: activity.id, model: signedUp, "seed \(seed) after the deadline")
        // The walk must have exercised every branch, or it proves little.
        #expect(tally.signUps > 20 && tally.full > 10 && tally.cancels > 20, "seed \(seed): \(tally)")
    }

    private func checkInvariant(_ f: RecordsFixture, activity: Int64, model: Set<Int64>,
                                _ context: String) throws {
        let counts = try f.counts(activity: activity)
        try #require(counts.stored == counts.active, "\(context): signed_up \(counts.stored), active \(counts.active)")
        try #require(counts.stored == model.count, "\(context): signed_up \(counts.stored), model \(model.count)")
        try #require((counts.fullAt != nil) == (model.count == Self.capacity), "\(context): full_at \(counts.fullAt as Any)")
        try #require(Set(try f.activities.residentsSignedUp(activity: activity)) == model, "\(context): residents")
    }
}

import Foundation
import Testing

@testable import HeraldCore

@Suite("FrequencyCap")
struct FrequencyCapTests {
    static let start = Date(timeIntervalSince1970: 1_796_000_000)

    static func at(_ seconds: Double) -> Date { start + seconds }

    @Test("the defaults: 1 a minute, 5 an hour, 20 a day")
    func defaults() {
        let limits = [FrequencyCap.Limit(1, per: 60), .init(5, per: 3600), .init(20, per: 86_400)]
        #expect(FrequencyCap.voiceDefault.limits == limits)
        #expect(FrequencyCap.smsDefault.limits == limits)
        #expect(FrequencyCap.voiceDefault.longestWindow == 86_400)
        #expect(FrequencyCap.none.limits.isEmpty)
        #expect(FrequencyCap.none.longestWindow == 0)
    }

    @Test("no limits or no history: now")
    func unlimited() {
        #expect(FrequencyCap.none.nextAllowed(now: Self.start, previous: [Self.start]) == Self.start)
        #expect(FrequencyCap.voiceDefault.nextAllowed(now: Self.start, previous: []) == Self.start)
    }

    @Test("one a minute: the next contact a full minute after the last")
    func perMinute() {
        let cap = FrequencyCap.voiceDefault
        #expect(cap.nextAllowed(now: Self.at(10), previous: [Self.at(0)]) == Self.at(60))
        #expect(cap.nextAllowed(now: Self.at(60), previous: [Self.at(0)]) == Self.at(60))
        #expect(cap.nextAllowed(now: Self.at(61), previous: [Self.at(0)]) == Self.at(61))
    }

    @Test("five an hour, in any order, sliding")
    func perHour() {
        let cap = FrequencyCap.voiceDefault
        let five = [Self.at(600), Self.at(0), Self.at(1800), Self.at(120), Self.at(300)]
        // The sixth may go when the oldest of the five is an hour old.
        #expect(cap.nextAllowed(now: Self.at(1900), previous: five) == Self.at(3600))
        // Later, only four are within the hour: the minute limit is what is left.
        #expect(cap.nextAllowed(now: Self.at(3650), previous: five + [Self.at(3620)]) == Self.at(3720))
        #expect(cap.nextAllowed(now: Self.at(1900), previous: Array(five.dropFirst())) == Self.at(1900))
    }

    @Test("twenty a day")
    func perDay() {
        let cap = FrequencyCap.voiceDefault
        // Four blocks of five, each an hour and a bit apart.
        let twenty = (0..<20).map { Self.at(Double($0 / 5) * 4000 + Double($0 % 5) * 60) }
        let now = Self.at(20_000)
        #expect(cap.nextAllowed(now: now, previous: twenty) == Self.at(86_400))
        #expect(cap.nextAllowed(now: now, previous: Array(twenty.dropFirst())) == now)
    }

    @Test("contacts after now count as already made")
    func futureContacts() {
        let cap = FrequencyCap([.init(1, per: 60)])
        #expect(cap.nextAllowed(now: Self.at(0), previous: [Self.at(5)]) == Self.at(65))
    }

    /// Whether no `seconds`-long span holds more than `count` of `contacts`, for every limit.
    static func keeps(_ cap: FrequencyCap, _ contacts: [Date]) -> Bool {
        cap.limits.allSatisfy { limit in
            contacts.allSatisfy { first in
                contacts.filter { $0 >= first && $0 < first + Double(limit.seconds) }.count <= limit.count
            }
        }
    }

    @Test("the answer keeps every limit, and nothing earlier would")
    func earliestTimeThatKeepsEveryLimit() {
        var generator = SeededGenerator(seed: 7)
        let cap = FrequencyCap([.init(2, per: 10), .init(3, per: 45), .init(5, per: 300)])
        var contacts: [Date] = []
        var now = Self.start
        var deferred = 0
        for _ in 0..<200 {
            now += Double(Int.random(in: 0...20, using: &generator))
            let when = cap.nextAllowed(now: now, previous: contacts.shuffled(using: &generator))
            #expect(when >= now)
            #expect(Self.keeps(cap, contacts + [when]))
            if when > now {
                deferred += 1
                #expect(!Self.keeps(cap, contacts + [max(now, when - 0.5)]))
            }
            contacts.append(when)
            now = when
        }
        #expect(deferred > 20)
    }
}

import Foundation
import Testing

@testable import HeraldCore

@Suite("QuietHours")
struct QuietHoursTests {
    static let voice = SendWindow.voiceDefault

    static func next(_ date: Date, _ window: SendWindow = voice, quiet: String? = nil) throws -> Date? {
        QuietHours.nextAllowed(atOrAfter: date, window: window,
                               residentQuiet: try quiet.map { try QuietHoursOverride(parsing: $0) })
    }

    @Test("without a resident span it is the window's next opening")
    func windowOnly() throws {
        #expect(try Self.next(Shanghai.date(10, 21, 30)) == Shanghai.date(11, 9, 0))
        #expect(try Self.next(Shanghai.date(10, 8, 59, 59)) == Shanghai.date(10, 9, 0))
        #expect(try Self.next(Shanghai.date(10, 19, 59)) == Shanghai.date(10, 19, 59))
    }

    @Test("a window crossing midnight")
    func windowCrossingMidnight() throws {
        let night = try SendWindow(parsing: "21:00-07:00")
        #expect(try Self.next(Shanghai.date(10, 12, 0), night) == Shanghai.date(10, 21, 0))
        #expect(try Self.next(Shanghai.date(10, 3, 0), night) == Shanghai.date(10, 3, 0))
        #expect(try Self.next(Shanghai.date(10, 3, 0), night, quiet: "00:00-05:00") == Shanghai.date(10, 5, 0))
        #expect(try Self.next(Shanghai.date(10, 22, 0), night, quiet: "21:00-02:00") == Shanghai.date(11, 2, 0))
    }

    @Test("a resident's lunchtime rest inside the window")
    func spanInsideWindow() throws {
        let lunch = "12:00-14:00"
        #expect(try Self.next(Shanghai.date(10, 11, 59, 59), quiet: lunch) == Shanghai.date(10, 11, 59, 59))
        #expect(try Self.next(Shanghai.date(10, 12, 0), quiet: lunch) == Shanghai.date(10, 14, 0))
        #expect(try Self.next(Shanghai.date(10, 13, 30, 15), quiet: lunch) == Shanghai.date(10, 14, 0))
        #expect(try Self.next(Shanghai.date(10, 14, 0), quiet: lunch) == Shanghai.date(10, 14, 0))
        #expect(try Self.next(Shanghai.date(10, 7, 0), quiet: lunch) == Shanghai.date(10, 9, 0))
    }

    @Test("a span covering the start of the window pushes to its end")
    func spanOverTheOpening() throws {
        #expect(try Self.next(Shanghai.date(10, 21, 0), quiet: "08:00-10:30") == Shanghai.date(11, 10, 30))
        #expect(try Self.next(Shanghai.date(10, 19, 0), quiet: "19:30-09:30") == Shanghai.date(10, 19, 0))
        #expect(try Self.next(Shanghai.date(10, 19, 45), quiet: "19:30-09:30") == Shanghai.date(11, 9, 30))
    }

    @Test("a span crossing midnight")
    func spanCrossingMidnight() throws {
        let evenings = "19:00-10:00"
        #expect(try Self.next(Shanghai.date(10, 6, 0), quiet: evenings) == Shanghai.date(10, 10, 0))
        #expect(try Self.next(Shanghai.date(10, 18, 59), quiet: evenings) == Shanghai.date(10, 18, 59))
        #expect(try Self.next(Shanghai.date(10, 19, 0), quiet: evenings) == Shanghai.date(11, 10, 0))
    }

    @Test("a span covering the whole window leaves no time")
    func spanCoversWindow() throws {
        #expect(try Self.next(Shanghai.date(10, 12, 0), quiet: "08:00-21:00") == nil)
        #expect(try Self.next(Shanghai.date(10, 12, 0), quiet: "09:00-20:00") == nil)
        #expect(try Self.next(Shanghai.date(10, 18, 30), quiet: "18:00-21:00") == Shanghai.date(11, 9, 0))
        #expect(try Self.next(Shanghai.date(10, 12, 0), quiet: "07:00-06:00") == nil)
        #expect(try Self.next(Shanghai.date(10, 12, 0), quiet: "09:00-19:59") == Shanghai.date(10, 19, 59))
    }

    @Test("the answer is always allowed and never earlier than asked")
    func exhaustive() throws {
        let windows = [SendWindow.voiceDefault, SendWindow.smsDefault, try SendWindow(parsing: "21:00-07:00"),
                       SendWindow.always]
        let spans = ["12:00-14:00", "21:00-09:00", "08:30-09:30", "19:59-08:00", "00:00-23:59", "06:00-05:00"]
        let spansAndNone = spans.map { Optional($0) } + [nil]
        for window in windows {
            for text in spansAndNone {
                let span = try text.map { try QuietHoursOverride(parsing: $0) }
                for quarter in 0..<(24 * 4) {
                    let asked = Shanghai.date(10, quarter / 4, (quarter % 4) * 15, 7)
                    let someMinute = (0..<1440).contains {
                        window.contains(minuteOfDay: $0) && !(span?.contains(minuteOfDay: $0) ?? false)
                    }
                    guard let answer = QuietHours.nextAllowed(atOrAfter: asked, window: window, residentQuiet: span)
                    else {
                        #expect(!someMinute, "no time for \(window) outside \(text ?? "none")")
                        continue
                    }
                    #expect(answer >= asked)
                    #expect(answer.timeIntervalSince(asked) < 2 * 86_400)
                    #expect(window.contains(answer))
                    #expect(span.map { !$0.contains(minuteOfDay: window.minuteOfDay(answer)) } ?? true)
                }
            }
        }
    }
}

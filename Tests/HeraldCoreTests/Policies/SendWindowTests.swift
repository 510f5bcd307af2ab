import Foundation
import Testing

@testable import HeraldCore

/// Dates and windows in Asia/Shanghai, for the policy tests.
enum Shanghai {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = SendWindow.shanghai
        return calendar
    }()

    static func date(_ day: Int, _ hour: Int, _ minute: Int, _ second: Int = 0, month: Int = 6) -> Date {
        calendar.date(from: DateComponents(year: 2026, month: month, day: day, hour: hour, minute: minute,
                                           second: second))!
    }
}

@Suite("SendWindow")
struct SendWindowTests {
    @Test("parses queue-file text", arguments: [
        ("09:00-20:00", 540, 1200, false, false),
        ("00:00-24:00", 0, 1440, true, false),
        ("21:00-07:00", 1260, 420, false, true),
        ("8:30 - 21:00", 510, 1260, false, false),
        ("21:00-00:00", 1260, 1440, false, false),
        ("21:00-24:00", 1260, 1440, false, false),
    ])
    func parsing(text: String, start: Int, end: Int, always: Bool, crosses: Bool) throws {
        let window = try SendWindow(parsing: text)
        #expect(window.startMinute == start)
        #expect(window.endMinute == end)
        #expect(window.isAlways == always)
        #expect(window.crossesMidnight == crosses)
        #expect(window.timeZone.identifier == "Asia/Shanghai")
    }

    @Test("refuses what is not a window", arguments: [
        "9-17", "09:00", "09:00-20:00-21:00", "25:00-26:00", "09:60-20:00", "24:00-08:00", "09:00-09:00",
        "00:00-00:00", "", "０９:00-20:00", "09:00-20:00 Asia/Shanghai",
    ])
    func invalid(text: String) {
        #expect(throws: SendWindowError.self) { try SendWindow(parsing: text) }
    }

    @Test("refuses minutes out of range")
    func outOfRange() {
        #expect(throws: SendWindowError.self) { try SendWindow(startMinute: -1, endMinute: 60) }
        #expect(throws: SendWindowError.self) { try SendWindow(startMinute: 1440, endMinute: 60) }
        #expect(throws: SendWindowError.self) { try SendWindow(startMinute: 60, endMinute: 0) }
        #expect(throws: SendWindowError.self) { try SendWindow(startMinute: 60, endMinute: 1441) }
        #expect(throws: SendWindowError.self) { try SendWindow(startMinute: 60, endMinute: 60) }
    }

    @Test("the defaults and their descriptions")
    func defaults() throws {
        #expect(SendWindow.voiceDefault.description == "09:00-20:00 Asia/Shanghai")
        #expect(SendWindow.smsDefault.description == "08:00-21:00 Asia/Shanghai")
        #expect(SendWindow.always.description == "00:00-24:00 Asia/Shanghai")
        #expect(SendWindow.always.isAlways)
        #expect(!SendWindow.voiceDefault.isAlways)
        #expect(SendWindow.voiceDefault.hours == "09:00-20:00")
        #expect(try SendWindow(parsing: "09:00-20:00") == SendWindow.voiceDefault)
    }

    @Test("start is inclusive and end exclusive, in Shanghai time")
    func contains() {
        let voice = SendWindow.voiceDefault
        #expect(!voice.contains(Shanghai.date(10, 8, 59, 59)))
        #expect(voice.contains(Shanghai.date(10, 9, 0)))
        #expect(voice.contains(Shanghai.date(10, 19, 59, 59)))
        #expect(!voice.contains(Shanghai.date(10, 20, 0)))
        #expect(!voice.contains(Shanghai.date(10, 3, 0)))
        #expect(SendWindow.always.contains(Shanghai.date(10, 3, 0)))
    }

    @Test("the next opening")
    func nextOpening() {
        let voice = SendWindow.voiceDefault
        #expect(voice.nextOpening(atOrAfter: Shanghai.date(10, 21, 30)) == Shanghai.date(11, 9, 0))
        #expect(voice.nextOpening(atOrAfter: Shanghai.date(10, 8, 59, 59)) == Shanghai.date(10, 9, 0))
        #expect(voice.nextOpening(atOrAfter: Shanghai.date(10, 19, 59)) == Shanghai.date(10, 19, 59))
        #expect(voice.nextOpening(atOrAfter: Shanghai.date(10, 20, 0)) == Shanghai.date(11, 9, 0))
        #expect(voice.nextOpening(atOrAfter: Shanghai.date(30, 23, 0)) == Shanghai.date(1, 9, 0, month: 7))
        let always = SendWindow.always
        #expect(always.nextOpening(atOrAfter: Shanghai.date(10, 3, 7, 9)) == Shanghai.date(10, 3, 7, 9))
    }

    @Test("a window crossing midnight")
    func crossingMidnight() throws {
        let night = try SendWindow(parsing: "21:00-07:00")
        #expect(night.contains(Shanghai.date(10, 23, 0)))
        #expect(night.contains(Shanghai.date(10, 0, 0)))
        #expect(night.contains(Shanghai.date(10, 6, 59, 59)))
        #expect(!night.contains(Shanghai.date(10, 7, 0)))
        #expect(!night.contains(Shanghai.date(10, 20, 59)))
        #expect(night.nextOpening(atOrAfter: Shanghai.date(10, 7, 0)) == Shanghai.date(10, 21, 0))
        #expect(night.nextOpening(atOrAfter: Shanghai.date(10, 2, 0)) == Shanghai.date(10, 2, 0))
    }

    @Test("another zone keeps its wall-clock hours across a daylight-saving change")
    func daylightSaving() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let window = try SendWindow(parsing: "09:00-20:00", timeZone: berlin)
        #expect(window.description == "09:00-20:00 Europe/Berlin")
        #expect(SendWindow.voiceDefault.inTimeZone(berlin) == window)
        // Saturday 28 March 2026, 21:30 CET (UTC+1); clocks go forward that night.
        let saturdayEvening = Date(timeIntervalSince1970: 1_774_729_800)
        let sundayMorning = window.nextOpening(atOrAfter: saturdayEvening)
        // 09:00 CEST (UTC+2) is 07:00 UTC: 10.5 hours later, not the 11.5 the local clocks differ by.
        #expect(sundayMorning.timeIntervalSince(saturdayEvening) == 10.5 * 3600)
        #expect(window.contains(sundayMorning))
        // A window starting inside the skipped hour opens when the clocks jump past it (03:00 CEST).
        let gap = try SendWindow(parsing: "02:30-04:00", timeZone: berlin)
        let opening = gap.nextOpening(atOrAfter: saturdayEvening)
        #expect(gap.contains(opening))
        #expect(opening.timeIntervalSince(saturdayEvening) == 4.5 * 3600)
    }
}

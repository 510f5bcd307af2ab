import Foundation
import Testing

@testable import HeraldCore

@Suite("QuietHoursOverride")
struct QuietHoursOverrideTests {
    @Test(
        "spans as typed, crossing midnight or not",
        arguments: [
            ("21:00-09:00", 21 * 60, 9 * 60, true),
            ("22:00-08:30", 22 * 60, 8 * 60 + 30, true),
            ("7:30 - 9:00", 7 * 60 + 30, 9 * 60, false),
            ("12:00~14:00", 12 * 60, 14 * 60, false),
            ("21:00至07:00", 21 * 60, 7 * 60, true),
            ("２１：００－０９：００", 21 * 60, 9 * 60, true),  // full-width, as Chinese input methods type it
            ("22:00–24:00", 22 * 60, 0, true),
            ("00:00-06:00", 0, 6 * 60, false),
        ])
    func parsing(text: String, start: Int, end: Int, crosses: Bool) throws {
        let span = try QuietHoursOverride(parsing: text)
        #expect(span.startMinute == start)
        #expect(span.endMinute == end)
        #expect(span.crossesMidnight == crosses)
    }

    @Test(
        "what is not a span",
        arguments: [
            ("21:00", QuietHoursError.Code.malformed),
            ("9-17", .malformed),
            ("21:00-09:00-10:00", .malformed),
            ("21.00-09.00", .malformed),
            ("21:0-09:00", .malformed),
            ("晚上九点-早上九点", .malformed),
            ("25:00-09:00", .outOfRange),
            ("21:60-09:00", .outOfRange),
            ("24:00-09:00", .outOfRange),
            ("21:00-21:00", .emptySpan),
            ("00:00-24:00", .emptySpan),
        ])
    func invalid(text: String, code: QuietHoursError.Code) {
        #expect(throws: QuietHoursError.self) { try QuietHoursOverride(parsing: text) }
        do {
            _ = try QuietHoursOverride(parsing: text)
        } catch {
            #expect(error.code == code)
        }
    }

    @Test("the exact messages")
    func messages() {
        func message(_ text: String) -> String? {
            do {
                _ = try QuietHoursOverride(parsing: text)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(message("21:00") == "quiet hours must be a span like 21:00-09:00 (start-end, 24-hour clock)")
        #expect(message("21:00-25:00") == "quiet hours end time is not a time of day; hours go 0-23 and minutes 00-59")
        #expect(message("8:00-8:00") == "quiet hours start and end are the same time; give a span such as 21:00-09:00, "
            + "or leave it empty for the default")
    }

    @Test("a span crossing midnight holds the late evening and the early morning, end excluded")
    func containsAcrossMidnight() throws {
        let night = try QuietHoursOverride(parsing: "21:00-09:00")
        #expect(night.durationMinutes == 12 * 60)
        for minute in [21 * 60, 23 * 60 + 59, 0, 3 * 60, 8 * 60 + 59] {
            #expect(night.contains(minuteOfDay: minute), "minute \(minute)")
        }
        for minute in [9 * 60, 12 * 60, 20 * 60 + 59] {
            #expect(!night.contains(minuteOfDay: minute), "minute \(minute)")
        }
        let lunch = try QuietHoursOverride(parsing: "12:00-14:00")
        #expect(lunch.durationMinutes == 120)
        #expect(lunch.contains(minuteOfDay: 12 * 60))
        #expect(!lunch.contains(minuteOfDay: 14 * 60))
        #expect(!lunch.contains(minuteOfDay: 0))
    }

    @Test("prints as HH:MM-HH:MM and reads back; Codable as that text")
    func description() throws {
        let span = try QuietHoursOverride(parsing: "7:30-9:05")
        #expect(span.description == "07:30-09:05")
        #expect(try QuietHoursOverride(parsing: span.description) == span)
        let data = try JSONEncoder().encode([span])
        #expect(String(decoding: data, as: UTF8.self) == #"["07:30-09:05"]"#)
        #expect(try JSONDecoder().decode([QuietHoursOverride].self, from: data) == [span])
    }

    @Test("start and end out of range are refused")
    func memberwise() {
        #expect(throws: QuietHoursError.self) { try QuietHoursOverride(startMinute: -1, endMinute: 60) }
        #expect(throws: QuietHoursError.self) { try QuietHoursOverride(startMinute: 60, endMinute: 1440) }
        #expect(throws: QuietHoursError.self) { try QuietHoursOverride(startMinute: 60, endMinute: 60) }
    }
}

import Foundation
import Testing

@testable import HeraldCore

private func decode(_ json: String) throws -> [ResidentInput] {
    try JSONDecoder().decode([ResidentInput].self, from: Data(json.utf8))
}

@Suite("RosterImport: JSON input")
struct ResidentInputTests {
    @Test("JSON residents get the same validation as CSV rows, reported by index")
    func validation() throws {
        let inputs = try decode("""
        [
          {"name": "陈阿婆", "phone": "138 0000 0001", "building": 3, "tags": ["独居", " 高龄 ", "独居"],
           "preferred_channel": "语音", "voice_ok": "是", "quiet_hours": "21:00-09:00", "external_id": "A-1"},
          {"name": "王五", "phone": "12345", "voice_ok": "maybe"},
          {"name": "", "openid": "oXYZ"},
          {"name": "赵六", "nickname": "小赵", "phone": {"number": 1}},
          {"name": "陈秀英", "phone": "+86 13800000001", "tags": "党员;独居", "voice_ok": null, "openid": null},
          {"name": "孙八", "openid": "oAbc", "voice_ok": 0, "room": 1203, "unit": "2"}
        ]
        """)
        let result = RosterImport.json(inputs)
        #expect(result.records == [
            ResidentRecord(
                name: "陈秀英", phone: phone("13800000001"), building: "3", tags: ["独居", "高龄", "党员"],
                preferredChannel: .voice, voiceOK: true,
                quietHours: try QuietHoursOverride(startMinute: 21 * 60, endMinute: 9 * 60),
                externalID: "A-1", source: .index(0)),
            ResidentRecord(name: "孙八", openID: "oAbc", unit: "2", room: "1203", voiceOK: false, source: .index(5)),
        ])
        #expect(result.issues == [
            RosterIssue(.invalidPhone,
                        "the phone number cannot be used (too_short): phone number has 5 digits; a mainland mobile has 11",
                        at: .index(1), column: "phone", field: .phone),
            RosterIssue(.invalidBoolean, "must be true or false (also yes/no, 1/0, 是/否, 可/不可)",
                        at: .index(1), column: "voice_ok", field: .voiceOK),
            RosterIssue(.missingName, "the name is empty; every resident needs a name", at: .index(2), column: "name", field: .name),
            RosterIssue(.wrongType, "must be text", at: .index(3), column: "phone", field: .phone),
            RosterIssue(.unknownColumn, "unknown fields ignored: nickname", at: .index(3)),
            RosterIssue(.mergedDuplicate,
                        "the same resident as index 0 (same phone); merged into one record, taking name, tags from this row",
                        at: .index(4)),
        ])
        #expect(result.issues.map(\.index) == [1, 1, 2, 3, 3, 4])
        #expect(result.issues.allSatisfy { $0.line == nil })
        #expect(result.summary == RosterSummary(rowsRead: 6, validRows: 3, invalidRows: 3, mergedDuplicates: 1, records: 2))
    }

    @Test("the same roster as CSV and as JSON gives the same records and issues")
    func sameAsCSV() throws {
        let csv = importCSV("name,phone,openid,room,tags,preferred_channel,voice_ok,quiet_hours,external_id\n"
            + "张三,13800000001,,101,独居|高龄,sms,no,22:00-08:30,E-1\n"
            + "李四,1380000000,,,,,,,\n"
            + "王五,,,,,,,,\n"
            + "赵六,13800000002,,,,邮件,也许,9-17,\n"
            + "张三,+86 138 0000 0001,,102,党员,,,,\n")
        let json = RosterImport.json([
            ResidentInput(name: "张三", phone: "13800000001", room: "101", tags: ["独居", "高龄"], preferredChannel: "sms",
                          voiceOK: false, quietHours: "22:00-08:30", externalID: "E-1"),
            ResidentInput(name: "李四", phone: "1380000000"),
            ResidentInput(name: "王五"),
            try decode(#"[{"name": "赵六", "phone": "13800000002", "preferred_channel": "邮件", "voice_ok": "也许", "quiet_hours": "9-17"}]"#)[0],
            ResidentInput(name: "张三", phone: "+86 138 0000 0001", room: "102", tags: ["党员"]),
        ])
        func withoutSource(_ records: [ResidentRecord]) -> [ResidentRecord] {
            records.map { var record = $0; record.source = .index(0); return record }
        }
        #expect(withoutSource(json.records) == withoutSource(csv.records))
        #expect(json.records.count == 1)
        #expect(json.issues.map(\.code) == csv.issues.map(\.code))
        #expect(json.issues.map(\.reason) == csv.issues.map { $0.reason.replacingOccurrences(of: "line 2", with: "index 0") })
        #expect(json.issues.map(\.field) == csv.issues.map(\.field))
        #expect(json.issues.map(\.index) == [1, 2, 3, 3, 3, 4])
        #expect(csv.issues.map(\.line) == [3, 4, 5, 5, 5, 6])
        #expect(json.summary == csv.summary)
    }

    @Test("ResidentInput encodes with snake_case field names and leaves out what is nil")
    func encoding() throws {
        let input = ResidentInput(name: "陈阿婆", phone: "13800000001", openID: "oAbc", preferredChannel: "voice",
                                  voiceOK: true, quietHours: "21:00-09:00", externalID: "A-1")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(input), as: UTF8.self)
        #expect(json == #"{"external_id":"A-1","name":"陈阿婆","openid":"oAbc","phone":"13800000001","#
            + #""preferred_channel":"voice","quiet_hours":"21:00-09:00","voice_ok":true}"#)
        #expect(try decode("[\(json)]") == [input])
    }

    @Test("a value that is not an object fails decoding of the request")
    func notAnObject() {
        #expect(throws: DecodingError.self) { try decode(#"["张三"]"#) }
    }

    @Test("an empty list is an empty roster")
    func empty() {
        #expect(RosterImport.json([]) == RosterImportResult(records: [], issues: [], summary: RosterSummary()))
    }
}

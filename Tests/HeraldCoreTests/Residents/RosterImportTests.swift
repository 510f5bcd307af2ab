import Foundation
import Testing

@testable import HeraldCore

/// Imports `text` as CSV, in chunks of `chunkSize` bytes (one chunk when nil).
func importCSV(_ text: String, chunkSize: Int? = nil) -> RosterImportResult {
    importCSV(Array(text.utf8), chunkSize: chunkSize)
}

func importCSV(_ bytes: [UInt8], chunkSize: Int? = nil) -> RosterImportResult {
    var roster = RosterImport()
    let size = chunkSize ?? max(bytes.count, 1)
    var start = 0
    while start < bytes.count {
        let end = min(start + size, bytes.count)
        roster.feed(bytes[start..<end])
        start = end
    }
    return roster.finish()
}

func phone(_ text: String) -> PhoneNumber {
    // Test data only ever holds valid numbers here.
    try! PhoneNumber(parsing: text)  // swiftlint:disable:this force_try
}

let allColumns = "name,phone,openid,building,unit,room,tags,preferred_channel,voice_ok,quiet_hours,external_id\n"

@Suite("RosterImport: CSV rows")
struct RosterImportTests {
    // MARK: Good rows

    @Test("a row with every English column becomes one exact record")
    func everyColumn() throws {
        let result = importCSV(allColumns + "陈阿婆,138 0000 0001,,3,2,501,独居;高龄; 独居 ,voice,yes,21:00-09:00,A-0032\n")
        #expect(result.issues == [])
        #expect(result.records == [
            ResidentRecord(
                name: "陈阿婆", phone: phone("+8613800000001"), openID: nil,
                building: "3", unit: "2", room: "501", tags: ["独居", "高龄"],
                preferredChannel: .voice, voiceOK: true,
                quietHours: try QuietHoursOverride(startMinute: 21 * 60, endMinute: 9 * 60),
                externalID: "A-0032", source: .line(2)),
        ])
        #expect(result.summary == RosterSummary(rowsRead: 1, validRows: 1, records: 1))
    }

    @Test("Chinese headers, a BOM and CRLF line ends")
    func chineseHeaders() throws {
        let text = "\u{FEFF}姓名,手机号,微信OpenID,楼栋,单元,室,标签,首选渠道,可接电话,免打扰,居民编号\r\n"
            + "王建国,+86 139 0000 0002,,12,1,302,党员、志愿者|党员,短信,否,22:00-08:30,B-7\r\n"
            + "\r\n"
            + "\"李, 秀兰\",,oWx_2Fq-9,12,1,303,独居，高龄,推送,可,,B-8\r\n"
        let result = importCSV(text)
        #expect(result.issues == [])
        #expect(result.records == [
            ResidentRecord(
                name: "王建国", phone: phone("13900000002"), building: "12", unit: "1", room: "302",
                tags: ["党员", "志愿者"], preferredChannel: .sms, voiceOK: false,
                quietHours: try QuietHoursOverride(startMinute: 22 * 60, endMinute: 8 * 60 + 30),
                externalID: "B-7", source: .line(2)),
            ResidentRecord(
                name: "李, 秀兰", openID: "oWx_2Fq-9", building: "12", unit: "1", room: "303",
                tags: ["独居", "高龄"], preferredChannel: .push, voiceOK: true, externalID: "B-8",
                source: .line(4)),
        ])
        #expect(result.summary == RosterSummary(rowsRead: 2, validRows: 2, records: 2))
    }

    @Test(
        "header names are trimmed, compared without case, and spaces or dashes count as _",
        arguments: [
            (" Name ", RosterField.name), ("姓名", .name),
            ("MOBILE", .phone), ("Phone", .phone), ("手机", .phone), ("手机号", .phone), ("电话", .phone),
            ("Open ID", .openID), ("open_id", .openID), ("微信OpenID", .openID),
            ("楼号", .building), ("楼栋", .building), ("单元", .unit), ("房号", .room), ("室", .room),
            ("Tags", .tags), ("标签", .tags),
            ("Preferred Channel", .preferredChannel), ("首选渠道", .preferredChannel),
            ("VOICE-OK", .voiceOK), ("可接电话", .voiceOK), ("接受电话", .voiceOK),
            ("quiet hours", .quietHours), ("免打扰", .quietHours),
            ("External ID", .externalID), ("编号", .externalID), ("\u{3000}居民编号", .externalID),
        ])
    func headerAliases(header: String, field: RosterField) {
        #expect(RosterField(header: header) == field)
    }

    @Test(
        "voice_ok in English and Chinese; empty means true",
        arguments: [
            ("true", true), ("TRUE", true), ("yes", true), ("Yes", true), ("1", true), ("是", true), ("可", true),
            ("false", false), ("no", false), ("NO", false), ("0", false), ("否", false), ("不可", false),
            ("", true), (" 是 ", true),
        ])
    func booleans(text: String, expected: Bool) {
        let result = importCSV("姓名,手机,接受电话\n张三,13800000001,\(text)\n")
        #expect(result.issues == [])
        #expect(result.records.map(\.voiceOK) == [expected])
    }

    @Test(
        "preferred_channel in English and Chinese",
        arguments: [
            ("push", ResidentChannel.push), ("PUSH", .push), ("推送", .push),
            ("sms", .sms), ("SMS", .sms), ("短信", .sms),
            ("voice", .voice), ("Voice", .voice), ("电话", .voice), ("语音", .voice),
        ])
    func channels(text: String, expected: ResidentChannel) {
        let result = importCSV("name,phone,preferred_channel\n张三,13800000001,\(text)\n")
        #expect(result.issues == [])
        #expect(result.records.map(\.preferredChannel) == [expected])
    }

    @Test("an empty channel is no preference")
    func noChannel() {
        let result = importCSV("name,phone,preferred_channel\n张三,13800000001, \n")
        #expect(result.records.map(\.preferredChannel) == [nil])
    }

    // MARK: Bad fields

    @Test("bad booleans, channels and quiet hours are reported with line and column; the row is not imported")
    func badFields() {
        let result = importCSV("姓名,手机,可接电话,首选渠道,免打扰\n张三,13800000001,也许,邮件,21:00\n李四,13800000002,是,短信,\n")
        #expect(result.issues == [
            RosterIssue(.invalidChannel, "must be push, sms or voice (推送, 短信, 电话 or 语音)",
                        at: .line(2), column: "首选渠道", field: .preferredChannel),
            RosterIssue(.invalidBoolean, "must be true or false (also yes/no, 1/0, 是/否, 可/不可)",
                        at: .line(2), column: "可接电话", field: .voiceOK),
            RosterIssue(.invalidQuietHours, "quiet hours must be a span like 21:00-09:00 (start-end, 24-hour clock)",
                        at: .line(2), column: "免打扰", field: .quietHours),
        ])
        #expect(result.issues.allSatisfy { $0.severity == .error })
        #expect(result.records.map(\.name) == ["李四"])
        #expect(result.summary == RosterSummary(rowsRead: 2, validRows: 1, invalidRows: 1, records: 1))
    }

    @Test("bad phones are reported with line and column, and the number is never echoed")
    func badPhones() {
        let text = "name,手机号\n"
            + "张三,1380000000\n"  // 10 digits
            + "李四,1.38E+10\n"  // a spreadsheet's scientific notation
            + "王五,12800000001\n"  // 11 digits, not 13-19
            + "赵六,138-0000-0001x\n"
        let result = importCSV(text)
        #expect(result.issues == [
            RosterIssue(.invalidPhone,
                        "the phone number cannot be used (too_short): phone number has 10 digits; a mainland mobile has 11",
                        at: .line(2), column: "手机号", field: .phone),
            RosterIssue(.invalidPhone,
                        "the phone number cannot be used (invalid_character): phone number has a letter at position 5; "
                            + "use only digits, spaces, dashes, parentheses and a leading +; "
                            + "the spreadsheet shows the number in scientific notation: format the column as text and export again",
                        at: .line(3), column: "手机号", field: .phone),
            RosterIssue(.invalidPhone,
                        "the phone number cannot be used (invalid_mobile_prefix): an 11-digit mainland mobile starts with "
                            + "13 to 19; a landline starts with 0 and its area code, e.g. 021",
                        at: .line(4), column: "手机号", field: .phone),
            RosterIssue(.invalidPhone,
                        "the phone number cannot be used (invalid_character): phone number has a letter at position 14; "
                            + "use only digits, spaces, dashes, parentheses and a leading +",
                        at: .line(5), column: "手机号", field: .phone),
        ])
        #expect(result.records == [])
        #expect(result.summary == RosterSummary(rowsRead: 4, invalidRows: 4))
        let report = result.issues.map(\.description).joined(separator: "\n")
        for digits in ["1380000000", "12800000001", "0000-0001", "1.38"] {
            #expect(!report.contains(digits))
        }
    }

    @Test("a row with neither phone nor openid is an error about the row")
    func missingContact() {
        let result = importCSV("name,phone,openid,room\n张三,,,101\n李四,,oAbc123,102\n")
        #expect(result.issues == [
            RosterIssue(.missingContact, "the row has neither a phone nor an openid; give at least one", at: .line(2)),
        ])
        #expect(result.records.map(\.name) == ["李四"])
        #expect(result.summary == RosterSummary(rowsRead: 2, validRows: 1, invalidRows: 1, records: 1))
    }

    @Test("a missing name, a too long name, a name with a line break; every problem of a row is reported")
    func names() {
        let long = String(repeating: "长", count: 51)
        let fifty = String(repeating: "好", count: 50)
        let result = importCSV("name,phone,voice_ok\n,13800000001,maybe\n\(long),13800000002,\n\"王\n五\",13800000003,\n\(fifty),13800000004,\n")
        #expect(result.issues == [
            RosterIssue(.missingName, "the name is empty; every resident needs a name", at: .line(2), column: "name", field: .name),
            RosterIssue(.invalidBoolean, "must be true or false (also yes/no, 1/0, 是/否, 可/不可)",
                        at: .line(2), column: "voice_ok", field: .voiceOK),
            RosterIssue(.nameTooLong, "the name has 51 characters; at most 50 are allowed", at: .line(3), column: "name", field: .name),
            RosterIssue(.invalidName, "the name holds a line break or another control character; keep it on one line",
                        at: .line(4), column: "name", field: .name),
        ])
        #expect(result.records.map(\.name) == [fifty])
        #expect(result.records.map(\.source) == [.line(6)])
    }

    @Test("an openid must look like one")
    func badOpenID() {
        let result = importCSV("name,openid\n张三,13800000001\n李四,o-9_Ab\n王五,微信号\n")
        let reason = "an openid is 1 to 64 letters, digits, - and _; check that this column holds the WeChat openid"
        #expect(result.issues == [
            RosterIssue(.invalidOpenID, reason, at: .line(2), column: "openid", field: .openID),
            RosterIssue(.invalidOpenID, reason, at: .line(4), column: "openid", field: .openID),
        ])
        #expect(result.records.map(\.openID) == ["o-9_Ab"])
    }

    @Test("warnings for a voice preference without calls and an SMS preference without a mobile; the rows are imported")
    func warnings() {
        let result = importCSV("name,phone,openid,preferred_channel,voice_ok\n张三,13800000001,,voice,否\n李四,021-12345678,,sms,\n王五,,oAbc,短信,\n")
        #expect(result.issues == [
            RosterIssue(.voiceNotAccepted, "prefers voice but does not accept calls; no call will be made to this resident",
                        at: .line(2), column: "voice_ok", field: .voiceOK),
            RosterIssue(.smsNeedsMobile, "prefers SMS but has no mainland mobile number; SMS notices cannot reach this resident",
                        at: .line(3), column: "preferred_channel", field: .preferredChannel),
            RosterIssue(.smsNeedsMobile, "prefers SMS but has no mainland mobile number; SMS notices cannot reach this resident",
                        at: .line(4), column: "preferred_channel", field: .preferredChannel),
        ])
        #expect(result.issues.allSatisfy { $0.severity == .warning })
        #expect(result.records.count == 3)
        #expect(result.summary.validRows == 3)
    }

    @Test("a row with more values than the header is an error; trailing empty cells are not")
    func tooManyColumns() {
        let result = importCSV("name,phone\n张三,13800000001,,\n李四,13800000002,x\n王五\n")
        #expect(result.issues == [
            RosterIssue(.tooManyColumns,
                        "the row has values in 3 columns but the header has 2; a value probably holds a comma: put that value in quotes",
                        at: .line(3)),
            RosterIssue(.missingContact, "the row has neither a phone nor an openid; give at least one", at: .line(4)),
        ])
        #expect(result.records.map(\.name) == ["张三"])
    }

    @Test("rows of empty cells are skipped and counted")
    func emptyRows() {
        let result = importCSV("name,phone\n,\n张三,13800000001\n , \n\n")
        #expect(result.issues == [])
        #expect(result.records.map(\.name) == ["张三"])
        #expect(result.summary == RosterSummary(rowsRead: 3, validRows: 1, emptyRows: 2, records: 1))
    }

    // MARK: The header

    @Test("unknown columns are a warning that lists them; their values are ignored")
    func unknownColumns() {
        let result = importCSV("name,phone,备注,,age\n张三,13800000001,腿脚不便,x,80\n")
        #expect(result.issues == [
            RosterIssue(.unknownColumn, "unknown columns ignored: 备注, column 4, age", at: .line(1)),
        ])
        #expect(result.issues[0].severity == .warning)
        #expect(result.records == [ResidentRecord(name: "张三", phone: phone("13800000001"), source: .line(2))])
    }

    @Test("a header without a name or contact column stops the import, naming what is missing")
    func missingHeaderColumns() {
        let result = importCSV("楼号,房号\n3,101\n")
        #expect(result.issues == [
            RosterIssue(.missingColumn,
                        "the header line has no name column (name or 姓名) and no phone or openid column "
                            + "(phone, mobile, 手机, 手机号, 手机号码, 电话, 联系电话, openid, open_id, 微信openid); nothing was imported",
                        at: .line(1)),
        ])
        #expect(result.records == [])
        #expect(result.summary == RosterSummary(stoppedAtLine: 1))

        let noContact = importCSV("\n姓名,楼号\n张三,3\n")
        #expect(noContact.issues.map(\.reason) == [
            "the header line has no phone or openid column "
                + "(phone, mobile, 手机, 手机号, 手机号码, 电话, 联系电话, openid, open_id, 微信openid); nothing was imported",
        ])
        #expect(noContact.issues.map(\.location) == [.line(2)])
        #expect(noContact.summary.stoppedAtLine == 2)
    }

    @Test("an openid column alone is enough")
    func openIDOnly() {
        let result = importCSV("姓名,微信openid\n张三,oAbc\n")
        #expect(result.issues == [])
        #expect(result.records == [ResidentRecord(name: "张三", openID: "oAbc", source: .line(2))])
    }

    @Test("two columns meaning the same field stop the import")
    func duplicateColumns() {
        let result = importCSV("name,phone,手机,Name\n张三,13800000001,13800000002,x\n")
        #expect(result.issues == [
            RosterIssue(.duplicateColumn, "columns phone and 手机 both mean phone; keep one of them",
                        at: .line(1), column: "手机", field: .phone),
            RosterIssue(.duplicateColumn, "columns name and Name both mean name; keep one of them",
                        at: .line(1), column: "Name", field: .name),
        ])
        #expect(result.records == [])
        #expect(result.summary == RosterSummary(stoppedAtLine: 1))
    }

    @Test("an empty file is an error")
    func emptyFile() {
        for text in ["", "\n\n", "\u{FEFF}"] {
            let result = importCSV(text)
            #expect(result.issues == [
                RosterIssue(.emptyFile, "the file is empty; its first line must be the header (name, phone, ...)", at: .line(1)),
            ])
            #expect(result.summary == RosterSummary(stoppedAtLine: 1))
        }
    }

    @Test("a header only is an empty roster, not an error")
    func headerOnly() {
        let result = importCSV("name,phone\r\n")
        #expect(result.issues == [])
        #expect(result.records == [])
        #expect(result.summary == RosterSummary())
    }

    // MARK: CSV syntax

    @Test("quoted commas, doubled quotes and line breaks in quotes; line numbers stay right")
    func quoting() {
        let text = "name,phone,room,tags\n"
            + "\"王, 建国\",13800000001,\"3\"\"A\"\"\",\"独居\n高龄\"\n"
            + "李四,1380000000,,\n"
        let result = importCSV(text)
        #expect(result.records == [
            ResidentRecord(name: "王, 建国", phone: phone("13800000001"), room: "3\"A\"", tags: ["独居", "高龄"], source: .line(2)),
        ])
        #expect(result.issues.map(\.location) == [.line(4)])
        #expect(result.issues.map(\.code) == [.invalidPhone])
    }

    @Test("invalid UTF-8 in a row is reported with its line and column; the other rows are imported")
    func invalidUTF8() {
        let bytes = Array("name,phone\n".utf8) + [0xD5, 0xC5, 0xC8, 0xFD] + Array(",13800000001\n李四,13800000002\n".utf8)
        let result = importCSV(bytes)
        #expect(result.issues == [
            RosterIssue(.invalidUTF8,
                        "the field is not valid UTF-8; save the file as \"CSV UTF-8\" (Excel's plain \"CSV\" format writes GBK)",
                        at: .line(2), column: "name", field: .name),
        ])
        #expect(result.records.map(\.name) == ["李四"])
        #expect(result.summary == RosterSummary(rowsRead: 2, validRows: 1, invalidRows: 1, records: 1))
    }

    @Test("a header that is not UTF-8 stops the import")
    func invalidUTF8Header() {
        // "姓名,手机" in GBK.
        let bytes: [UInt8] = [0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xCA, 0xD6, 0xBB, 0xFA, 0x0A] + Array("x,13800000001\n".utf8)
        let result = importCSV(bytes)
        #expect(result.issues == [
            RosterIssue(.invalidUTF8,
                        "the header line cannot be read: the field is not valid UTF-8; save the file as \"CSV UTF-8\" "
                            + "(Excel's plain \"CSV\" format writes GBK); nothing was imported",
                        at: .line(1)),
        ])
        #expect(result.summary == RosterSummary(stoppedAtLine: 1))
    }

    @Test("a stray quote and an unterminated quote are reported; the rows before are imported")
    func quoteErrors() {
        let result = importCSV("name,phone\n张\"三,13800000001\n李四,13800000002\n王五,\"13800000003\n")
        #expect(result.issues == [
            RosterIssue(.quoteInUnquotedField,
                        "a quote appears inside a field that does not start with one; put the whole field in quotes "
                            + "and double the quote inside (\"\")",
                        at: .line(2), column: "name", field: .name),
            RosterIssue(.unterminatedQuote,
                        "the quote that opens column 2 on line 4 is never closed; the file ends inside that field",
                        at: .line(4), column: "phone", field: .phone),
        ])
        #expect(result.records.map(\.name) == ["李四"])
        #expect(result.summary == RosterSummary(rowsRead: 3, validRows: 1, invalidRows: 2, records: 1))
    }

    @Test("a runaway quote ends the import at its line, reported")
    func runawayQuote() {
        var roster = RosterImport(maximumRecordBytes: 100)
        roster.feed(Array("name,phone\n张三,13800000001\n李四,\"13800000002\n".utf8))
        for _ in 0..<50 { roster.feed(Array("王五,13800000003\n".utf8)) }
        let result = roster.finish()
        #expect(result.records.map(\.name) == ["张三"])
        #expect(result.issues.map(\.code) == [.recordTooLong])
        #expect(result.issues.map(\.location) == [.line(3)])
        #expect(result.summary == RosterSummary(rowsRead: 2, validRows: 1, invalidRows: 1, records: 1, stoppedAtLine: 3))
    }

    // MARK: Streaming

    @Test("a roster fed one byte at a time gives the same result as one chunk")
    func oneByteChunks() {
        let text = "\u{FEFF}姓名,手机,标签,可接电话,免打扰,编号,备注\r\n"
            + "\"陈, 阿婆\",138 0000 0001,独居、高龄,是,21:00-09:00,A-1,\"多行\r\n备注\"\r\n"
            + "\r\n"
            + "王五,1380000000,,,,,\r\n"
            + "赵\"六,13800000009,,,,,\r\n"
            + ",,,,,,\r\n"
            + "陈秀英,+86 13800000001,党员,,,,\r\n"
            + "钱七,13800000007,,不知道,25:00-08:00,,\r\n"
            + "孙八,\"13800000008"
        let whole = importCSV(text)
        #expect(whole.records.count == 1)
        #expect(whole.issues.count == 7)
        #expect(whole.summary == RosterSummary(
            rowsRead: 7, validRows: 2, invalidRows: 4, emptyRows: 1, mergedDuplicates: 1, records: 1))
        #expect(importCSV(text, chunkSize: 1) == whole)
        #expect(importCSV(text, chunkSize: 7) == whole)
    }

    @Test("a roster file is read in chunks with the same result")
    func file() throws {
        let text = "name,phone\n张三,13800000001\n\"李\n四\",1380000000\n王五,+86 138 0000 0001\n"
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("herald-roster-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let result = try RosterImport.csv(contentsOfFileAtPath: url.path, chunkSize: 5)
        #expect(result == importCSV(text))
        #expect(result.issues.map(\.location) == [.line(3), .line(3), .line(5)])
        #expect(result.issues.map(\.code) == [.invalidName, .invalidPhone, .mergedDuplicate])
    }

    // MARK: Printing

    @Test("a record and a report print phone numbers masked")
    func nothingLeaks() {
        let result = importCSV("name,phone\n张三,13812345678\n张三,138 1234 5678\n")
        let printed = "\(result)" + String(reflecting: result)
        #expect(!printed.contains("12345678"))
        #expect(printed.contains("+86 138****5678"))
    }

    @Test("issues encode as JSON with line or index")
    func issueJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let issue = RosterIssue(.invalidBoolean, "must be true or false", at: .line(5), column: "可接电话", field: .voiceOK)
        #expect(String(decoding: try encoder.encode(issue), as: UTF8.self)
            == #"{"code":"invalid_boolean","column":"可接电话","field":"voice_ok","line":5,"reason":"must be true or false","severity":"error"}"#)
        let notice = RosterIssue(.mergedDuplicate, "merged", at: .index(3))
        #expect(String(decoding: try encoder.encode(notice), as: UTF8.self)
            == #"{"code":"merged_duplicate","index":3,"reason":"merged","severity":"notice"}"#)
        #expect(try JSONDecoder().decode(RosterIssue.self, from: encoder.encode(issue)) == issue)
        #expect(try JSONDecoder().decode(RosterIssue.self, from: encoder.encode(notice)) == notice)
    }
}

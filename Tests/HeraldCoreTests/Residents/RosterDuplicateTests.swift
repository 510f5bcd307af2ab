import Testing

@testable import HeraldCore

@Suite("RosterImport: duplicates")
struct RosterDuplicateTests {
    @Test("rows with one phone in different formats are merged; later non-empty fields win, tags are unioned")
    func samePhone() {
        let text = "name,phone,building,room,tags,voice_ok\n"
            + "陈阿婆,138 0000 0001,3,,独居,否\n"
            + "李四,13900000002,5,101,,\n"
            + "陈阿婆,+86 13800000001,,501,高龄;独居,\n"
            + "陈秀英,8613800000001,,,独居;党员,\n"
        let result = importCSV(text)
        #expect(result.records == [
            ResidentRecord(name: "陈秀英", phone: phone("13800000001"), building: "3", room: "501",
                           tags: ["独居", "高龄", "党员"], voiceOK: false, source: .line(2)),
            ResidentRecord(name: "李四", phone: phone("13900000002"), building: "5", room: "101", source: .line(3)),
        ])
        #expect(result.issues == [
            RosterIssue(.mergedDuplicate,
                        "the same resident as line 2 (same phone); merged into one record, taking room, tags from this row",
                        at: .line(4)),
            RosterIssue(.mergedDuplicate,
                        "the same resident as line 2 (same phone); merged into one record, taking name, tags from this row",
                        at: .line(5)),
        ])
        #expect(result.issues.allSatisfy { $0.severity == .notice })
        #expect(result.summary == RosterSummary(rowsRead: 4, validRows: 4, mergedDuplicates: 2, records: 2))
    }

    @Test("rows with one external id are merged, whatever their phones; the report names the file's columns")
    func sameExternalID() {
        let text = "姓名,手机,微信openid,居民编号\n"
            + "李四,13900000002,,B-1\n"
            + "王五,13900000003,,B-2\n"
            + "李四,13900000009,oAbc_123,B-1\n"
            + "李四,,oAbc_123,B-1\n"
        let result = importCSV(text)
        #expect(result.records == [
            ResidentRecord(name: "李四", phone: phone("13900000009"), openID: "oAbc_123", externalID: "B-1", source: .line(2)),
            ResidentRecord(name: "王五", phone: phone("13900000003"), externalID: "B-2", source: .line(3)),
        ])
        #expect(result.issues == [
            RosterIssue(.mergedDuplicate,
                        "the same resident as line 2 (same external id); merged into one record, taking 手机, 微信openid from this row",
                        at: .line(4)),
            RosterIssue(.mergedDuplicate,
                        "the same resident as line 2 (same external id); merged into one record, nothing new on this row",
                        at: .line(5)),
        ])
        #expect(result.summary == RosterSummary(rowsRead: 4, validRows: 4, mergedDuplicates: 2, records: 2))
    }

    @Test("a voice_ok left empty on a later row does not undo an earlier no")
    func emptyDoesNotWin() {
        let result = importCSV("name,phone,voice_ok,room\n张三,13800000001,no,101\n张三,13800000001,,\n")
        #expect(result.records.map(\.voiceOK) == [false])
        #expect(result.records.map(\.room) == ["101"])
    }

    @Test("residents sharing a phone with different external ids are kept apart with a warning")
    func sharedPhone() {
        let text = "name,phone,external_id\n"
            + "王建国,021-6432 1234,C-1\n"
            + "刘桂芳,(021) 64321234,C-2\n"
            + "王建国,02164321234,\n"
            + "王建国,02164321234,C-1\n"
        let result = importCSV(text)
        #expect(result.records == [
            ResidentRecord(name: "王建国", phone: phone("021-64321234"), externalID: "C-1", source: .line(2)),
            ResidentRecord(name: "刘桂芳", phone: phone("021-64321234"), externalID: "C-2", source: .line(3)),
        ])
        #expect(result.issues == [
            RosterIssue(.sharedPhone,
                        "the same phone as the resident on line 2, who has a different external id; "
                            + "both are kept as separate residents",
                        at: .line(3), column: "phone", field: .phone),
            RosterIssue(.ambiguousPhone,
                        "this phone belongs to the residents on line 2 and line 3, who have different external ids; "
                            + "add this row's external id to say whose row it is",
                        at: .line(4), column: "phone", field: .phone),
            RosterIssue(.mergedDuplicate,
                        "the same resident as line 2 (same phone and external id); merged into one record, nothing new on this row",
                        at: .line(5)),
        ])
        #expect(result.summary == RosterSummary(rowsRead: 4, validRows: 3, invalidRows: 1, mergedDuplicates: 1, records: 2))
    }

    @Test("a row without an external id joins the one resident with its phone, who may have one")
    func phoneThenExternalID() {
        let result = importCSV("name,phone,external_id\n张三,13800000001,\n张三,13800000001,A-9\n张三,13800000001,\n")
        #expect(result.records == [
            ResidentRecord(name: "张三", phone: phone("13800000001"), externalID: "A-9", source: .line(2)),
        ])
        #expect(result.issues.map(\.reason) == [
            "the same resident as line 2 (same phone); merged into one record, taking external_id from this row",
            "the same resident as line 2 (same phone); merged into one record, nothing new on this row",
        ])
    }

    @Test("a row that matches two records, one by external id and one by phone, joins them all")
    func transitive() {
        let text = "name,phone,external_id,room\n"
            + "赵六,13800000001,X-1,\n"
            + "赵六,13800000002,,201\n"
            + "赵六,13800000002,X-1,\n"
        let result = importCSV(text)
        #expect(result.records == [
            ResidentRecord(name: "赵六", phone: phone("13800000002"), room: "201", externalID: "X-1", source: .line(2)),
        ])
        #expect(result.issues == [
            RosterIssue(.mergedDuplicate,
                        "the same resident as line 2 (linked by a later row with the same phone or external id); "
                            + "merged into one record, taking phone, room from this row",
                        at: .line(3)),
            RosterIssue(.mergedDuplicate,
                        "the same resident as line 2 (same phone and external id); merged into one record, nothing new on this row",
                        at: .line(4)),
        ])
        #expect(result.summary == RosterSummary(rowsRead: 3, validRows: 3, mergedDuplicates: 2, records: 1))
    }

    @Test("invalid rows are never merged; openid alone does not merge")
    func invalidRowsStayOut() {
        let result = importCSV("name,phone,openid,voice_ok\n张三,13800000001,,\n张三,13800000001,,maybe\n李四,,oAbc,\n李四,,oAbc,\n")
        #expect(result.records.map(\.source) == [.line(2), .line(4), .line(5)])
        #expect(result.issues.map(\.code) == [.invalidBoolean])
        #expect(result.summary == RosterSummary(rowsRead: 4, validRows: 3, invalidRows: 1, records: 3))
    }
}

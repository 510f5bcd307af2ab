import Foundation
import Testing

@testable import HeraldCore

/// Everything a reader yields for `bytes` fed in chunks of `chunkSize`:
/// records and the errors that skipped records, in order.
func readCSV(_ bytes: [UInt8], chunkSize: Int? = nil,
             maximumRecordBytes: Int = CSVReader.defaultMaximumRecordBytes) -> [Result<CSVRecord, CSVError>] {
    var reader = CSVReader(maximumRecordBytes: maximumRecordBytes)
    var results: [Result<CSVRecord, CSVError>] = []
    var start = 0
    let size = chunkSize ?? max(bytes.count, 1)
    while start < bytes.count {
        let end = min(start + size, bytes.count)
        reader.append(bytes[start..<end])
        reader.drain { results.append($0) }
        start = end
    }
    reader.finish()
    reader.drain { results.append($0) }
    #expect(reader.isAtEnd)
    return results
}

func readCSV(_ text: String, chunkSize: Int? = nil) -> [Result<CSVRecord, CSVError>] {
    readCSV(Array(text.utf8), chunkSize: chunkSize)
}

private func record(_ line: Int, _ fields: String...) -> Result<CSVRecord, CSVError> {
    .success(CSVRecord(line: line, fields: fields))
}

@Suite("CSVReader")
struct CSVReaderTests {
    // MARK: Line endings and blank lines

    @Test("LF, CRLF and a lone CR all end a record; the last line needs no break")
    func lineEndings() {
        let expected = [record(1, "a", "b"), record(2, "c", "d"), record(3, "e", "f")]
        #expect(readCSV("a,b\nc,d\ne,f") == expected)
        #expect(readCSV("a,b\r\nc,d\r\ne,f\r\n") == expected)
        #expect(readCSV("a,b\rc,d\re,f\r") == expected)
        #expect(readCSV("a,b\r\nc,d\ne,f\r") == expected)
    }

    @Test("blank lines are skipped but still counted in line numbers")
    func blankLines() {
        #expect(readCSV("\na,b\n\n\r\nc,d\n\n") == [record(2, "a", "b"), record(5, "c", "d")])
        #expect(readCSV("") == [])
        #expect(readCSV("\n\r\n") == [])
    }

    @Test("a line of commas or of an empty quoted field is a record of empty fields")
    func emptyFieldsAreNotBlank() {
        #expect(readCSV(",,\n\"\"\n") == [record(1, "", "", ""), record(2, "")])
        #expect(readCSV("a,\n") == [record(1, "a", "")])
    }

    // MARK: Byte order mark

    @Test("a leading UTF-8 BOM is skipped, also when it arrives one byte at a time")
    func byteOrderMark() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("姓名,手机\n张三,13800000001\n".utf8)
        let expected = [record(1, "姓名", "手机"), record(2, "张三", "13800000001")]
        #expect(readCSV(bytes) == expected)
        #expect(readCSV(bytes, chunkSize: 1) == expected)
        #expect(readCSV(bytes, chunkSize: 2) == expected)
    }

    @Test("a BOM later in the file is not skipped")
    func byteOrderMarkOnlyAtStart() {
        let bytes = Array("a\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("b\n".utf8)
        #expect(readCSV(bytes) == [record(1, "a"), record(2, "\u{FEFF}b")])
    }

    // MARK: Quoting

    @Test("quoted fields keep commas and doubled quotes")
    func quotedCommasAndQuotes() {
        let text = #"""
        "王, 建国","say ""hi""",""
        plain,"",x

        """#
        #expect(readCSV(text) == [record(1, "王, 建国", #"say "hi""#, ""), record(2, "plain", "", "x")])
    }

    @Test("a line break inside quotes stays in the field, and later line numbers stay right")
    func lineBreakInsideQuotes() {
        let text = "name,note\n\"李四\",\"line one\nline two\r\nline three\"\n王五,x\n\n\"赵\n六\",y\n钱七,z"
        #expect(readCSV(text) == [
            record(1, "name", "note"),
            record(2, "李四", "line one\nline two\r\nline three"),
            record(5, "王五", "x"),
            record(7, "赵\n六", "y"),
            record(9, "钱七", "z"),
        ])
    }

    @Test("Chinese text of every byte length survives any chunking")
    func chineseText() {
        let text = "姓名,楼号,标签\n陈阿婆,3号楼,独居、高龄\n𠮷田,12,😀\n"
        let expected = [record(1, "姓名", "楼号", "标签"), record(2, "陈阿婆", "3号楼", "独居、高龄"), record(3, "𠮷田", "12", "😀")]
        #expect(readCSV(text) == expected)
        #expect(readCSV(text, chunkSize: 1) == expected)
    }

    // MARK: Errors

    @Test("invalid UTF-8 skips that record with its line and column, and reading goes on")
    func invalidUTF8() {
        // "张三" in GBK, as Excel's plain "CSV" saves it.
        let bytes = Array("name,phone\nok,1\n".utf8) + Array("x,".utf8) + [0xD5, 0xC5, 0xC8, 0xFD] + Array("\nnext,2\n".utf8)
        let results = readCSV(bytes)
        #expect(results.count == 4)
        #expect(results[0] == record(1, "name", "phone"))
        #expect(results[1] == record(2, "ok", "1"))
        #expect(results[3] == record(4, "next", "2"))
        guard case .failure(let error) = results[2] else {
            Issue.record("expected an error, got \(results[2])")
            return
        }
        #expect(error.code == .invalidUTF8)
        #expect(error.line == 3)
        #expect(error.column == 2)
        #expect(!error.endsReading)
        #expect(error.message == "the field is not valid UTF-8; save the file as \"CSV UTF-8\" (Excel's plain \"CSV\" format writes GBK)")
    }

    @Test("invalid UTF-8 is found whatever its shape", arguments: [
        [0xF0, 0x9F, 0x98],  // a 4-byte character cut short: one U+FFFD, also 3 bytes
        [0xED, 0xA0, 0x80],  // an encoded surrogate
        [0xC0, 0xAF],  // an overlong "/"
        [0xFF],
        [0x61, 0x80],  // a stray continuation byte
    ] as [[UInt8]])
    func invalidUTF8Shapes(bad: [UInt8]) {
        let results = readCSV(Array("ok,".utf8) + bad + Array(",x\n".utf8))
        #expect(results.count == 1)
        guard case .failure(let error) = results.first else {
            Issue.record("expected an error, got \(results)")
            return
        }
        #expect(error.code == .invalidUTF8)
        #expect(error.column == 2)
    }

    @Test("valid UTF-8 of every length is read as it is")
    func validUTF8() {
        let text = "ascii,é,陈,😀,\u{FFFD}"
        #expect(readCSV(text) == [record(1, "ascii", "é", "陈", "😀", "\u{FFFD}")])
    }

    @Test("a UTF-8 character split across chunks is not invalid")
    func splitCharacter() {
        let bytes = Array("陈\n".utf8)
        for size in 1...3 {
            #expect(readCSV(bytes, chunkSize: size) == [record(1, "陈")])
        }
    }

    @Test("a quote inside an unquoted field is reported with line and column; the next record is read")
    func quoteInUnquotedField() {
        let results = readCSV("a,b,c\n1,x\"y,3\n4,5,6\n")
        #expect(results.count == 3)
        #expect(results[0] == record(1, "a", "b", "c"))
        #expect(results[1] == .failure(CSVError(
            .quoteInUnquotedField,
            "a quote appears inside a field that does not start with one; "
                + "put the whole field in quotes and double the quote inside (\"\")",
            line: 2, column: 2)))
        #expect(results[2] == record(3, "4", "5", "6"))
    }

    @Test("text after a closing quote is reported with line and column")
    func textAfterClosingQuote() {
        let results = readCSV("a,b\n\"x\"y,1\nok,2")
        #expect(results.count == 3)
        guard case .failure(let error) = results[1] else {
            Issue.record("expected an error, got \(results[1])")
            return
        }
        #expect(error.code == .textAfterClosingQuote)
        #expect(error.line == 2)
        #expect(error.column == 1)
        #expect(results[2] == record(3, "ok", "2"))
    }

    @Test("a quote still open at the end of the file is reported at the record's line")
    func unterminatedQuote() {
        let results = readCSV("a,b\n1,2\n3,\"open\nmore\n")
        #expect(results == [
            record(1, "a", "b"),
            record(2, "1", "2"),
            .failure(CSVError(
                .unterminatedQuote,
                "the quote that opens column 2 on line 3 is never closed; the file ends inside that field",
                line: 3, column: 2)),
        ])
    }

    @Test("a record longer than the limit ends reading instead of growing memory")
    func recordTooLong() {
        let text = "a,b\n1,\"never closed\n" + String(repeating: "x,y\n", count: 100)
        let results = readCSV(Array(text.utf8), chunkSize: 16, maximumRecordBytes: 64)
        #expect(results.count == 2)
        #expect(results[0] == record(1, "a", "b"))
        guard case .failure(let error) = results[1] else {
            Issue.record("expected an error, got \(results[1])")
            return
        }
        #expect(error.code == .recordTooLong)
        #expect(error.line == 2)
        #expect(error.endsReading)
        #expect(error.message == "the record is longer than 64 bytes because the quote that opens column 2 on line 2 "
            + "is never closed; nothing after it was read")
    }

    // MARK: Streaming

    @Test("every chunk size gives the same records and errors as one chunk")
    func chunkingMakesNoDifference() {
        let text = "\u{FEFF}姓名,\"备注\"\r\n\"张,三\",\"一\r\n二\"\"三\"\"\"\r\n\r\nbad\"quote,1\r\n\"x\"y,2\r\n王五,\r\n\"open"
        let whole = readCSV(text)
        #expect(whole.count == 6)
        for size in 1...12 {
            #expect(readCSV(text, chunkSize: size) == whole, "chunk size \(size)")
        }
    }

    @Test("a file is read in fixed-size chunks with the same result as in memory")
    func readFile() throws {
        let text = "name,phone\r\n\"王,五\",13800000001\r\n\r\n李四,\"139\n00000002\"\r\nbad\"q,1\n"
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("herald-csv-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }

        var results: [Result<CSVRecord, CSVError>] = []
        try CSVReader.readFile(atPath: url.path, chunkSize: 3) { results.append($0) }
        #expect(results == readCSV(text))
        #expect(results.count == 4)
    }

    @Test("a file that cannot be opened throws read_failed")
    func missingFile() {
        #expect(throws: CSVError.self) {
            try CSVReader.readFile(atPath: "/nonexistent/roster.csv") { _ in }
        }
        do {
            try CSVReader.readFile(atPath: "/nonexistent/roster.csv") { _ in }
        } catch {
            #expect(error.code == .readFailed)
            #expect(error.line == 1)
        }
    }
}

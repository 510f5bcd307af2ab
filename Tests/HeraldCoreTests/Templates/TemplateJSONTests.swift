import Foundation
import Testing

@testable import HeraldCore

@Suite("TemplateJSON")
struct TemplateJSONTests {
    @Test func keepsMemberOrderAndLines() throws {
        let json = try TemplateJSON.parse("{\n\"b\": 1,\n\"a\": [true, null, \"x\\u00e9\\ud83c\\udf89\\n\"]\n}")
        let members = try #require(json.members)
        #expect(members.map(\.name) == ["b", "a"])
        #expect(members.map(\.line) == [2, 3])
        #expect(json["a"] == .array([.bool(true), .null, .string("xé🎉\n")]))
        #expect(json["b"] == .number("1"))
    }

    @Test(arguments: [
        ("{\"a\": 1,}", 1, "expected a quoted member name"),
        ("{\"a\": 01}", 1, "a number cannot start with 0"),
        ("{\n\"a\": \"x\ny\"}", 2, "a string runs past the end of the line"),
        ("[1, 2", 1, "a list is not closed with ']'"),
        ("{} x", 1, "unexpected text after the JSON value"),
        ("{\"a\": \"\\q\"}", 1, "unknown escape \\q"),
    ])
    func reportsTheLine(text: String, line: Int, message: String) {
        #expect {
            try TemplateJSON.parse(text)
        } throws: { error in
            guard let error = error as? TemplateJSON.SyntaxError else { return false }
            return error.line == line && error.message.hasPrefix(message)
        }
    }

    @Test func quotedIsValidJSONForAnyText() throws {
        let text = "引号\"反斜杠\\换行\n制表\t\u{0}\u{1F}é🎉"
        let quoted = TemplateJSON.quoted(text)
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
        #expect(decoded == [text])
        #expect(try TemplateJSON.parse(quoted) == .string(text))
    }
}

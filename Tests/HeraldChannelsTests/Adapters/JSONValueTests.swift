import Foundation
import Testing
@testable import HeraldChannels

@Suite struct JSONValueTests {
    @Test func writesMembersInOrderCompactlyWithChineseAsUTF8() {
        let value = JSONValue.fields([
            "z": .int(-3), "a": .string("重阳节"), "m": .array([.bool(true), .null, .double(1.5)]),
            "o": .fields(["k": .optionalString(nil)]),
        ])
        #expect(value.serialized == #"{"z":-3,"a":"重阳节","m":[true,null,1.5],"o":{"k":null}}"#)
    }

    @Test func escapesWhatRFC8259RequiresAndNothingElse() {
        #expect(JSONValue.escaped("a\"b\\c/d") == #"a\"b\\c/d"#)
        #expect(JSONValue.escaped("line\nnext\r\ttab\u{08}\u{0C}") == #"line\nnext\r\ttab\b\f"#)
        #expect(JSONValue.escaped("\u{01}\u{1F}") == #"\u0001\u001f"#)
        #expect(JSONValue.escaped("😀 émoji 社区") == "😀 émoji 社区")
    }

    @Test func escapedTextRoundTripsThroughAStandardParser() throws {
        let tricky = "他说：\"报名\"\\n\n\u{00}end"
        let text = JSONValue.fields(["v": .string(tricky)]).serialized
        let decoded = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
        #expect(decoded?["v"] == tricky)
    }

    @Test func parsesAndWalksDotPaths() throws {
        let json = try #require(JSONValue.parse(Array(#"{"data":{"id":42,"list":[{"code":"0"},{"code":7}]},"ok":true}"#.utf8)))
        #expect(json.value(atPath: "data.id")?.text == "42")
        #expect(json.value(atPath: "data.list.1.code")?.text == "7")
        #expect(json.value(atPath: "data.list.0.code")?.text == "0")
        #expect(json.value(atPath: "ok")?.text == "true")
        #expect(json.value(atPath: "data.missing") == nil)
        #expect(json.value(atPath: "data.list.5") == nil)
        #expect(json.value(atPath: "data.id.deeper") == nil)
        #expect(json.value(atPath: "") == json)
    }

    @Test func numbersReadAsTheirDecimalText() throws {
        #expect(JSONValue.parse(Array("40001".utf8))?.text == "40001")
        #expect(JSONValue.parse(Array("-1".utf8))?.text == "-1")
        #expect(JSONValue.parse(Array("2.5".utf8))?.text == "2.5")
        #expect(JSONValue.parse(Array("1e3".utf8))?.text == "1000")
        #expect(JSONValue.parse(Array("\"0\"".utf8))?.text == "0")
    }

    @Test func rejectsWhatIsNotJSON() {
        #expect(JSONValue.parse([]) == nil)
        #expect(JSONValue.parse(Array("0: Accepted for delivery".utf8)) == nil)
        #expect(JSONValue.parse(Array("{\"a\":".utf8)) == nil)
    }
}

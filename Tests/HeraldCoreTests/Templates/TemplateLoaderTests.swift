import Foundation
import HeraldCore
import Testing

@Suite("TemplateLoader")
struct TemplateLoaderTests {
    /// A temporary templates folder, removed when the test ends.
    final class Folder {
        let path = NSTemporaryDirectory() + "herald-templates-" + UUID().uuidString

        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        /// Writes `files` (name → contents) into `path/template/`; returns that folder.
        @discardableResult
        func write(_ template: String, _ files: [String: String]) throws -> String {
            let folder = path + "/" + template
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + name)) }
            return folder
        }
    }

    static let header = """
        {
          "name": "water",
          "title": "停水通知",
          "kind": "notice",
          "variables": [
            {"name": "building", "description": "楼号", "example": "3号楼", "maxLength": 10}
          ],
          "codes": {
            "alibaba-sms": "SMS_1",
            "alibaba-ivr": {"startCode": "TTS_1", "keys": {"2": "TTS_3", "1": "TTS_2"}, "byeCode": "TTS_9"}
          }
        }
        """

    func loadError(_ files: [String: String], name: String = "water") throws -> TemplateError? {
        let folder = try Folder()
        let path = try folder.write(name, files)
        do throws(TemplateError) {
            _ = try TemplateLoader.load(folder: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func loadsEveryFile() throws {
        let folder = try Folder()
        let path = try folder.write("water", [
            "template.json": Self.header,
            "sms.txt": "\u{FEFF}【{{committee_name}}】{{building}}明天停水。\n回复TD退订\n\n",
            "voice.txt": "{{building}}明天停水。\r\n",
            "push.json": #"{"page": "pages/n?d={{delivery_id}}", "data": {"thing2": "{{building}}", "thing1": "停水"}}"#,
        ])
        let template = try TemplateLoader.load(folder: path)
        #expect(template.name == "water" && template.title == "停水通知" && template.kind == .notice)
        #expect(template.variables == [Template.Variable(name: "building", description: "楼号", example: "3号楼",
                                                         maxLength: 10)])
        #expect(template.sms == "【{{committee_name}}】{{building}}明天停水。\n回复TD退订")
        #expect(template.voice == "{{building}}明天停水。")
        #expect(template.push == PushTemplate(page: "pages/n?d={{delivery_id}}",
                                              data: [TemplateParameter("thing2", "{{building}}"),
                                                     TemplateParameter("thing1", "停水")]))
        #expect(template.codes["alibaba-sms"] == .code("SMS_1"))
        #expect(template.codes["alibaba-ivr"] == .voiceMenu(VoiceMenuCodes(
            startCode: "TTS_1", keys: [.init(key: "1", code: "TTS_2"), .init(key: "2", code: "TTS_3")], byeCode: "TTS_9")))
    }

    @Test(arguments: [
        ([String: String](), "water/template.json: missing; every template folder needs a template.json"),
        (["template.json": header], "water: has no channel file; add at least one of sms.txt, voice.txt, push.json"),
        (["template.json": header, "sms.text": "x"], "water/sms.text: unknown file"),
        (["template.json": header, "sms.txt": "\n\n"], "water/sms.txt: is empty"),
        (["template.json": "{\"name\": \"water\",\n\"title\": \"x\",}", "sms.txt": "x"],
         "water/template.json:2: not valid JSON: expected a quoted member name"),
        (["template.json": header.replacingOccurrences(of: "\"kind\": \"notice\"", with: "\"kind\": \"news\""),
          "sms.txt": "x"], "water/template.json:4: \"kind\" is \"news\"; use one of notice, invitation"),
        (["template.json": header.replacingOccurrences(of: "\"name\": \"water\"", with: "\"name\": \"gas\""),
          "sms.txt": "x"], "water/template.json:2: \"name\" is \"gas\" but the folder is \"water\""),
        (["template.json": header.replacingOccurrences(of: "\"maxLength\": 10", with: "\"maxLength\": \"10\""),
          "sms.txt": "x"], "water/template.json:6: variables[0].maxLength must be a whole number above 0"),
        (["template.json": header.replacingOccurrences(of: "\"building\", \"description\"",
                                                       with: "\"resident_name\", \"description\""), "sms.txt": "x"],
         "\"resident_name\" is a built-in variable"),
        (["template.json": header.replacingOccurrences(of: "\"title\"", with: "\"titel\""), "sms.txt": "x"],
         "water/template.json:3: template.json: unknown key \"titel\""),
        (["template.json": header.replacingOccurrences(of: "\"2\": \"TTS_3\"", with: "\"12\": \"TTS_3\""), "sms.txt": "x"],
         "codes.alibaba-ivr.keys: \"12\" is not a phone key"),
        (["template.json": header, "push.json": #"{"data": {"thing1": 5}}"#],
         "water/push.json:1: data.thing1 must be a string, found a number"),
        (["template.json": header, "push.json": #"{"data": {"thing1": "{{building}}"}, "pages": "x"}"#],
         "push.json:1: push.json: unknown key \"pages\""),
        (["template.json": header, "push.json": #"{"data": {"Thing 1": "x"}}"#],
         "\"Thing 1\" is not a WeChat field name"),
        (["template.json": header, "push.json": #"{"data": {"thing1": "{{building}}", "thing1": "x"}}"#],
         "\"thing1\" appears twice in one object"),
        (["template.json": header, "push.json": "{\"data\": {\"thing1\": {{building}}}}"],
         "water/push.json:1: not valid JSON"),
    ])
    func problemsNameTheFileAndLine(files: [String: String], expected: String) throws {
        let error = try #require(try loadError(files))
        #expect(error.description.contains(expected), "\(error.description)")
    }

    @Test func aCatalogKeepsGoodTemplatesAndListsBadOnes() throws {
        let folder = try Folder()
        try folder.write("water", ["template.json": Self.header, "sms.txt": "{{building}}停水"])
        try folder.write("broken", ["template.json": "{"])
        try Data("not a template".utf8).write(to: URL(fileURLWithPath: folder.path + "/README.md"))
        let catalog = try TemplateCatalog(loadingFrom: folder.path)
        #expect(catalog.templates.map(\.name) == ["water"])
        #expect(catalog.problems.map(\.template) == ["broken"])
        #expect(catalog.template(named: "water") != nil)
        #expect(throws: TemplateError.self) { try TemplateCatalog(loadingFrom: folder.path + "/nope") }
    }
}

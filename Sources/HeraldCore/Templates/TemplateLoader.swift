import Foundation

/// Reads templates from disk: the only I/O in HeraldCore's templates.
///
/// A template is a folder `Templates/<name>/` holding `template.json` and
/// at least one of `sms.txt`, `voice.txt`, `push.json` (UTF-8). Every
/// problem is a `TemplateError` naming the template, the file, the line
/// where known, and what to write instead. Templates/README.md is the
/// format's reference.
public enum TemplateLoader {
    /// The files a template folder may hold (besides a README.md).
    public static let files = ["template.json"] + TemplateChannel.allCases.map(\.file)

    /// Loads the template in `folder`; its name is the folder's last component.
    public static func load(folder: String) throws(TemplateError) -> Template {
        let name = (folder as NSString).lastPathComponent
        let present: [String]
        do {
            present = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw TemplateError(.unreadable, template: name, "cannot read the folder \(folder)")
        }
        for file in present.sorted() where !files.contains(file) && !file.hasPrefix(".") && file != "README.md" {
            throw TemplateError(.invalidFile, template: name, file: file,
                                "unknown file; a template folder holds \(files.joined(separator: ", "))")
        }
        guard present.contains("template.json") else {
            throw TemplateError(.unreadable, template: name, file: "template.json",
                                "missing; every template folder needs a template.json (see Templates/README.md)")
        }
        let header = try read(folder, "template.json", template: name)
        var template = try decodeHeader(header, folder: name)
        if present.contains(TemplateChannel.sms.file) {
            template.sms = try text(folder, .sms, template: name)
        }
        if present.contains(TemplateChannel.voice.file) {
            template.voice = try text(folder, .voice, template: name)
        }
        if present.contains(TemplateChannel.push.file) {
            template.push = try decodePush(read(folder, TemplateChannel.push.file, template: name), template: name)
        }
        guard !template.channels.isEmpty else {
            throw TemplateError(.invalidFile, template: name,
                                "has no channel file; add at least one of sms.txt, voice.txt, push.json")
        }
        return template
    }

    // MARK: Files

    private static func read(_ folder: String, _ file: String, template: String) throws(TemplateError) -> String {
        let path = (folder as NSString).appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TemplateError(.unreadable, template: template, file: file, "cannot read \(path)")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw TemplateError(.invalidFile, template: template, file: file, "is not UTF-8 text; save it as UTF-8")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text
    }

    /// A channel text file, its trailing line breaks removed.
    private static func text(_ folder: String, _ channel: TemplateChannel,
                             template: String) throws(TemplateError) -> String {
        var text = try read(folder, channel.file, template: template)
        while text.last?.isNewline == true { text.removeLast() }
        guard !text.allSatisfy(\.isWhitespace) else {
            throw TemplateError(.invalidFile, template: template, file: channel.file,
                                "is empty; write the text, or delete the file if the template sends no \(channel.rawValue)")
        }
        return text
    }

    private static func json(_ text: String, template: String, file: String) throws(TemplateError) -> TemplateJSON {
        do {
            return try TemplateJSON.parse(text)
        } catch {
            throw TemplateError(.invalidFile, template: template, file: file, line: error.line,
                                "not valid JSON: \(error.message)")
        }
    }

    // MARK: template.json

    private static let headerKeys = ["name", "title", "kind", "variables", "codes"]
    private static let variableKeys = ["name", "description", "example", "maxLength"]
    private static let menuKeys = ["startCode", "keys", "byeCode"]

    static func decodeHeader(_ text: String, folder: String) throws(TemplateError) -> Template {
        let file = "template.json"
        func fail(_ line: Int?, _ message: String) -> TemplateError {
            TemplateError(.invalidFile, template: folder, file: file, line: line, message)
        }
        let root = try json(text, template: folder, file: file)
        guard let members = root.members else { throw fail(1, "must be a JSON object") }
        try checkKeys(members, allowed: headerKeys, in: "template.json", fail: fail)
        func string(_ key: String) throws(TemplateError) -> String {
            guard let member = members.first(where: { $0.name == key }) else {
                throw fail(nil, "\"\(key)\" is missing")
            }
            guard let value = member.value.stringValue, !value.allSatisfy(\.isWhitespace) else {
                throw fail(member.line, "\"\(key)\" must be a non-empty string, found \(member.value.typeName)")
            }
            return value
        }
        let name = try string("name")
        guard name == folder else {
            throw fail(line(of: "name", in: members),
                       "\"name\" is \"\(name)\" but the folder is \"\(folder)\"; they must be the same")
        }
        let title = try string("title")
        let kindName = try string("kind")
        guard let kind = Template.Kind(rawValue: kindName) else {
            throw fail(line(of: "kind", in: members), "\"kind\" is \"\(kindName)\"; use one of "
                       + Template.Kind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        var variables: [Template.Variable] = []
        if let member = members.first(where: { $0.name == "variables" }) {
            guard let elements = member.value.elements else {
                throw fail(member.line, "\"variables\" must be a list of {name, description, example, maxLength}")
            }
            for (index, element) in elements.enumerated() {
                let variable = try decodeVariable(element, at: "variables[\(index)]", line: member.line, fail: fail)
                if variables.contains(where: { $0.name == variable.name }) {
                    throw fail(member.line, "variables[\(index)]: \"\(variable.name)\" is declared twice")
                }
                variables.append(variable)
            }
        }
        var codes: [String: TemplateCode] = [:]
        if let member = members.first(where: { $0.name == "codes" }) {
            guard let entries = member.value.members else {
                throw fail(member.line, "\"codes\" must be an object: adapter name → gateway template code")
            }
            for entry in entries {
                codes[entry.name] = try decodeCode(entry, fail: fail)
            }
        }
        return Template(name: name, title: title, kind: kind, variables: variables, codes: codes)
    }

    private static func decodeVariable(_ value: TemplateJSON, at place: String, line: Int,
                                       fail: (Int?, String) -> TemplateError) throws(TemplateError)
        -> Template.Variable {
        guard let members = value.members else {
            throw fail(line, "\(place) must be an object {name, description, example, maxLength}")
        }
        try checkKeys(members, allowed: variableKeys, in: place, fail: fail)
        let at = members.first?.line ?? line
        func string(_ key: String) throws(TemplateError) -> String {
            guard let member = members.first(where: { $0.name == key }) else {
                throw fail(at, "\(place): \"\(key)\" is missing")
            }
            guard let text = member.value.stringValue, !text.allSatisfy(\.isWhitespace) else {
                throw fail(member.line, "\(place).\(key) must be a non-empty string, found \(member.value.typeName)")
            }
            return text
        }
        let name = try string("name")
        guard TemplateText.isVariableName(name) else {
            throw fail(at, "\(place): \"\(name)\" is not a variable name; use lowercase letters, digits and _, "
                       + "starting with a letter")
        }
        guard !Template.isBuiltIn(name) else {
            throw fail(at, "\(place): \"\(name)\" is a built-in variable; use it without declaring it")
        }
        var maxLength: Int?
        if let member = members.first(where: { $0.name == "maxLength" }) {
            guard case .number(let text) = member.value, let number = Int(text), number > 0 else {
                throw fail(member.line, "\(place).maxLength must be a whole number above 0")
            }
            maxLength = number
        }
        return Template.Variable(name: name, description: try string("description"), example: try string("example"),
                                 maxLength: maxLength)
    }

    private static func decodeCode(_ entry: TemplateJSON.Member,
                                   fail: (Int?, String) -> TemplateError) throws(TemplateError) -> TemplateCode {
        let place = "codes.\(entry.name)"
        if let code = entry.value.stringValue {
            guard !code.allSatisfy(\.isWhitespace) else { throw fail(entry.line, "\(place) is empty") }
            return .code(code)
        }
        guard let members = entry.value.members else {
            throw fail(entry.line, "\(place) must be a code string, or for alibaba-ivr an object "
                       + "{\"startCode\", \"keys\": {\"1\": code, …}, \"byeCode\"}; found \(entry.value.typeName)")
        }
        try checkKeys(members, allowed: menuKeys, in: place, fail: fail)
        guard let start = members.first(where: { $0.name == "startCode" })?.value.stringValue, !start.isEmpty else {
            throw fail(entry.line, "\(place).startCode must be the start prompt's voice template code")
        }
        guard let keyMembers = members.first(where: { $0.name == "keys" })?.value.members, !keyMembers.isEmpty else {
            throw fail(entry.line, "\(place).keys must be an object of key → voice template code, e.g. {\"1\": \"TTS_…\"}")
        }
        var keys: [VoiceMenuCodes.Key] = []
        for key in keyMembers {
            guard key.name.count == 1, "0123456789*#".contains(key.name) else {
                throw fail(key.line, "\(place).keys: \"\(key.name)\" is not a phone key; use 0–9, * or #")
            }
            guard let code = key.value.stringValue, !code.isEmpty else {
                throw fail(key.line, "\(place).keys.\(key.name) must be a voice template code")
            }
            keys.append(VoiceMenuCodes.Key(key: key.name, code: code))
        }
        var bye: String?
        if let member = members.first(where: { $0.name == "byeCode" }) {
            guard let code = member.value.stringValue, !code.isEmpty else {
                throw fail(member.line, "\(place).byeCode must be a voice template code")
            }
            bye = code
        }
        return .voiceMenu(VoiceMenuCodes(startCode: start, keys: keys.sorted { $0.key < $1.key }, byeCode: bye))
    }

    // MARK: push.json

    static func decodePush(_ text: String, template: String) throws(TemplateError) -> PushTemplate {
        let file = TemplateChannel.push.file
        func fail(_ line: Int?, _ message: String) -> TemplateError {
            TemplateError(.invalidFile, template: template, file: file, line: line, message)
        }
        let root = try json(text, template: template, file: file)
        guard let members = root.members else { throw fail(1, "must be a JSON object {\"page\", \"data\"}") }
        try checkKeys(members, allowed: ["page", "data"], in: file, fail: fail)
        var page: String?
        if let member = members.first(where: { $0.name == "page" }) {
            guard let text = member.value.stringValue, !text.isEmpty else {
                throw fail(member.line, "\"page\" must be the mini-program page path, e.g. \"pages/notice/detail\"")
            }
            page = text
        }
        guard let dataMember = members.first(where: { $0.name == "data" }) else {
            throw fail(nil, "\"data\" is missing: the WeChat fields, e.g. {\"thing1\": \"{{activity}}\"}")
        }
        guard let fields = dataMember.value.members, !fields.isEmpty else {
            throw fail(dataMember.line, "\"data\" must be a non-empty object of WeChat field → text")
        }
        var data: [TemplateParameter] = []
        for field in fields {
            guard WeChatField.isFieldName(field.name) else {
                throw fail(field.line, "data: \"\(field.name)\" is not a WeChat field name; they are a type "
                           + "and a number, like thing1, time2, character_string3")
            }
            guard let text = field.value.stringValue else {
                throw fail(field.line, "data.\(field.name) must be a string, found \(field.value.typeName)")
            }
            data.append(TemplateParameter(field.name, text))
        }
        return PushTemplate(page: page, data: data)
    }

    // MARK: Helpers

    private static func checkKeys(_ members: [TemplateJSON.Member], allowed: [String], in place: String,
                                  fail: (Int?, String) -> TemplateError) throws(TemplateError) {
        for member in members where !allowed.contains(member.name) {
            throw fail(member.line, "\(place): unknown key \"\(member.name)\"; the keys are "
                       + allowed.joined(separator: ", "))
        }
    }

    private static func line(of key: String, in members: [TemplateJSON.Member]) -> Int? {
        members.first { $0.name == key }?.line
    }
}

/// A template's texts split into placeholders, shared by the renderer
/// (which stops at the first problem) and lint (which reports them all).
struct ParsedTemplate: Sendable {
    /// One text of the template and where it is.
    struct Text: Sendable {
        var channel: TemplateChannel
        /// The field inside `push.json` (`page`, `data.thing1`); nil for a whole file.
        var field: String?
        var text: TemplateText

        var file: String { channel.file }
    }

    let template: Template
    var sms: TemplateText?
    /// `sms.txt` after its leading `【…】` sign: what Alibaba and Tencent templates hold.
    var smsBody: TemplateText?
    var voice: TemplateText?
    var pushPage: TemplateText?
    /// `push.json`'s data fields: WeChat field name → text.
    var pushData: [(field: String, text: TemplateText)] = []
    /// Texts that could not be split (an unterminated `{{`, a bad name).
    var problems: [TemplateError] = []

    init(_ template: Template) {
        self.template = template
        func parse(_ text: String, _ channel: TemplateChannel, field: String? = nil) -> TemplateText? {
            do throws(TemplateError) {
                return try TemplateText.parse(text, template: template.name, file: channel.file, field: field,
                                              firstLine: field == nil ? 1 : nil)
            } catch {
                problems.append(error)
                return nil
            }
        }
        if let text = template.sms {
            sms = parse(text, .sms)
            if sms != nil {
                let body = Self.signRange(in: text).map { String(text[$0.upperBound...]) } ?? text
                smsBody = try? TemplateText.parse(body, template: template.name, file: TemplateChannel.sms.file)
            }
        }
        if let text = template.voice { voice = parse(text, .voice) }
        if let push = template.push {
            if let page = push.page { pushPage = parse(page, .push, field: "page") }
            for field in push.data {
                if let text = parse(field.value, .push, field: "data." + field.name) {
                    pushData.append((field.name, text))
                }
            }
        }
    }

    /// Every text that parsed, in file order (sms, voice, push page, push fields).
    var texts: [Text] {
        var texts: [Text] = []
        if let sms { texts.append(Text(channel: .sms, text: sms)) }
        if let voice { texts.append(Text(channel: .voice, text: voice)) }
        if let pushPage { texts.append(Text(channel: .push, field: "page", text: pushPage)) }
        for (field, text) in pushData { texts.append(Text(channel: .push, field: "data." + field, text: text)) }
        return texts
    }

    /// A placeholder naming neither a declared variable nor a built-in, for each text.
    var undeclared: [TemplateError] {
        var errors: [TemplateError] = []
        for text in texts {
            for name in text.text.names where template.anyVariable(name) == nil {
                let place = text.field.map { " in \($0)" } ?? ""
                let declared = template.variables.map(\.name)
                errors.append(TemplateError(
                    .undeclaredVariable, template: template.name, file: text.file, variable: name,
                    line: text.field == nil ? text.text.line(of: name) : nil,
                    "{{\(name)}}\(place) is not a declared variable"
                        + (declared.isEmpty ? " (template.json declares none)"
                                            : " (template.json declares \(declared.joined(separator: ", ")))")
                        + " nor a built-in (resident_name, committee_name, delivery_id); "
                        + "declare it in template.json's \"variables\" or fix the name"))
            }
        }
        return errors
    }

    /// The first file that uses `name`, for errors about its value.
    func firstFile(using name: String) -> String? {
        texts.first { $0.text.names.contains(name) }?.file
    }

    /// The leading `【…】` of an SMS text: the sign Kannel sends as written
    /// and Alibaba/Tencent replace with their approved one.
    static func signRange(in sms: String) -> Range<String.Index>? {
        guard sms.hasPrefix("【"), let close = sms.firstIndex(of: "】") else { return nil }
        return sms.startIndex..<sms.index(after: close)
    }
}

/// Fills a template's `{{variable}}` placeholders for one delivery.
///
/// Rendering fails loudly rather than send a broken notice: a `{{` without
/// `}}`, a placeholder that names neither a declared variable nor a
/// built-in, a declared variable without a value (or with an empty one), and
/// a value longer than its `maxLength` each throw a `TemplateError` naming
/// the template, the file and the variable (never the value).
///
/// Values go into `sms.txt` and `voice.txt` as they are, and are not read
/// again (a value holding `{{x}}` stays literal). In `push.json` they are
/// data field values, JSON-string escaped where JSON is produced
/// (`RenderedTemplate.pushJSON`, the adapters' bodies), and percent-encoded
/// in the page, where they end up in a query string.
public enum TemplateRenderer {
    /// Renders every channel file of `template`.
    ///
    /// - Parameters:
    ///   - variables: a value for each declared variable; names the template
    ///     does not declare are ignored.
    ///   - builtIns: the resident, committee and delivery.
    public static func render(_ template: Template, variables: [String: String],
                              builtIns: TemplateBuiltIns) throws(TemplateError) -> RenderedTemplate {
        let parsed = ParsedTemplate(template)
        if let problem = parsed.problems.first { throw problem }
        if let undeclared = parsed.undeclared.first { throw undeclared }

        var values = builtIns.values
        for variable in template.variables {
            let file = parsed.firstFile(using: variable.name) ?? "template.json"
            guard let value = variables[variable.name], !value.allSatisfy(\.isWhitespace) else {
                throw TemplateError(.missingValue, template: template.name, file: file, variable: variable.name,
                                    "no value for {{\(variable.name)}} (\(variable.description)); "
                                    + "every declared variable needs a non-empty value")
            }
            if let maxLength = variable.maxLength, value.unicodeScalars.count > maxLength {
                throw TemplateError(.valueTooLong, template: template.name, file: file, variable: variable.name,
                                    "the value for {{\(variable.name)}} (\(variable.description)) has "
                                    + "\(value.unicodeScalars.count) characters; at most \(maxLength) are allowed")
            }
            values[variable.name] = value
        }
        for builtIn in Template.builtInVariables {
            guard let file = parsed.firstFile(using: builtIn.name) else { continue }
            if values[builtIn.name]?.allSatisfy(\.isWhitespace) ?? true {
                throw TemplateError(.missingValue, template: template.name, file: file, variable: builtIn.name,
                                    "{{\(builtIn.name)}} (\(builtIn.description)) is empty for this delivery")
            }
        }

        func value(_ name: String) -> String { values[name] ?? "" }
        func parameters(_ text: TemplateText?) -> [TemplateParameter] {
            (text?.names ?? []).map { TemplateParameter($0, value($0)) }
        }
        return RenderedTemplate(
            name: template.name, kind: template.kind, deliveryID: builtIns.deliveryID,
            sms: parsed.sms?.filled(value),
            voice: parsed.voice?.filled(value),
            pushPage: parsed.pushPage?.filled { percentEncoded(value($0)) },
            pushData: parsed.pushData.map { TemplateParameter($0.field, $0.text.filled(value)) },
            variables: template.variables.map { TemplateParameter($0.name, value($0.name)) },
            builtIns: builtIns.parameters,
            smsParameters: parameters(parsed.smsBody),
            voiceParameters: parameters(parsed.voice),
            codes: template.codes)
    }

    /// Renders with every variable's example and the sample resident: what
    /// previews show and lint measures.
    public static func renderExample(_ template: Template, overriding overrides: [String: String] = [:],
                                     builtIns: TemplateBuiltIns = .sample) throws(TemplateError) -> RenderedTemplate {
        var values = Dictionary(template.variables.map { ($0.name, $0.example) }) { first, _ in first }
        values.merge(overrides) { _, override in override }
        return try render(template, variables: values, builtIns: builtIns)
    }

    /// `text` with everything but RFC 3986 unreserved characters percent-encoded (UTF-8).
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}

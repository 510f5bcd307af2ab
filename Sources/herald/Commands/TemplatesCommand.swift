import Foundation
import HeraldCore

/// `herald templates lint` and `herald templates preview`: check the
/// message templates before residents see them, and show one rendered.
enum TemplatesCommand {
    static let dirOption = OptionSpec.value("--dir", "DIR", "the templates folder", default: "Templates")

    static let lintSpec = CommandSpec(
        path: ["templates", "lint"],
        summary: "Check every template against the gateways the queue files use",
        discussion: """
            Loads every template folder in --dir and checks it: placeholders against the
            declared variables, SMS parts (UCS-2: 70 characters, 67 a part when split),
            voice length, WeChat field limits, and a gateway code for every adapter of the
            queue files in --queues that the template's channels and kind need. Renders
            with each variable's example and with each at its maxLength. Prints one line
            per finding (TEMPLATE/FILE: error|warning: MESSAGE) and a summary.
            Exits 0 with no errors (warnings allowed), 65 with any error, 66 when a
            folder is missing. Templates/README.md describes the format.
            """,
        options: [dirOption,
                  .value("--queues", "DIR", "the queue files whose adapters the templates must fit", default: "Queues")],
        run: { invocation in try lint(invocation) })

    static let previewSpec = CommandSpec(
        path: ["templates", "preview"],
        summary: "Show a template rendered on every channel for a sample resident",
        discussion: """
            Renders NAME with each variable's example, the sample resident (王秀英) and
            committee (阳光社区居委会), overridden by --var NAME=VALUE (built-ins too:
            resident_name, committee_name, delivery_id). Prints each channel's text, the
            SMS part count, the push fields and what each gateway receives, in the order
            Tencent's {1}, {2} … must follow. --wav FILE also speaks the voice text into
            a WAV file with espeak-ng's Mandarin voice (apt-get install espeak-ng), to
            hear roughly what an elderly resident hears on the phone.
            """,
        positionals: [PositionalSpec(name: "NAME", help: "the template (its folder's name)")],
        options: [dirOption, .values("--var", "NAME=VALUE", "a variable's value instead of its example"),
                  .value("--wav", "FILE", "also render the voice text to this WAV file (needs espeak-ng)")],
        run: { invocation in try preview(invocation) })

    // MARK: lint

    static func lint(_ invocation: Invocation) throws -> ExitCode {
        let directory = invocation.value("--dir") ?? "Templates"
        let queuesDirectory = invocation.value("--queues") ?? "Queues"
        try requireFolder(directory, what: "templates folder")
        try requireFolder(queuesDirectory, what: "queues folder")
        let catalog: TemplateCatalog
        do {
            catalog = try TemplateCatalog(loadingFrom: directory)
        } catch {
            throw CommandFailure(.noInput, error.message)
        }
        guard !catalog.templates.isEmpty || !catalog.problems.isEmpty else {
            throw CommandFailure(.noInput, "\(directory) has no template folders")
        }
        let queues = readQueues(queuesDirectory)
        var findings = queues.findings
        findings += catalog.problems.map(TemplateFinding.init)
        let linter = TemplateLint()
        for template in catalog.templates {
            findings += linter.lint(template, adapters: queues.adapters)
        }
        for finding in findings { print(finding.description) }
        let errors = findings.count { $0.severity == .error }
        let warnings = findings.count - errors
        let names = queues.adapters.map(\.name)
        let adapterNames = names.enumerated().filter { names.firstIndex(of: $0.element) == $0.offset }.map(\.element)
        print("\(catalog.templates.count + catalog.problems.count) templates checked against "
              + "\(queues.count) queue files (\(adapterNames.joined(separator: ", "))): "
              + "\(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings")")
        return errors > 0 ? .dataError : .ok
    }

    /// The adapters the queue files in `directory` use, and what is wrong with any of them.
    static func readQueues(_ directory: String) -> (adapters: [TemplateAdapter], count: Int, findings: [TemplateFinding]) {
        let folder = (directory as NSString).lastPathComponent
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
        var adapters: [TemplateAdapter] = []
        var findings: [TemplateFinding] = []
        for file in files {
            func fail(_ message: String) {
                findings.append(TemplateFinding(.error, template: folder, file: file, message))
            }
            let path = (directory as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                fail("not a readable JSON object")
                continue
            }
            guard let name = object["adapter"] as? String else {
                fail("has no \"adapter\"")
                continue
            }
            let channel = object["channel"] as? String
            guard let adapter = TemplateAdapter.named(name, queueChannel: channel) else {
                fail("unknown adapter \"\(name)\"; the adapters are "
                     + TemplateAdapter.known.map(\.name).joined(separator: ", "))
                continue
            }
            adapters.append(adapter)
        }
        return (adapters, files.count, findings)
    }

    // MARK: preview

    static func preview(_ invocation: Invocation) throws -> ExitCode {
        let directory = invocation.value("--dir") ?? "Templates"
        let name = invocation.positional(0) ?? ""
        try requireFolder(directory, what: "templates folder")
        let folder = (directory as NSString).appendingPathComponent(name)
        guard !name.isEmpty, !name.contains("/"), FileManager.default.fileExists(atPath: folder) else {
            let known = (try? TemplateCatalog(loadingFrom: directory))?.templates.map(\.name) ?? []
            throw CommandFailure(.noInput, "no template \"\(name)\" in \(directory)"
                                 + (known.isEmpty ? "" : "; templates: \(known.joined(separator: ", "))"))
        }
        let template: Template
        do {
            template = try TemplateLoader.load(folder: folder)
        } catch {
            throw CommandFailure(.dataError, error.description)
        }
        var overrides: [String: String] = [:]
        for assignment in invocation.values("--var") {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw UsageError(message: "--var expects NAME=VALUE, got '\(assignment)'", command: invocation.command)
            }
            let variable = String(assignment[..<equals])
            guard template.anyVariable(variable) != nil else {
                throw UsageError(message: "\(name) has no variable '\(variable)'; it declares "
                                 + (template.variables.map(\.name) + ["resident_name", "committee_name", "delivery_id"])
                                    .joined(separator: ", "),
                                 command: invocation.command)
            }
            overrides[variable] = String(assignment[assignment.index(after: equals)...])
        }
        var builtIns = TemplateBuiltIns.sample
        if let resident = overrides.removeValue(forKey: Template.residentName) { builtIns.residentName = resident }
        if let committee = overrides.removeValue(forKey: Template.committeeName) { builtIns.committeeName = committee }
        if let text = overrides.removeValue(forKey: Template.deliveryID) {
            guard let id = Int64(text), id > 0 else {
                throw UsageError(message: "delivery_id must be a positive whole number, got '\(text)'",
                                 command: invocation.command)
            }
            builtIns.deliveryID = id
        }
        let rendered: RenderedTemplate
        do {
            rendered = try TemplateRenderer.renderExample(template, overriding: overrides, builtIns: builtIns)
        } catch {
            throw CommandFailure(.dataError, error.description)
        }
        if let wav = invocation.value("--wav") {
            guard let voice = rendered.voice else {
                throw CommandFailure(.dataError, "\(name) has no voice.txt, so there is nothing to speak into \(wav)")
            }
            try speak(voice, into: wav)
        }
        print(TemplatePreview(template: template, rendered: rendered).text)
        if let wav = invocation.value("--wav") { print("\nvoice.txt spoken into \(wav) (espeak-ng, Mandarin)") }
        return .ok
    }

    /// Speaks `text` into a WAV file with espeak-ng's Mandarin voice.
    static func speak(_ text: String, into path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try requireFolder(directory.isEmpty ? "." : directory, what: "folder for the WAV file")
        guard let espeak = ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else {
            throw CommandFailure(.unavailable, "--wav needs espeak-ng, which is not installed (apt-get install espeak-ng)")
        }
        // Text on stdin, never on the command line: it is the template's, with the sample's values.
        let finished: ChildProcess.Finished
        do {
            finished = try ChildProcess.run(espeak, ["-v", "cmn", "-s", "150", "-w", path, "--stdin"],
                                            input: .bytes(Array(text.utf8)))
        } catch {
            throw CommandFailure(.unavailable, error.description)
        }
        guard finished.status == 0 else {
            let reason = finished.errorText.split(separator: "\n").first.map(String.init) ?? "\(finished.termination)"
            throw CommandFailure(.cannotCreate, "espeak-ng could not write \(path): \(reason)")
        }
    }

    // MARK: Helpers

    static func requireFolder(_ path: String, what: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure(.noInput, "the \(what) \(path) does not exist")
        }
    }
}

/// What `herald templates preview` prints for one rendered template.
struct TemplatePreview {
    let template: Template
    let rendered: RenderedTemplate

    var text: String {
        var lines = ["\(template.name): \(template.title) (\(template.kind.rawValue))",
                     "sample: " + rendered.builtIns.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")]
        if let sms = rendered.sms {
            let segments = SMSSegments(counting: sms)
            lines += ["", "sms.txt: \(segments.count) SMS \(segments.count == 1 ? "part" : "parts") "
                      + "(\(segments.encoding.rawValue), \(segments.units) characters)"]
            lines += indented(sms)
            lines += codes(for: .sms)
            lines += parameters(rendered.smsParameters)
        }
        if let voice = rendered.voice {
            lines += ["", "voice.txt: \(voice.unicodeScalars.count) characters"]
            lines += indented(voice)
            lines += codes(for: .voice)
            lines += parameters(rendered.voiceParameters)
        }
        if rendered.hasPush {
            lines += ["", "push.json:"]
            if let page = rendered.pushPage { lines.append("  page: \(page)") }
            lines += rendered.pushData.map { "  \($0.name): \($0.value)" }
            lines += codes(for: .push)
        }
        return lines.joined(separator: "\n")
    }

    private func indented(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
    }

    /// The gateway codes of the adapters that send `channel`.
    private func codes(for channel: TemplateChannel) -> [String] {
        TemplateAdapter.known.filter { $0.channel == channel }.compactMap { adapter in
            switch template.codes[adapter.name] {
            case .code(let code)?:
                return "  \(adapter.name): \(code)"
            case .voiceMenu(let menu)?:
                return "  \(adapter.name): start \(menu.startCode), "
                    + menu.keys.map { "key \($0.key) → \($0.code)" }.joined(separator: ", ")
                    + (menu.byeCode.map { ", bye \($0)" } ?? "")
            case nil:
                return nil
            }
        }
    }

    /// What Alibaba (`${name}`) and Tencent (`{n}`) templates receive.
    private func parameters(_ parameters: [TemplateParameter]) -> [String] {
        guard !parameters.isEmpty else { return [] }
        return ["  gateway parameters (Alibaba ${name}, Tencent {n}):"]
            + parameters.enumerated().map { "    {\($0.offset + 1)} \($0.element.name) = \($0.element.value)" }
    }
}

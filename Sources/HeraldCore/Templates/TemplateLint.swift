/// Checks a template before any resident sees it.
///
/// Renders every channel file twice — with each variable's `example`, and
/// with each variable at its `maxLength` (the longest case) — and checks:
///
/// - placeholders: an unterminated `{{` or an undeclared variable is an
///   error; a declared variable no file uses is a warning; an example longer
///   than its `maxLength` is an error;
/// - SMS: parts (`SMSSegments`), a warning above `smsSegmentsWarning`, an
///   error above `smsSegmentsError`, in the longest case; a missing `退订`
///   line, a missing `【…】` sign where Kannel or the `http` adapter send
///   the text as written, and an invitation or poll that does not say what
///   to reply are warnings;
/// - voice: an error above `voiceCharacterLimit` characters in the longest
///   case; Latin words and URLs (TTS spells them) and IVR keys the text does
///   not mention (`按1`) are warnings;
/// - push: each WeChat field against its type's rules (`WeChatField`) with
///   the examples, and its length with the variables at their `maxLength`
///   (a variable without one is a warning); an unknown field type is a warning;
/// - codes: every adapter in `adapters` that fits the template's kind and
///   has its channel file needs its code (error); a channel the adapters
///   send but the template has no file for is a warning.
public struct TemplateLint: Sendable {
    /// More SMS parts than this, in the longest case, is a warning.
    public var smsSegmentsWarning: Int
    /// More SMS parts than this, in the longest case, is an error.
    public var smsSegmentsError: Int
    /// More voice characters than this, in the longest case, is an error.
    public var voiceCharacterLimit: Int

    public init(smsSegmentsWarning: Int = 2, smsSegmentsError: Int = 6, voiceCharacterLimit: Int = 500) {
        self.smsSegmentsWarning = smsSegmentsWarning
        self.smsSegmentsError = smsSegmentsError
        self.voiceCharacterLimit = voiceCharacterLimit
    }

    /// The SMS's size with the examples and in the longest case.
    public struct SMSLength: Sendable, Hashable {
        public var examples: SMSSegments
        public var longest: SMSSegments
    }

    /// `template`'s SMS size, nil when it has no `sms.txt` (or it does not parse).
    public static func smsLength(of template: Template) -> SMSLength? {
        let parsed = ParsedTemplate(template)
        guard let sms = parsed.sms else { return nil }
        return SMSLength(examples: SMSSegments(counting: sms.filled(sampleValue(template, longest: false))),
                         longest: SMSSegments(counting: sms.filled(sampleValue(template, longest: true))))
    }

    /// Every finding for `template`, to be sent through `adapters`.
    public func lint(_ template: Template, adapters: [TemplateAdapter]) -> [TemplateFinding] {
        var run = Run(template: template, parsed: ParsedTemplate(template))
        run.findings += run.parsed.problems.map(TemplateFinding.init)
        run.findings += run.parsed.undeclared.map(TemplateFinding.init)
        run.checkVariables()
        run.checkSMS(self, adapters: adapters)
        run.checkVoice(self, adapters: adapters)
        run.checkPush()
        run.checkCodes(adapters: adapters)
        return run.findings
    }

    /// The value lint gives `name`: its example, or in the longest case a
    /// filler of its `maxLength` (`9`s for a digits-only example, else `字`,
    /// which makes an SMS UCS-2 as any Chinese value would).
    static func sampleValue(_ template: Template, longest: Bool) -> (String) -> String {
        { name in
            guard let variable = template.anyVariable(name) else { return "" }
            guard longest, let maxLength = variable.maxLength else { return variable.example }
            let digits = variable.example.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
            return String(repeating: digits ? "9" : "字", count: maxLength)
        }
    }

    /// One lint pass over one template.
    private struct Run {
        let template: Template
        let parsed: ParsedTemplate
        var findings: [TemplateFinding] = []

        var name: String { template.name }

        mutating func add(_ severity: TemplateFinding.Severity, _ file: String?, line: Int? = nil, _ message: String) {
            findings.append(TemplateFinding(severity, template: name, file: file, line: line, message))
        }

        func examples(_ text: TemplateText) -> String { text.filled(sampleValue(template, longest: false)) }
        func longest(_ text: TemplateText) -> String { text.filled(sampleValue(template, longest: true)) }

        // MARK: Variables

        mutating func checkVariables() {
            let used = Set(parsed.texts.flatMap(\.text.names))
            for variable in template.variables {
                let label = "{{\(variable.name)}} (\"\(variable.description)\")"
                if let maxLength = variable.maxLength, variable.example.unicodeScalars.count > maxLength {
                    add(.error, "template.json", "the example of \(label) has \(variable.example.unicodeScalars.count) "
                        + "characters, more than its maxLength \(maxLength)")
                }
                // A file that failed to parse may use it; only judge when every text parsed.
                if parsed.problems.isEmpty, !used.contains(variable.name) {
                    add(.warning, "template.json", "\(label) is declared but no channel file uses it; "
                        + "remove it or use it")
                }
            }
        }

        // MARK: SMS

        mutating func checkSMS(_ lint: TemplateLint, adapters: [TemplateAdapter]) {
            guard let sms = parsed.sms, let raw = template.sms else { return }
            let file = TemplateChannel.sms.file
            let typical = SMSSegments(counting: examples(sms))
            let worst = SMSSegments(counting: longest(sms))
            if worst.count > lint.smsSegmentsWarning {
                let severity: TemplateFinding.Severity = worst.count > lint.smsSegmentsError ? .error : .warning
                let limit = severity == .error ? lint.smsSegmentsError : lint.smsSegmentsWarning
                add(severity, file, "\(worst.count) SMS parts (\(worst.encoding.rawValue), \(worst.units) characters) "
                    + "with every variable at its maxLength, \(typical.count) (\(typical.units) characters) with the "
                    + "examples; keep it within \(limit) (\(worst.encoding == .ucs2 ? "67" : "153") characters a part "
                    + "when split): shorten the text or the maxLength")
            }
            for name in sms.names {
                guard let variable = template.anyVariable(name), variable.maxLength == nil else { continue }
                add(.warning, file, line: sms.line(of: name), "{{\(name)}} (\"\(variable.description)\") has no "
                    + "maxLength, so the SMS has no upper bound; declare one in template.json")
            }
            if !sms.literalText.contains("退订") {
                add(.warning, file, "no 退订 instruction; end the SMS with \"回复TD退订\"")
            }
            if template.kind.asksForAnswer, !sms.literalText.contains("回复") {
                add(.warning, file, "this \(template.kind.rawValue) asks for an answer but the SMS does not say what to "
                    + "reply (\"回复1报名\")")
            }
            let textSenders = adapters.filter { $0.channel == .sms && $0.codeNeed == .none }.map(\.name)
            if !textSenders.isEmpty, ParsedTemplate.signRange(in: raw) == nil {
                add(.warning, file, "does not start with a 【…】 sign, but \(Self.list(textSenders)) "
                    + (textSenders.count == 1 ? "sends" : "send") + " the text as written; start it with "
                    + "【{{committee_name}}】 (Alibaba and Tencent add their own sign)")
            }
        }

        // MARK: Voice

        mutating func checkVoice(_ lint: TemplateLint, adapters: [TemplateAdapter]) {
            guard let voice = parsed.voice else { return }
            let file = TemplateChannel.voice.file
            let worst = longest(voice).unicodeScalars.count
            if worst > lint.voiceCharacterLimit {
                add(.error, file, "\(worst) characters with every variable at its maxLength "
                    + "(\(examples(voice).unicodeScalars.count) with the examples); a voice call reads at most "
                    + "\(lint.voiceCharacterLimit)")
            }
            let spoken = examples(voice)
            if spoken.contains("://") || spoken.lowercased().contains("www.") {
                add(.warning, file, "contains a web address; TTS reads it letter by letter, and residents "
                    + "cannot click a call")
            }
            let latin = Self.latinWords(in: spoken)
            if !latin.isEmpty {
                add(.warning, file, "Latin words (\(latin.joined(separator: ", "))) are spelled out letter by letter "
                    + "by TTS; write them in Chinese")
            }
            if adapters.contains(.alibabaIVR), case .voiceMenu(let menu)? = template.codes[TemplateAdapter.alibabaIVR.name] {
                for key in menu.keys where !voice.literalText.contains("按\(key.key)") {
                    add(.warning, file, "the alibaba-ivr menu has key \(key.key) but the text never says "
                        + "\"按\(key.key)\"; tell residents which key to press")
                }
            }
        }

        /// Runs of two or more ASCII letters.
        static func latinWords(in text: String) -> [String] {
            var words: [String] = []
            var current = ""
            for scalar in text.unicodeScalars {
                if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) {
                    current.unicodeScalars.append(scalar)
                } else {
                    if current.count >= 2, !words.contains(current) { words.append(current) }
                    current = ""
                }
            }
            if current.count >= 2, !words.contains(current) { words.append(current) }
            return words
        }

        // MARK: Push

        mutating func checkPush() {
            let file = TemplateChannel.push.file
            for (field, text) in parsed.pushData {
                guard let type = WeChatField(field: field) else {
                    add(.warning, file, "data.\(field): unknown WeChat field type \"\(field.prefix { !$0.isNumber })\"; "
                        + "its value rules are not checked")
                    continue
                }
                if let problem = type.problem(with: examples(text)) {
                    add(.error, file, "data.\(field) with the examples \(problem)")
                    continue
                }
                guard let limit = type.maxLength else { continue }
                let unbounded = text.names.filter { template.anyVariable($0)?.maxLength == nil }
                for variable in unbounded {
                    let description = template.anyVariable(variable)?.description ?? variable
                    add(.warning, file, "data.\(field) takes {{\(variable)}} (\"\(description)\"), which has no "
                        + "maxLength; \(type.rawValue) allows \(limit) characters, so declare maxLength in template.json")
                }
                guard unbounded.isEmpty else { continue }
                let worst = longest(text).unicodeScalars.count
                if worst > limit {
                    add(.error, file, "data.\(field) reaches \(worst) characters with "
                        + text.names.map { "{{\($0)}}" }.joined(separator: ", ") + " at maxLength; "
                        + "\(type.rawValue) allows at most \(limit)")
                }
            }
        }

        // MARK: Codes

        mutating func checkCodes(adapters: [TemplateAdapter]) {
            let file = "template.json"
            var missingChannels: [TemplateChannel: [String]] = [:]
            var seen: Set<TemplateAdapter> = []
            for adapter in adapters where seen.insert(adapter).inserted {
                if let channel = adapter.channel, !template.has(channel) {
                    if !(missingChannels[channel]?.contains(adapter.name) ?? false) {
                        missingChannels[channel, default: []].append(adapter.name)
                    }
                    continue
                }
                let entry = template.codes[adapter.name]
                guard adapter.fits(template.kind) else {
                    if entry != nil, adapter.channel == .voice, template.kind.asksForAnswer {
                        add(.warning, file, "codes.\(adapter.name): \(adapter.name) collects no key presses, so "
                            + "residents cannot answer this \(template.kind.rawValue) on it; use alibaba-ivr or "
                            + "tencent-voice")
                    }
                    continue
                }
                switch (adapter.codeNeed, entry) {
                case (.none, _), (.code, .code?), (.voiceMenu, .voiceMenu?):
                    break
                case (.code, nil):
                    add(.error, file, "codes has no \"\(adapter.name)\": the \(adapter.name) queue sends approved "
                        + "templates only; add its template code")
                case (.voiceMenu, nil):
                    add(.error, file, "codes has no \"\(adapter.name)\": an IVR call needs "
                        + "{\"startCode\", \"keys\": {\"1\": …}, \"byeCode\"}")
                case (.code, .voiceMenu?):
                    add(.error, file, "codes.\(adapter.name) must be a template code string; only alibaba-ivr "
                        + "takes a voice menu")
                case (.voiceMenu, .code?):
                    add(.error, file, "codes.\(adapter.name) must be a voice menu {\"startCode\", \"keys\", "
                        + "\"byeCode\"}, not a single code")
                }
            }
            for (channel, names) in missingChannels.sorted(by: { $0.key.file < $1.key.file }) {
                add(.warning, nil, "has no \(channel.file), so the \(Self.list(names)) "
                    + (names.count == 1 ? "queue" : "queues") + " cannot send it")
            }
            let known = Set(TemplateAdapter.known.map(\.name))
            for adapter in template.codes.keys.sorted() where !known.contains(adapter) {
                add(.warning, file, "codes.\(adapter): no adapter is called \"\(adapter)\"; the adapters are "
                    + TemplateAdapter.known.map(\.name).joined(separator: ", "))
            }
        }

        static func list(_ names: [String]) -> String {
            names.joined(separator: ", ")
        }
    }
}

/// One thing `TemplateLint` found wrong (error) or worth a look (warning).
public struct TemplateFinding: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        /// The template must not be sent as it is: a gateway would refuse it,
        /// or a resident would get a broken message.
        case error
        /// Sendable, but probably not what staff want (too many SMS parts,
        /// an unused variable, a missing 退订 line).
        case warning
    }

    public var severity: Severity
    /// The template's name.
    public var template: String
    /// The file concerned (`template.json`, `sms.txt` …); nil for the template as a whole.
    public var file: String?
    /// The line in `file`, when known.
    public var line: Int?
    public var message: String

    public init(_ severity: Severity, template: String, file: String?, line: Int? = nil, _ message: String) {
        self.severity = severity
        self.template = template
        self.file = file
        self.line = line
        self.message = message
    }

    /// A load or render problem as an error finding.
    public init(_ error: TemplateError) {
        self.init(.error, template: error.template, file: error.file, line: error.line, error.message)
    }

    /// `template/file:line: severity: message`, one line.
    public var description: String {
        var place = template
        if let file { place += "/" + file }
        if let line { place += ":\(line)" }
        return "\(place): \(severity.rawValue): \(message)"
    }
}

/// Why a template could not be loaded, rendered or turned into a message.
///
/// Names the template, the file (`template.json`, `sms.txt`, `voice.txt`,
/// `push.json`), the variable and the line where they are known. Variable
/// *values* never appear in the message: they can hold a resident's name.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code, for tests and for mapping to outcomes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The templates folder, a template folder or a file is missing or unreadable.
        case unreadable
        /// A file is not what the format needs (bad JSON, a missing field, a wrong type).
        case invalidFile
        /// A `{{` without its `}}`.
        case unterminatedPlaceholder
        /// A placeholder naming neither a declared variable nor a built-in.
        case undeclaredVariable
        /// No value (or an empty one) was given for a variable the template uses.
        case missingValue
        /// A value is longer than its variable's `maxLength`.
        case valueTooLong
        /// The template has no file for the channel an adapter sends.
        case missingChannel
        /// The template has no gateway code (or the wrong kind) for an adapter that needs one.
        case missingCode
        /// The adapter name is not one Herald knows.
        case unknownAdapter
        /// No template of that name is loaded (a broadcast names one that was removed).
        case unknownTemplate
    }

    public var code: Code
    /// The template's name (its folder).
    public var template: String
    /// The file the problem is in, when there is one.
    public var file: String?
    /// The variable concerned, when there is one.
    public var variable: String?
    /// The line in `file`, when known.
    public var line: Int?
    /// What is wrong and what to do, without any variable value.
    public var message: String

    public init(_ code: Code, template: String, file: String? = nil, variable: String? = nil, line: Int? = nil,
                _ message: String) {
        self.code = code
        self.template = template
        self.file = file
        self.variable = variable
        self.line = line
        self.message = message
    }

    /// `template/file:line: message`, the way `herald templates lint` prints it.
    public var description: String {
        var place = template
        if let file { place += "/" + file }
        if let line { place += ":\(line)" }
        return place + ": " + message
    }
}

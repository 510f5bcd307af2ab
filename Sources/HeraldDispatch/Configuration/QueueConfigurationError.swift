/// Why a queue file, or the folder of them, cannot be used.
///
/// Says which file, which key (a dot path: `retry.capSeconds`,
/// `gateway.timeoutSeconds`) and what to write instead:
/// `Queues/x.json: rate: must be greater than 0 (got -1)`. Queue files hold
/// environment-variable names, never secrets, so nothing here can leak one.
public struct QueueConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable name for the kind of problem.
    public enum Code: String, Hashable, Sendable, CaseIterable {
        /// The folder or a file is missing, unreadable, or has no queue files.
        case unreadable
        /// The file is not JSON, or not one JSON object.
        case malformedJSON = "malformed-json"
        /// A key the queue file does not have (most often a typo).
        case unknownKey = "unknown-key"
        /// A required key is absent.
        case missingKey = "missing-key"
        /// A value of the wrong JSON type (a string where a number belongs).
        case wrongType = "wrong-type"
        /// A number outside what the key allows.
        case outOfRange = "out-of-range"
        /// A value that is not one of the allowed ones: an unknown adapter,
        /// channel or time zone, a send window that does not parse.
        case invalidValue = "invalid-value"
        /// Two queues with the same name.
        case duplicateName = "duplicate-name"
    }

    public let code: Code
    /// The queue file, as the catalog was given it (`Queues/x.json`); nil when not about one file.
    public let file: String?
    /// The key at fault, as a dot path; nil when the whole file is.
    public let key: String?
    /// What was wrong and what to do.
    public let message: String

    public init(_ code: Code, _ message: String, file: String? = nil, key: String? = nil) {
        self.code = code
        self.file = file
        self.key = key
        self.message = message
    }

    /// `file: key: message`, leaving out what is not known.
    public var description: String {
        var text = ""
        if let file { text += file + ": " }
        if let key { text += key + ": " }
        return text + message
    }

    /// The same error, said of `file`.
    func inFile(_ file: String) -> QueueConfigurationError {
        QueueConfigurationError(code, message, file: file, key: key)
    }
}

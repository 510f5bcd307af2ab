/// Why an `HTTPServer` could not start.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    /// A stable code for programs; the message is for people.
    public enum Code: String, Sendable, Hashable {
        /// Another socket already listens on the address and port.
        case addressInUse = "address_in_use"
        /// A `Configuration` value is out of range or unreadable.
        case invalidConfiguration = "invalid_configuration"
        /// libmicrohttpd refused to start for another reason (see the message).
        case startFailed = "start_failed"
    }

    public let code: Code
    /// What was wrong and what to do about it.
    public let message: String
    /// The configured host and port (port 0 means "any free port").
    public let host: String
    public let port: UInt16

    public init(code: Code, message: String, host: String, port: UInt16) {
        self.code = code
        self.message = message
        self.host = host
        self.port = port
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

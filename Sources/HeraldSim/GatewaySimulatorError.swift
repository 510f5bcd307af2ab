/// Why a `GatewaySimulator` could not start.
public struct GatewaySimulatorError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The port is taken.
        case addressInUse = "address_in_use"
        /// A configuration value is out of range.
        case invalidConfiguration = "invalid_configuration"
        /// The listener or the callback client could not start.
        case startFailed = "start_failed"
    }

    public let code: Code
    /// What was wrong and what to do about it.
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

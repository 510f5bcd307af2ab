/// Why a channel could not be built from its queue file, or why an adapter
/// could not turn a message into a gateway request.
///
/// The message says what was wrong, where (queue, field) and what to do. It
/// never holds a secret's value or a resident's phone number: credentials are
/// named by their role and environment variable only.
public struct ChannelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable name for the kind of problem.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The queue file names an adapter Herald does not have.
        case unknownAdapter = "unknown-adapter"
        /// `gateway.credentials` lacks a role the adapter needs.
        case missingCredential = "missing-credential"
        /// The environment variable a credential names is unset or empty.
        case missingEnvironmentVariable = "missing-environment-variable"
        /// A required `gateway.settings` entry is absent or empty.
        case missingSetting = "missing-setting"
        /// A setting, credential role, the endpoint, the timeout or the channel
        /// kind is unknown or has a value the adapter cannot use.
        case invalidSetting = "invalid-setting"
        /// The generic HTTP adapter's `gateway.http` block is wrong.
        case invalidHTTPSpec = "invalid-http-spec"
        /// This message cannot go out through this adapter (no phone number
        /// for an SMS adapter, no openid for WeChat, no template code): the
        /// send ends `.permanent` without a request.
        case unsendableMessage = "unsendable-message"
        /// libcrypto could not sign the request (a broken OpenSSL, not bad data).
        case signingFailed = "signing-failed"
    }

    public var code: Code
    /// What was wrong and what to do, without secrets or phone numbers.
    public var message: String
    /// The queue whose file or message this is about, when known.
    public var queue: String?
    /// The queue-file field at fault, e.g. `gateway.settings.signName`.
    public var field: String?

    public init(_ code: Code, _ message: String, queue: String? = nil, field: String? = nil) {
        self.code = code
        self.message = message
        self.queue = queue
        self.field = field
    }

    public var description: String {
        var text = code.rawValue + ": "
        if let queue { text += "queue \"\(queue)\": " }
        if let field { text += "\(field): " }
        return text + message
    }

    /// What a send that failed with this error comes to: a message the
    /// adapter cannot send is `.permanent` (the channel plan escalates);
    /// anything else breaks every send, so the queue stops.
    var sendOutcome: SendOutcome {
        switch code {
        case .unsendableMessage: .permanent(reason: message)
        default: .gatewayFailure(reason: description)
        }
    }

    static func unsendable(_ message: String) -> ChannelError {
        ChannelError(.unsendableMessage, message)
    }

    static func signing(_ error: SigningError, gateway: String) -> ChannelError {
        ChannelError(.signingFailed, "could not sign the \(gateway) request: \(error)")
    }
}

/// A credential read from the environment (a password, an access key
/// secret, an app secret).
///
/// Every text form (`description`, `debugDescription`, `dump`, string
/// interpolation) shows only `<secret>`, so a configuration printed into a
/// log or an error never carries the value. Read `value` where the gateway
/// needs it: in a signature or a request.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

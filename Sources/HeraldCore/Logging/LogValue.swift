/// A value attached to a log line under a metadata key.
///
/// Literals convert directly (`["attempt": 2, "channel": "sms"]`), and so does
/// string interpolation, which uses `description` and so masks a
/// ``PhoneNumber``. ``phone(_:)`` is always written as ``PhoneNumber/masked``;
/// there is deliberately no way to log a full number.
public enum LogValue: Sendable, Hashable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    /// A phone number, always written masked: `"+86 138****5678"`.
    case phone(PhoneNumber)
}

extension LogValue: CustomStringConvertible {
    /// The value as plain text; a phone number is masked.
    public var description: String {
        switch self {
        case .string(let value): value
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        case .phone(let number): number.masked
        }
    }
}

extension LogValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension LogValue: ExpressibleByStringInterpolation {
    public init(stringInterpolation: DefaultStringInterpolation) {
        self = .string(String(stringInterpolation: stringInterpolation))
    }
}

extension LogValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) {
        self = .int(value)
    }
}

extension LogValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) {
        self = .double(value)
    }
}

extension LogValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

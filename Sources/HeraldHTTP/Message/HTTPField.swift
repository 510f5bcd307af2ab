/// One header of a request or response; order and repeats are kept as sent.
///
/// Its own type rather than HeraldChannels' `HTTPHeader`: HeraldHTTP sits
/// below HeraldChannels, and the simulator imports both.
public struct HTTPField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension Sequence<HTTPField> {
    /// The first field named `name`, compared ASCII case-insensitively.
    func first(named name: String) -> String? {
        first { $0.name.equalsIgnoringASCIICase(name) }?.value
    }
}

extension String {
    /// Header names are ASCII (RFC 9110 §5.1), so only ASCII letters fold.
    func equalsIgnoringASCIICase(_ other: String) -> Bool {
        let left = utf8, right = other.utf8
        guard left.count == right.count else { return false }
        return zip(left, right).allSatisfy { a, b in
            a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= 0x61 && (a | 0x20) <= 0x7A)
        }
    }
}

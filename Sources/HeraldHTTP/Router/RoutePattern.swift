/// A route's path pattern, split into literal and `{name}` segments.
struct RoutePattern: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    let segments: [Segment]

    /// The pattern as written, normalised: "/" + segments joined by "/".
    var text: String {
        "/" + segments.map { segment in
            switch segment {
            case .literal(let literal): literal
            case .parameter(let name): "{\(name)}"
            }
        }.joined(separator: "/")
    }

    /// Parses `pattern`; a malformed pattern is a programming error.
    init(_ pattern: String) {
        precondition(pattern.hasPrefix("/"), "route pattern '\(pattern)' must start with '/'")
        var names: Set<String> = []
        segments = RoutePattern.segments(of: pattern).map { piece in
            guard piece.hasPrefix("{"), piece.hasSuffix("}"), piece.count > 2 else {
                precondition(!piece.contains("{") && !piece.contains("}"),
                             "route pattern '\(pattern)': a parameter is a whole segment like {id}")
                return .literal(piece)
            }
            let name = String(piece.dropFirst().dropLast())
            precondition(names.insert(name).inserted, "route pattern '\(pattern)' names {\(name)} twice")
            return .parameter(name)
        }
    }

    /// The parameters if `path` (already split) matches, else nil.
    func match(_ path: [String]) -> [String: String]? {
        guard path.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, piece) in zip(segments, path) {
            switch segment {
            case .literal(let literal):
                guard literal == piece else { return nil }
            case .parameter(let name):
                parameters[name] = piece
            }
        }
        return parameters
    }

    static func segments(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }
}

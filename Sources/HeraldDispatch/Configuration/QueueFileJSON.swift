import Foundation

/// A queue file's JSON as read, before its values are checked, so that each
/// problem can name its key and say what was found there.
enum QueueFileJSON: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([QueueFileJSON])
    case object([String: QueueFileJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([QueueFileJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: QueueFileJSON].self))
        }
    }

    /// What the value is, for "must be a number (got a string)".
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "true or false"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }

    /// The value at a decoder's coding path, if there is one.
    func value(at path: [any CodingKey]) -> QueueFileJSON? {
        var value = self
        for key in path {
            switch value {
            case .object(let members):
                guard let member = members[key.stringValue] else { return nil }
                value = member
            case .array(let elements):
                guard let index = key.intValue, elements.indices.contains(index) else { return nil }
                value = elements[index]
            default:
                return nil
            }
        }
        return value
    }

    /// Parses `data`, or says where it stops being JSON.
    static func parse(_ data: Data) throws(QueueConfigurationError) -> QueueFileJSON {
        do {
            return try JSONDecoder().decode(QueueFileJSON.self, from: data)
        } catch {
            throw QueueConfigurationError(.malformedJSON, syntaxProblem(in: data))
        }
    }

    /// `not valid JSON at line 3, column 5 (Invalid value around character 31.)`.
    ///
    /// `JSONDecoder` does not say where; `JSONSerialization`'s message gives
    /// a byte offset, turned here into a line and column.
    private static func syntaxProblem(in data: Data) -> String {
        let advice = "; check for a missing comma or quote, or a trailing comma"
        if data.isEmpty { return "the file is empty; a queue file is one JSON object { … }" }
        do {
            _ = try JSONSerialization.jsonObject(with: data)
            return "not valid JSON" + advice
        } catch {
            let said = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            guard let range = said.range(of: "around character "),
                  let offset = Int(said[range.upperBound...].prefix { $0.isNumber }), offset <= data.count
            else { return "not valid JSON (\(said))" + advice }
            let before = data.prefix(offset)
            let line = before.count { $0 == UInt8(ascii: "\n") } + 1
            let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? before.startIndex
            let column = String(decoding: data[lineStart..<before.endIndex], as: UTF8.self).count + 1
            return "not valid JSON at line \(line), column \(column) (\(said))" + advice
        }
    }
}

/// One JSON object of a queue file, read key by key: each accessor checks
/// the type, and every error names the key by its dot path (`retry.capSeconds`).
struct QueueFileObject {
    let members: [String: QueueFileJSON]
    /// The object's own path, `""` for the file, `"retry."` for its retry block.
    let prefix: String

    init(_ members: [String: QueueFileJSON], prefix: String = "") {
        self.members = members
        self.prefix = prefix
    }

    func path(_ key: String) -> String { prefix + key }

    /// Refuses keys not in `allowed`, naming the allowed ones (and the one meant, for a near miss).
    func checkKeys(_ allowed: [String], what: String) throws(QueueConfigurationError) {
        for key in members.keys.sorted() where !allowed.contains(key) {
            var message = "unknown key; \(what) keys are " + allowed.joined(separator: ", ")
            if let meant = Self.nearest(key, in: allowed) { message += " (did you mean \"\(meant)\"?)" }
            throw QueueConfigurationError(.unknownKey, message, key: path(key))
        }
    }

    /// Whether the key is there with the value null.
    func isNull(_ key: String) -> Bool { members[key] == .null }

    func required<Value>(_ key: String, _ read: (String) throws(QueueConfigurationError) -> Value?,
                         hint: String) throws(QueueConfigurationError) -> Value {
        guard let value = try read(key) else {
            throw QueueConfigurationError(.missingKey, "required; add \"\(key)\": \(hint)", key: path(key))
        }
        return value
    }

    func string(_ key: String) throws(QueueConfigurationError) -> String? {
        switch members[key] {
        case nil: return nil
        case .string(let text)?: return text
        case let other?: throw wrongType(key, "a string", other)
        }
    }

    func number(_ key: String) throws(QueueConfigurationError) -> Double? {
        switch members[key] {
        case nil: return nil
        case .number(let value)?: return value
        case let other?: throw wrongType(key, "a number", other)
        }
    }

    func wholeNumber(_ key: String) throws(QueueConfigurationError) -> Int? {
        guard let value = try number(key) else { return nil }
        guard value.rounded() == value, abs(value) < 1e15 else {
            throw QueueConfigurationError(.wrongType, "must be a whole number (got \(Self.format(value)))",
                                          key: path(key))
        }
        return Int(value)
    }

    func object(_ key: String) throws(QueueConfigurationError) -> QueueFileObject? {
        switch members[key] {
        case nil: return nil
        case .object(let members)?: return QueueFileObject(members, prefix: path(key) + ".")
        case let other?: throw wrongType(key, "an object { … }", other)
        }
    }

    /// A number the key requires to be at least (or above) `minimum`.
    func check(_ key: String, _ value: Double, atLeast minimum: Double, exclusive: Bool = false,
               because: String? = nil) throws(QueueConfigurationError) {
        guard exclusive ? value > minimum : value >= minimum, value.isFinite else {
            let bound = because ?? Self.format(minimum)
            throw QueueConfigurationError(
                .outOfRange, "must be \(exclusive ? "greater than" : "at least") \(bound) (got \(Self.format(value)))",
                key: path(key))
        }
    }

    private func wrongType(_ key: String, _ expected: String, _ found: QueueFileJSON) -> QueueConfigurationError {
        QueueConfigurationError(.wrongType, "must be \(expected) (got \(found.typeName))", key: path(key))
    }

    /// `5`, `0.5`, `-1`: numbers as a person wrote them.
    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// The allowed key a typo most likely meant: same letters ignoring case,
    /// or at most two edits away.
    static func nearest(_ key: String, in allowed: [String]) -> String? {
        if let same = allowed.first(where: { $0.lowercased() == key.lowercased() }) { return same }
        let scored = allowed.map { ($0, editDistance(Array(key.lowercased()), Array($0.lowercased()))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2 else { return nil }
        return best.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}

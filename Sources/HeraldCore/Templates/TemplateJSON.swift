/// A JSON value that keeps object members in file order, for the template
/// files: `push.json`'s `data` fields are sent to WeChat in the order they
/// are written, which `JSONSerialization` would lose.
///
/// The reader is strict RFC 8259 (no comments, no trailing commas) and
/// reports the line of the first problem. Duplicate member names are an
/// error, so a copy-pasted field cannot silently win.
enum TemplateJSON: Sendable, Hashable {
    struct Member: Sendable, Hashable {
        var name: String
        var value: TemplateJSON
        /// The line the member's name is on, for errors about its value.
        var line: Int
    }

    case string(String)
    /// A number as written (`20`, `1.5`).
    case number(String)
    case bool(Bool)
    case null
    case array([TemplateJSON])
    case object([Member])

    /// Why a file is not JSON, and where.
    struct SyntaxError: Error, Sendable, Hashable {
        var line: Int
        var message: String
    }

    var stringValue: String? {
        if case .string(let text) = self { text } else { nil }
    }

    var members: [Member]? {
        if case .object(let members) = self { members } else { nil }
    }

    var elements: [TemplateJSON]? {
        if case .array(let elements) = self { elements } else { nil }
    }

    /// What the value is, for "must be a string, found a number".
    var typeName: String {
        switch self {
        case .string: "a string"
        case .number: "a number"
        case .bool: "true or false"
        case .null: "null"
        case .array: "a list"
        case .object: "an object"
        }
    }

    static func parse(_ text: String) throws(SyntaxError) -> TemplateJSON {
        var reader = Reader(bytes: Array(text.utf8))
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.atEnd else { throw reader.error("unexpected text after the JSON value") }
        return value
    }

    /// `text` as a JSON string literal, quotes included: `"` and `\` are
    /// escaped, and so is every control character (U+0000–U+001F), so the
    /// result is valid JSON whatever `text` holds.
    static func quoted(_ text: String) -> String {
        var out = "\""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0
        var line = 1

        var atEnd: Bool { index >= bytes.count }

        func error(_ message: String) -> SyntaxError { SyntaxError(line: line, message: message) }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\n"): line += 1; index += 1
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): index += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(SyntaxError) -> TemplateJSON {
            guard depth < 64 else { throw error("nested too deeply") }
            guard index < bytes.count else { throw error("the file ends where a value should be") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw error("unexpected character \(describe(bytes[index])) where a value should be")
            }
        }

        private func describe(_ byte: UInt8) -> String {
            byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "(byte \(byte))"
        }

        private mutating func literal(_ word: String) throws(SyntaxError) {
            let expected = Array(word.utf8)
            guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
                throw error("unexpected word; expected \(word)")
            }
            index += expected.count
        }

        private mutating func number() throws(SyntaxError) -> String {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            func digits(_ reader: inout Reader) -> Int {
                let from = reader.index
                while reader.index < reader.bytes.count,
                      (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(reader.bytes[reader.index]) {
                    reader.index += 1
                }
                return reader.index - from
            }
            let whole = digits(&self)
            guard whole > 0 else { throw error("a number needs digits") }
            if whole > 1, bytes[start + (bytes[start] == UInt8(ascii: "-") ? 1 : 0)] == UInt8(ascii: "0") {
                throw error("a number cannot start with 0")
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits(&self) > 0 else { throw error("a number needs digits after '.'") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                guard digits(&self) > 0 else { throw error("a number needs digits in its exponent") }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        private mutating func string() throws(SyntaxError) -> String {
            index += 1  // the opening quote
            var scalars = String.UnicodeScalarView()
            var run = index  // start of the current run of plain bytes
            func flush(_ reader: Reader, upTo end: Int, into scalars: inout String.UnicodeScalarView) {
                scalars.append(contentsOf: String(decoding: reader.bytes[run..<end], as: UTF8.self).unicodeScalars)
            }
            while true {
                guard index < bytes.count else { throw error("a string is not closed with '\"'") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    flush(self, upTo: index, into: &scalars)
                    index += 1
                    return String(scalars)
                }
                if byte < 0x20 {
                    throw error(byte == UInt8(ascii: "\n")
                                ? "a string runs past the end of the line; write a line break as \\n"
                                : "a control character inside a string must be escaped")
                }
                if byte != UInt8(ascii: "\\") { index += 1; continue }
                flush(self, upTo: index, into: &scalars)
                index += 1
                guard index < bytes.count else { throw error("a string ends in the middle of an escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"): scalars.append(try unicodeEscape())
                default: throw error("unknown escape \\\(Character(Unicode.Scalar(escape)))")
                }
                run = index
            }
        }

        /// The scalar of a `\uXXXX` escape (the `\u` already read),
        /// joining a surrogate pair written as two escapes.
        private mutating func unicodeEscape() throws(SyntaxError) -> Unicode.Scalar {
            let high = try hex4()
            if (0xD800...0xDBFF).contains(high) {
                guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"),
                      bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("a \\u surrogate is not followed by its pair")
                }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low),
                      let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) else {
                    throw error("a \\u surrogate pair is not valid")
                }
                return scalar
            }
            guard let scalar = Unicode.Scalar(high) else { throw error("a lone \\u surrogate is not a character") }
            return scalar
        }

        private mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard bytes.count - index >= 4,
                  let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
                throw error("\\u needs four hexadecimal digits")
            }
            index += 4
            return value
        }

        private mutating func array(depth: Int) throws(SyntaxError) -> TemplateJSON {
            index += 1
            var elements: [TemplateJSON] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array([]) }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw error("a list is not closed with ']'") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
                throw error("expected ',' or ']' in a list")
            }
        }

        private mutating func object(depth: Int) throws(SyntaxError) -> TemplateJSON {
            index += 1
            var members: [Member] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object([]) }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw error("expected a quoted member name")
                }
                let nameLine = line
                let name = try string()
                if members.contains(where: { $0.name == name }) {
                    throw error("\"\(name)\" appears twice in one object")
                }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw error("expected ':' after \"\(name)\"")
                }
                index += 1
                skipWhitespace()
                members.append(Member(name: name, value: try value(depth: depth + 1), line: nameLine))
                skipWhitespace()
                guard index < bytes.count else { throw error("an object is not closed with '}'") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                throw error("expected ',' or '}' after the value of \"\(name)\"")
            }
        }
    }
}

extension TemplateJSON {
    subscript(name: String) -> TemplateJSON? {
        members?.first { $0.name == name }?.value
    }
}

/// One text of a template (a channel file, the push page, one push field)
/// split into literal runs and `{{name}}` placeholders.
///
/// Spaces inside the braces are ignored (`{{ activity }}`). There is no
/// escape for a literal `{{`: every `{{` opens a placeholder and must be
/// closed by `}}` before the text ends. A `}}` on its own is literal text.
struct TemplateText: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case literal(String)
        /// A placeholder and the line it starts on (counted from the text's first line).
        case placeholder(String, line: Int)
    }

    let parts: [Part]

    /// Every placeholder name in order of first use, each once.
    var names: [String] {
        var seen: Set<String> = []
        return parts.compactMap { part in
            guard case .placeholder(let name, _) = part, seen.insert(name).inserted else { return nil }
            return name
        }
    }

    /// The literal text, placeholders left out.
    var literalText: String {
        parts.map { if case .literal(let text) = $0 { text } else { "" } }.joined()
    }

    /// Splits `text`.
    ///
    /// - Parameters:
    ///   - file: the channel file, for errors.
    ///   - field: where in the file the text is (`page`, `data.thing1`), for errors; nil for a whole file.
    ///   - firstLine: the file line the text starts on, for errors; nil when lines mean nothing (JSON fields).
    static func parse(_ text: String, template: String, file: String, field: String? = nil,
                      firstLine: Int? = 1) throws(TemplateError) -> TemplateText {
        var parts: [Part] = []
        var rest = Substring(text)
        var line = 1
        let place = field.map { " in \($0)" } ?? ""
        while let open = rest.range(of: "{{") {
            let before = rest[..<open.lowerBound]
            if !before.isEmpty { parts.append(.literal(String(before))) }
            line += before.count(where: \.isNewline)
            let fileLine = firstLine.map { $0 + line - 1 }
            let after = rest[open.upperBound...]
            let close = after.range(of: "}}")
            // A "{{" before the next "}}" means this one was never closed.
            let nextOpen = after.range(of: "{{")
            guard let close, nextOpen.map({ $0.lowerBound >= close.lowerBound }) ?? true else {
                let snippet = String(after.prefix { !$0.isNewline }.prefix(20))
                throw TemplateError(.unterminatedPlaceholder, template: template, file: file, line: fileLine,
                                    "\"{{\(snippet)\"\(place) has no closing \"}}\"; write placeholders as {{name}}")
            }
            let raw = after[..<close.lowerBound]
            let name = raw.trimmingSpaces()
            guard isVariableName(name) else {
                throw TemplateError(.undeclaredVariable, template: template, file: file, variable: String(raw),
                                    line: fileLine,
                                    "{{\(raw)}}\(place) is not a variable name; names are lowercase letters, "
                                    + "digits and _, starting with a letter")
            }
            parts.append(.placeholder(name, line: line))
            line += raw.count(where: \.isNewline)
            rest = after[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        return TemplateText(parts: parts)
    }

    /// The text with each placeholder replaced by `value(name)`.
    func filled(_ value: (String) -> String) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text): out += text
            case .placeholder(let name, _): out += value(name)
            }
        }
        return out
    }

    /// The first line a placeholder named `name` is on.
    func line(of name: String) -> Int? {
        for case .placeholder(name, let line) in parts { return line }
        return nil
    }

    /// `[a-z][a-z0-9_]*`.
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}

private extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

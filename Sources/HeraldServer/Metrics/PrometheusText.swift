import HeraldDispatch

/// Writes the Prometheus text exposition format (0.0.4): one `# HELP` and
/// `# TYPE` per family, then its samples; label values escaped.
struct PrometheusText {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private(set) var text = ""

    /// A family of gauges or counters; `samples` may be empty (the family
    /// is still declared, so dashboards and alerts find it).
    mutating func family(_ name: String, _ type: String, _ help: String,
                         _ samples: [(labels: [(String, String)], value: Double)]) {
        header(name, type, help)
        for sample in samples { line(name, sample.labels, sample.value) }
    }

    /// A histogram family: cumulative `_bucket`s with `le`, `_sum`, `_count`.
    mutating func histogram(_ name: String, _ help: String,
                            _ series: [(labels: [(String, String)], histogram: LatencyHistogram)]) {
        header(name, "histogram", help)
        for (labels, histogram) in series {
            var cumulative = 0
            for (index, count) in histogram.counts.enumerated() {
                cumulative += count
                let bound = index < histogram.bounds.count ? Self.number(histogram.bounds[index]) : "+Inf"
                line(name + "_bucket", labels + [("le", bound)], Double(cumulative))
            }
            line(name + "_sum", labels, histogram.sum)
            line(name + "_count", labels, Double(histogram.count))
        }
    }

    private mutating func header(_ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n"))\n"
        text += "# TYPE \(name) \(type)\n"
    }

    private mutating func line(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{"
            text += labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",")
            text += "}"
        }
        text += " " + Self.number(value) + "\n"
    }

    /// A label value with backslash, double quote and newline escaped.
    static func escape(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Whole numbers without a fraction; infinities as Prometheus spells them.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

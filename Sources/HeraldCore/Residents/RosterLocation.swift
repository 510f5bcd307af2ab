/// Where a roster entry came from: a CSV line or a JSON array index.
public enum RosterLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The physical line (1-based) of a CSV file where the row starts.
    case line(Int)
    /// The position (0-based) of an object in a JSON array.
    case index(Int)

    public var description: String {
        switch self {
        case .line(let line): "line \(line)"
        case .index(let index): "index \(index)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Source addresses allowed to post gateway callbacks: single addresses and
/// CIDR ranges, IPv4 and IPv6 (`47.100.0.0/16, 2408:4000::/20, 127.0.0.1`).
/// Empty allows every address.
public struct AddressAllowList: Sendable, Hashable {
    struct Range: Sendable, Hashable {
        /// The network's address bytes (4 or 16).
        var network: [UInt8]
        var prefixLength: Int
    }

    let ranges: [Range]

    public var isEmpty: Bool { ranges.isEmpty }

    /// Every address may post callbacks.
    public static let anyAddress = AddressAllowList(ranges: [])

    private init(ranges: [Range]) {
        self.ranges = ranges
    }

    /// Parses the entries; throws naming the first one that is not an
    /// address or a range.
    public init(_ entries: [String]) throws(ServerConfigurationError) {
        ranges = try entries.map { (entry) throws(ServerConfigurationError) -> Range in
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let bytes = Self.bytes(of: String(parts[0])) else {
                throw ServerConfigurationError("\(ServerConfiguration.Variable.callbackAllowList): '\(entry)' is not an "
                                               + "IPv4 or IPv6 address or range (e.g. 47.100.0.0/16)")
            }
            var length = bytes.count * 8
            if parts.count == 2 {
                guard let prefix = Int(parts[1]), (0...bytes.count * 8).contains(prefix) else {
                    throw ServerConfigurationError("\(ServerConfiguration.Variable.callbackAllowList): '\(entry)' has "
                                                   + "a prefix length outside 0...\(bytes.count * 8)")
                }
                length = prefix
            }
            return Range(network: bytes, prefixLength: length)
        }
    }

    /// Whether `address` (as the server reports a peer: `127.0.0.1`, `::1`)
    /// may post callbacks. An IPv4 peer seen as IPv4-mapped IPv6 matches the
    /// IPv4 ranges.
    public func allows(_ address: String) -> Bool {
        if ranges.isEmpty { return true }
        guard var bytes = Self.bytes(of: address) else { return false }
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            bytes = Array(bytes[12...])
        }
        return ranges.contains { range in
            guard range.network.count == bytes.count else { return false }
            var remaining = range.prefixLength
            for index in bytes.indices where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
                if bytes[index] & mask != range.network[index] & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    /// The address's bytes (4 for IPv4, 16 for IPv6), or nil.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}

/// A server setting Herald cannot use, saying which and why.
public struct ServerConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

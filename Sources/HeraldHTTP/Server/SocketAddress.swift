#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A numeric IPv4 or IPv6 address and port, as the `sockaddr` libmicrohttpd binds.
struct SocketAddress {
    private var storage = sockaddr_storage()
    let length: socklen_t
    let isIPv6: Bool

    /// Parses `host` ("127.0.0.1", "::1", "localhost"); nil when it is not
    /// a numeric address.
    init?(host: String, port: UInt16) {
        let numeric = host == "localhost" ? "127.0.0.1" : host
        var ipv4 = in_addr()
        var ipv6 = in6_addr()
        if inet_pton(AF_INET, numeric, &ipv4) == 1 {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr = ipv4
            withUnsafeMutableBytes(of: &storage) { target in
                withUnsafeBytes(of: address) { target.copyMemory(from: $0) }
            }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            isIPv6 = false
        } else if inet_pton(AF_INET6, numeric, &ipv6) == 1 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = ipv6
            withUnsafeMutableBytes(of: &storage) { target in
                withUnsafeBytes(of: address) { target.copyMemory(from: $0) }
            }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            isIPv6 = true
        } else {
            return nil
        }
    }

    /// Calls `body` with a `struct sockaddr *` valid for the call.
    mutating func withSockaddrPointer<T>(_ body: (UnsafeMutablePointer<sockaddr>) throws -> T) rethrows -> T {
        try withUnsafeMutableBytes(of: &storage) { raw in
            try body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self))
        }
    }

    /// Whether binding this address fails with EADDRINUSE: asked after
    /// libmicrohttpd failed to start, to say why in words a person can act on.
    /// SO_REUSEADDR is set as libmicrohttpd sets it, so a port held only by
    /// connections in TIME_WAIT does not count as in use.
    mutating func isInUse() -> Bool {
        let probe = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { return false }
        defer { _ = close(probe) }
        var on: Int32 = 1
        guard setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            return false
        }
        let length = self.length
        let result = withSockaddrPointer { bind(probe, $0, length) }
        return result != 0 && errno == EADDRINUSE
    }

    /// The numeric text of an IPv4 or IPv6 peer address; empty for other families.
    static func text(of address: UnsafePointer<sockaddr>) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = Int32(address.pointee.sa_family)
        let written: UnsafePointer<CChar>?
        switch family {
        case AF_INET:
            written = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { ipv4 in
                withUnsafePointer(to: ipv4.pointee.sin_addr) {
                    inet_ntop(AF_INET, $0, &buffer, socklen_t(buffer.count))
                }
            }
        case AF_INET6:
            written = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { ipv6 in
                withUnsafePointer(to: ipv6.pointee.sin6_addr) {
                    inet_ntop(AF_INET6, $0, &buffer, socklen_t(buffer.count))
                }
            }
        default:
            return ""
        }
        guard written != nil, let end = buffer.firstIndex(of: 0) else { return "" }
        return String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

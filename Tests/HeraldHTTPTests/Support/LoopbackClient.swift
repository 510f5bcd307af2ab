#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking HTTP/1.1 client on one POSIX socket to 127.0.0.1, for tests.
///
/// It writes requests byte for byte as given, so tests can send what a
/// library client would refuse to (a Content-Length that never arrives, a
/// chunked body, several requests on one connection). Responses are read by
/// Content-Length. Every read gives up after `receiveTimeoutSeconds`, so a
/// server bug shows up as a thrown error, not a hung test.
///
/// Not Sendable: one test thread uses it.
final class LoopbackClient {
    struct Response {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    struct ClientError: Error, CustomStringConvertible {
        var description: String
    }

    private let socketDescriptor: Int32
    private var received: [UInt8] = []

    init(port: UInt16, receiveTimeoutSeconds: Int = 10) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ClientError(description: "socket: errno \(errno)") }
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let reason = errno
            close(descriptor)
            throw ClientError(description: "connect to 127.0.0.1:\(port): errno \(reason)")
        }
        socketDescriptor = descriptor
    }

    deinit {
        close(socketDescriptor)
    }

    /// Whether nothing listens on `port` (connect is refused).
    static func isRefused(port: UInt16) -> Bool {
        do {
            _ = try LoopbackClient(port: port)
            return false
        } catch {
            return true
        }
    }

    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            #if canImport(Darwin)
            let flags: Int32 = 0
            #else
            let flags = Int32(MSG_NOSIGNAL)
            #endif
            let sent = bytes[offset...].withUnsafeBytes {
                send(socketDescriptor, $0.baseAddress, $0.count, flags)
            }
            guard sent > 0 else { throw ClientError(description: "send: errno \(errno)") }
            offset += sent
        }
    }

    func write(_ text: String) throws {
        try write(Array(text.utf8))
    }

    /// Sends one request with `Host` and, when there is a body,
    /// `Content-Length` added.
    func sendRequest(_ method: String, _ target: String, headers: [(String, String)] = [],
                     body: [UInt8] = []) throws {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try write(Array(head.utf8) + body)
    }

    /// Sends a request and reads its response; nil if the server closed the
    /// connection without answering.
    func request(_ method: String, _ target: String, headers: [(String, String)] = [],
                 body: [UInt8] = []) throws -> Response? {
        try sendRequest(method, target, headers: headers, body: body)
        return try readResponse(bodyExpected: method != "HEAD")
    }

    /// Reads one response; nil when the connection closes (or is reset)
    /// before its first byte.
    func readResponse(bodyExpected: Bool = true) throws -> Response? {
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = firstRange(of: separator, in: received)
            if headEnd == nil {
                guard try receiveMore() else {
                    if received.isEmpty { return nil }
                    throw ClientError(description: "connection closed inside the response head")
                }
            }
        }
        let headLength = headEnd! + separator.count
        let head = String(decoding: received[..<headEnd!], as: UTF8.self)
        var lines = head.split(separator: "\r\n").map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw ClientError(description: "bad status line in \(head)")
        }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingSpaces)
        }
        var response = Response(status: status, headers: headers, body: [])
        let noBody = !bodyExpected || status == 204 || status == 304 || (100..<200).contains(status)
        let length = noBody ? 0 : Int(response.header("Content-Length") ?? "0") ?? 0
        while received.count < headLength + length {
            guard try receiveMore() else { throw ClientError(description: "connection closed inside the body") }
        }
        response.body = Array(received[headLength..<(headLength + length)])
        received.removeFirst(headLength + length)
        return response
    }

    /// Whether the server has closed the connection: a read sees end of
    /// stream or a reset rather than data.
    func isClosedByPeer() throws -> Bool {
        if !received.isEmpty { return false }
        return try !receiveMore()
    }

    /// Appends what arrives; false at end of stream or on a reset.
    private func receiveMore() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(socketDescriptor, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            received += chunk[..<count]
            return true
        }
        if count == 0 || errno == ECONNRESET { return false }
        throw ClientError(description: "recv: errno \(errno) (EAGAIN means the read timed out)")
    }

    private func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

import Foundation
import HeraldCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct GatewaySimCommandTests {
    @Test(arguments: [
        (["--accept", "1.5"], "--accept must be a rate between 0 and 1, got '1.5'"),
        (["--deliver", "x"], "--deliver must be a rate between 0 and 1, got 'x'"),
        (["--latency-ms", "50-10"], "--latency-ms must be MIN-MAX with 0 <= MIN <= MAX"),
        (["--latency-ms", "a-b"], "--latency-ms must be MIN-MAX"),
        (["--port", "70000"], "--port must be a port number from 0 to 65535, got '70000'"),
        (["--seed", "-1"], "--seed must be a whole number"),
        (["--balance", "-3"], "--balance must be a whole number of messages"),
        (["--time-scale", "0"], "--time-scale must be a positive number, got '0'"),
        (["--callback-url", "ftp://herald"], "--callback-url must be an http:// or https:// URL"),
        (["--fault-5xx", "0.6", "--fault-429", "0.6"], "the --fault-* rates add up to 1.2; together at most 1"),
        (["--press1", "0.7", "--press2", "0.5"], "--press1 + --press2 is 1.2; together at most 1"),
        (["--frobnicate"], "unknown option '--frobnicate' for 'gateway-sim'"),
    ])
    func badValuesAreUsageErrors(arguments: [String], message: String) throws {
        let result = try HeraldProcess.run(["gateway-sim"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("(see 'herald gateway-sim --help')"))
        #expect(result.stdout.isEmpty)
    }

    @Test func aTakenPortExits69WithTheMessage() throws {
        let (socket, port) = try Self.listeningSocket()
        defer { close(socket) }
        let result = try HeraldProcess.run(["gateway-sim", "--port", String(port)])
        #expect(result.status == 69)
        #expect(result.stderr.contains("already in use"), "stderr: \(result.stderr)")
    }

    @Test func printsItsURLFirstAndFinalStatsOnSIGTERM() throws {
        let child = try ChildProcess(HeraldProcess.binary, ["gateway-sim", "--port", "0", "--seed", "5"], errors: .null)

        // Blocks until the first line is written; no sleeping.
        let first = child.readLine() ?? ""
        #expect(first.hasPrefix("herald gateway-sim: listening on http://127.0.0.1:"))
        #expect(first.contains("(seed 5; callbacks off"))

        child.send(SIGTERM)
        let rest = String(decoding: child.collect().output, as: UTF8.self)
        #expect(child.wait() == .exited(0))
        #expect(rest.contains("final stats: requests 0"))
    }

    /// A TCP socket listening on a free loopback port, and the port.
    static func listeningSocket() throws -> (Int32, UInt16) {
        // Close-on-exec: a herald started by a test running alongside must
        // not inherit the listening socket.
        #if canImport(Glibc) || canImport(Musl)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, listen(descriptor, 1) == 0 else {
            close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            close(descriptor)
            throw POSIXError(.EINVAL)
        }
        return (descriptor, UInt16(bigEndian: address.sin_port))
    }
}

import Foundation
import HeraldHTTP
import Synchronization
import Testing

/// A consumer that checksums what it is given, keeping no bytes.
private final class CountingConsumer: HTTPBodyConsumer {
    private let state = Mutex((bytes: 0, sum: UInt64(0), pieces: 0))

    func consume(_ bytes: UnsafeRawBufferPointer) {
        state.withLock { state in
            state.bytes += bytes.count
            state.pieces += 1
            for byte in bytes { state.sum = state.sum &* 31 &+ UInt64(byte) }
        }
    }

    var totals: (bytes: Int, sum: UInt64, pieces: Int) { state.withLock { $0 } }
}

@Suite struct HTTPBodyStreamTests {
    static func checksum(_ bytes: [UInt8]) -> UInt64 { bytes.reduce(0) { $0 &* 31 &+ UInt64($1) } }

    /// Streams POST /upload into a fresh consumer with `maxBytes`; buffers everything else.
    static func server(maxBodyBytes: Int, maxStreamBytes: Int) throws -> HTTPServer {
        var configuration = loopbackConfiguration(maxBodyBytes: maxBodyBytes)
        configuration.bodyStream = { head in
            guard head.method == "POST", head.path == "/upload", head.header("x-stream") == "yes" else { return nil }
            return HTTPBodyStream(consumer: CountingConsumer(), maxBytes: maxStreamBytes)
        }
        return try HTTPServer(configuration: configuration) { request, responder in
            if let consumer = request.bodyConsumer as? CountingConsumer {
                let totals = consumer.totals
                responder.respond(.text(200, "streamed \(totals.bytes) \(totals.sum) body=\(request.body.count)"))
            } else {
                responder.respond(.text(200, "buffered \(request.body.count)"))
            }
        }
    }

    @Test func aChosenRequestStreamsPastTheBufferedCapAndOthersDoNot() throws {
        let server = try Self.server(maxBodyBytes: 1024, maxStreamBytes: 1 << 20)
        let client = try LoopbackClient(port: server.port)
        let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }

        let streamed = try #require(try client.request("POST", "/upload", headers: [("X-Stream", "yes")], body: body))
        #expect(streamed.status == 200)
        #expect(streamed.text == "streamed 300000 \(Self.checksum(body)) body=0")

        // The same size without the header is buffered, and over the 1 KiB cap.
        let buffered = try #require(try LoopbackClient(port: server.port).request("POST", "/upload", body: body))
        #expect(buffered.status == 413)
        let small = try #require(try LoopbackClient(port: server.port).request("POST", "/upload", body: [1, 2, 3]))
        #expect(small.text == "buffered 3")
    }

    @Test func aStreamPastItsOwnCapIs413() throws {
        let server = try Self.server(maxBodyBytes: 1024, maxStreamBytes: 10_000)
        let tooBig = try #require(try LoopbackClient(port: server.port).request(
            "POST", "/upload", headers: [("X-Stream", "yes")], body: [UInt8](repeating: 65, count: 10_001)))
        #expect(tooBig.status == 413)
        let fits = try #require(try LoopbackClient(port: server.port).request(
            "POST", "/upload", headers: [("X-Stream", "yes")], body: [UInt8](repeating: 65, count: 10_000)))
        #expect(fits.status == 200)
    }
}

import Foundation
import HeraldCore

/// nginx on a loopback port with TLS and HTTP/2, behind a throwaway CA that
/// this object makes with the openssl command: the far end for the client's
/// TLS verification and HTTP/2 tests. `Ops/install-deps.sh --servers`
/// installs nginx; without it, `start` returns nil and says why.
final class TLSTestServer {
    let port: UInt16
    let caPath: String
    private let directory: URL
    private let process: ChildProcess

    private init(port: UInt16, caPath: String, directory: URL, process: ChildProcess) {
        self.port = port
        self.caPath = caPath
        self.directory = directory
        self.process = process
    }

    deinit {
        process.send(SIGKILL)
        process.wait()
        try? FileManager.default.removeItem(at: directory)
    }

    static let nginxPath = ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func start() throws -> TLSTestServer? {
        guard let nginx = nginxPath else {
            print("TLSTestServer: nginx is not installed (Ops/install-deps.sh --servers installs it); skipping")
            return nil
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.path
        try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                                     "-subj", "/CN=Herald Test CA", "-keyout", "\(path)/ca.key", "-out", "\(path)/ca.pem"])
        try run("/usr/bin/openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                                     "-keyout", "\(path)/server.key", "-out", "\(path)/server.csr"])
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: "\(path)/san.ext", atomically: true, encoding: .utf8)
        try run("/usr/bin/openssl", ["x509", "-req", "-in", "\(path)/server.csr", "-CA", "\(path)/ca.pem",
                                     "-CAkey", "\(path)/ca.key", "-CAcreateserial", "-days", "2",
                                     "-extfile", "\(path)/san.ext", "-out", "\(path)/server.pem"])
        let port = try unusedLoopbackPort()
        let configuration = """
            daemon off;
            master_process off;
            worker_processes 1;
            pid \(path)/nginx.pid;
            error_log \(path)/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path \(path)/body;
                proxy_temp_path \(path)/proxy;
                fastcgi_temp_path \(path)/fastcgi;
                uwsgi_temp_path \(path)/uwsgi;
                scgi_temp_path \(path)/scgi;
                server {
                    listen 127.0.0.1:\(port) ssl http2;
                    ssl_certificate \(path)/server.pem;
                    ssl_certificate_key \(path)/server.key;
                    location / { default_type application/json; return 200 '{"code":"OK"}'; }
                }
            }
            """
        try configuration.write(toFile: "\(path)/nginx.conf", atomically: true, encoding: .utf8)
        let process = try ChildProcess(nginx, ["-e", "\(path)/error.log", "-p", path, "-c", "\(path)/nginx.conf"],
                                       output: .null, errors: .null)
        let server = TLSTestServer(port: port, caPath: "\(path)/ca.pem", directory: directory, process: process)
        // Ready when the port accepts a connection (bounded: 10 s).
        for _ in 0..<1000 {
            if canConnect(port: port) { return server }
            guard process.exited() == nil else { break }
            usleep(10_000)
        }
        let log = (try? String(contentsOfFile: "\(path)/error.log", encoding: .utf8)) ?? ""
        throw TLSTestServerError(message: "nginx did not start on 127.0.0.1:\(port): \(log)")
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let finished = try ChildProcess.run(executable, arguments, mergeErrors: true)
        guard finished.status == 0 else {
            throw TLSTestServerError(message: "\(executable) \(arguments.joined(separator: " ")) ended with "
                                         + "\(finished.termination): \(finished.outputText)")
        }
    }

    private static func canConnect(port: UInt16) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

struct TLSTestServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

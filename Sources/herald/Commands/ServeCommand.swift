import Foundation
import HeraldChannels
import HeraldCore
import HeraldDispatch
import HeraldHTTP
import HeraldServer
import HeraldSim
import HeraldStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `herald serve`: the dispatcher and the HTTP server (API, callbacks, metrics).
enum ServeCommand {
    static let spec = CommandSpec(
        path: ["serve"],
        summary: "Run Herald: the dispatcher, and the HTTP API, gateway callbacks and /metrics",
        discussion: """
            Listens on --listen for the /v1 API (bearer tokens: herald tokens create),
            the gateways' /callbacks/..., /metrics, /healthz and /readyz. Secrets come
            from the environment: HERALD_CALLBACK_SECRET (the path segment of the
            Alibaba and Tencent callbacks), HERALD_WEBHOOK_SECRET (the mini program's
            signed sign-ups), HERALD_CALLBACK_ALLOW (comma-separated source addresses
            and CIDR ranges allowed to post gateway callbacks; empty: any).
            Sends every queue in the queues folder whose gateway credentials are set in
            the environment (a queue without them is skipped with a warning naming the
            variable), or only the queues named with --queue (then a missing credential
            is an error). Fans out broadcasts, sends reminders, retries and escalates.
            SIGTERM or SIGINT: stop claiming, wait up to --shutdown-timeout seconds for
            the sends in flight, hand back what did not finish, exit 0. A second signal
            exits at once (unfinished jobs are rescued when their leases expire).
            Settings come from flags, then the environment, then --config (default
            ./herald.json when it exists; docs/CONFIGURATION.md lists every key),
            then the defaults below. --simulator also runs the gateway simulator on
            loopback and adds its queues sim-push, sim-sms and sim-voice (off unless
            asked for; needs a fixed --listen port for the simulator's callbacks).
            """,
        options: [
            DatabaseOption.spec,
            .value("--listen", "HOST:PORT", "where the HTTP server listens (port 0: any free port; 'off': no server)",
                   default: "127.0.0.1:8080"),
            .value("--queues", "DIR", "the queue files (Queues/*.json)", default: "./Queues"),
            .value("--templates", "DIR", "the templates folder", default: "./Templates"),
            .value("--queue", "NAME[,NAME]", "run only these queues"),
            .value("--shutdown-timeout", "SECONDS", "how long to wait for sends in flight on SIGTERM", default: "20"),
            .value("--config", "FILE", "the configuration file (default ./herald.json when it exists)"),
            .flag("--simulator", "also run the gateway simulator and its queues sim-push, sim-sms, sim-voice"),
        ],
        run: { invocation in try run(invocation) })

    static func run(_ invocation: Invocation) throws -> ExitCode {
        func usage(_ message: String) -> UsageError { UsageError(message: message, command: invocation.command) }
        let (file, filePath) = try HeraldFile.load(path: invocation.values["--config"])
        /// A flag given on the command line, else the file's value, else the flag's default.
        func setting(_ flag: String, _ fromFile: String?) -> String? {
            invocation.values[flag] ?? fromFile ?? invocation.value(flag)
        }
        if invocation.values["--log-level"] == nil, let name = file.logLevel {
            guard let level = LogLevel(name: name) else {
                throw CommandFailure(.config, "\(filePath ?? HeraldFile.defaultPath): log_level must be one of "
                                     + LogLevel.allCases.map(\.name).joined(separator: ", ") + "; got '\(name)'")
            }
            LoggingSystem.shared.minimumLevel = level
        }
        let timeoutText = invocation.values["--shutdown-timeout"] ?? file.shutdownTimeoutSeconds.map { String($0) } ?? "20"
        guard let shutdownTimeout = Double(timeoutText), shutdownTimeout >= 0, shutdownTimeout <= 3600 else {
            throw usage("--shutdown-timeout must be a number of seconds from 0 to 3600, got '\(timeoutText)'")
        }
        let enabled = invocation.value("--queue").map {
            Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        } ?? file.enabledQueues.map(Set.init)
        if let enabled, enabled.isEmpty { throw usage("--queue needs at least one queue name") }

        // Signals are taken by a thread of their own, set up before anything starts.
        let stopRequested = DispatchSemaphore(value: 0)
        let received = SignalCount()
        SignalWaiter.start([SIGINT, SIGTERM]) { number in
            if received.increment() == 1 {
                say("herald serve: \(number == SIGINT ? "SIGINT" : "SIGTERM") received; finishing the sends in "
                    + "flight (a second signal exits at once)")
                stopRequested.signal()
            } else {
                say("herald serve: second signal; exiting now (unfinished jobs will be rescued)")
                exit(128 + number)
            }
        }

        let listen = try parseListen(setting("--listen", file.listen) ?? "127.0.0.1:8080", usage)
        let path = invocation.values["--db"] ?? ProcessInfo.processInfo.environment["HERALD_DB"] ?? file.database
            ?? "./herald.db"
        try DatabaseOption.requireDirectory(of: path)
        let queuesDirectory = setting("--queues", file.queues) ?? "./Queues"
        let templatesDirectory = setting("--templates", file.templates) ?? "./Templates"
        let withSimulator = invocation.flag("--simulator") || file.simulator == true
        var simulator: GatewaySimulator?
        defer { simulator?.stop() }
        var environment = ProcessInfo.processInfo.environment
        var queues: QueueCatalog
        do {
            queues = try QueueCatalog(directory: queuesDirectory)
            if withSimulator {
                guard let listen, listen.port != 0 else {
                    throw usage("--simulator needs a fixed --listen port: the simulator calls Herald back there")
                }
                let host = listen.host == "0.0.0.0" || listen.host == "::" ? "127.0.0.1" : listen.host
                let herald = "http://\(host.contains(":") ? "[\(host)]" : host):\(listen.port)"
                // The simulator calls back with the secrets this server checks.
                var credentials = SimulatorQueues.credentials
                let variables = ServerConfiguration.Variable.self
                if let secret = environment[variables.callbackSecret], !secret.isEmpty { credentials.callbackPathSecret = secret }
                if let secret = environment[variables.webhookSecret], !secret.isEmpty { credentials.webhookSecret = secret }
                let started = try GatewaySimulator(configuration: GatewaySimulator.Configuration(
                    callbackBaseURL: herald, credentials: credentials))
                simulator = started
                queues = try QueueCatalog(queues: queues.queues + SimulatorQueues.definitions(
                    prefix: "sim-", simulator: started.baseURL, herald: herald))
                environment.merge(SimulatorQueues.environment) { current, _ in current }
                say("herald serve: gateway simulator on \(started.baseURL) for queues sim-push, sim-sms, sim-voice")
            }
        } catch let error as QueueConfigurationError {
            throw CommandFailure(.config, error.description)
        } catch let error as GatewaySimulatorError {
            throw CommandFailure(.unavailable, "cannot start the gateway simulator: \(error)")
        }
        let templates: TemplateCatalog
        do {
            templates = try TemplateCatalog(loadingFrom: templatesDirectory)
        } catch {
            throw CommandFailure(.config, "templates: \(error)")
        }
        for problem in templates.problems { printError("herald serve: warning: template \(problem)") }

        let jobs: JobQueue
        do {
            jobs = try JobQueue(path: path)
        } catch {
            throw CommandFailure(.cannotCreate, "cannot open database \(path): \(error)")
        }
        let client: HTTPClient
        do {
            client = try HTTPClient()
        } catch {
            throw CommandFailure(.software, "cannot start the HTTP client: \(error)")
        }
        defer { client.shutdown() }
        // The server's settings first: a bad one stops here, before any queue starts.
        var configuration = ServerConfiguration()
        if let listen {
            configuration.http.host = listen.host
            configuration.http.port = listen.port
            if let server = file.server {
                configuration.http.threads = server.threads ?? configuration.http.threads
                configuration.http.connectionLimit = server.connectionLimit ?? configuration.http.connectionLimit
                configuration.http.connectionTimeoutSeconds = server.connectionTimeoutSeconds
                    ?? configuration.http.connectionTimeoutSeconds
                configuration.http.maxBodyBytes = server.maxBodyBytes ?? configuration.http.maxBodyBytes
                configuration.maxImportBytes = server.maxImportBytes ?? configuration.maxImportBytes
                configuration.webhookMaxAge = server.webhookMaxAgeSeconds ?? configuration.webhookMaxAge
            }
            do {
                try configuration.read(environment: environment)
            } catch {
                throw CommandFailure(.config, error.description)
            }
            if withSimulator {
                // The simulator signs and addresses its callbacks with its own test secrets.
                configuration.callbackPathSecret = configuration.callbackPathSecret ?? SimulatorQueues.credentials.callbackPathSecret
                configuration.webhookSecret = configuration.webhookSecret ?? Array(SimulatorQueues.credentials.webhookSecret.utf8)
            }
        }
        let dispatcher: Dispatcher
        do {
            dispatcher = try Dispatcher(
                configuration: Dispatcher.Configuration(queues: queues, templates: templates,
                                                        environment: environment, enabledQueues: enabled),
                jobs: jobs, transport: client)
        } catch let error as ChannelError {
            throw CommandFailure(.config, error.description)
        } catch let error as QueueConfigurationError {
            throw CommandFailure(.config, error.description)
        }
        for (queue, reason) in dispatcher.skippedQueues.sorted(by: { $0.key < $1.key }) {
            printError("herald serve: warning: queue \(queue) is off: \(reason)")
        }
        var server: HeraldServer?
        if let listen {
            do {
                server = try HeraldServer(context: ServerContext(jobs: jobs, templates: templates, dispatcher: dispatcher,
                                                                 configuration: configuration))
            } catch {
                throw CommandFailure(error.code == .addressInUse ? .unavailable : .software, error.description)
            }
            say("herald serve: API, callbacks and /metrics on http://\(listen.host):\(server?.port ?? 0)"
                + (configuration.callbackPathSecret == nil ? " (Alibaba/Tencent callbacks off: set HERALD_CALLBACK_SECRET)" : "")
                + (configuration.webhookSecret == nil ? " (signed sign-ups off: set HERALD_WEBHOOK_SECRET)" : ""))
        }
        dispatcher.start()
        say("herald serve: dispatching " + (dispatcher.queueNames.isEmpty ? "no queues (none could be built)"
                                            : dispatcher.queueNames.joined(separator: ", "))
            + " from \(path); stop with Ctrl-C or SIGTERM")
        stopRequested.wait()
        server?.stop()
        let report = dispatcher.stop(deadline: shutdownTimeout)
        say("herald serve: stopped; \(report.drained) sends finished while stopping, \(report.handedBack) handed back")
        return .ok
    }

    /// `HOST:PORT`, `[IPv6]:PORT`, `:PORT` (loopback) or `off`.
    static func parseListen(_ text: String, _ usage: (String) -> UsageError) throws -> (host: String, port: UInt16)? {
        if text == "off" { return nil }
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            throw usage("--listen must be HOST:PORT (e.g. 127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080) or off; got '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }

    private static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// How many stop signals came. `@unchecked Sendable`: only the one
/// SignalWaiter thread touches it.
private final class SignalCount: @unchecked Sendable {
    private var count = 0
    func increment() -> Int {
        count += 1
        return count
    }
}

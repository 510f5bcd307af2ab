import Foundation
import HeraldCore
import HeraldSim

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `herald gateway-sim`: the loopback gateway simulator as a process, for
/// the demo, benchmarks and trying adapters by hand.
enum GatewaySimCommand {
    static let spec = CommandSpec(
        path: ["gateway-sim"],
        summary: "Run the gateway simulator (Kannel, Alibaba, Tencent, WeChat, webhook, generic) until stopped",
        discussion: """
            Serves every gateway API Herald's adapters use on one loopback port, with
            seeded latency, acceptance, delivery, call and reply behaviour and fault
            injection, and calls Herald back at --callback-url with receipts, replies,
            call results and mini-program sign-ups in each gateway's format. Runs until
            SIGINT or SIGTERM, printing a stats line every 10 seconds and the final
            stats on exit. Endpoints, answers, callback paths and the fixed test
            credentials: docs/SIMULATOR.md. Rates are probabilities from 0 to 1.
            GET /sim/stats and /sim/requests show what happened; POST /sim/faults
            queues faults (e.g. ?fault=429&retry_after=7&count=3&gateway=alibaba).
            """,
        options: [
            .value("--host", "ADDRESS", "numeric address to listen on", default: "127.0.0.1"),
            .value("--port", "PORT", "port to listen on (0: any free port)", default: "9300"),
            .value("--seed", "N", "seed for every random draw; same seed and requests, same outcomes", default: "1"),
            .value("--callback-url", "URL", "Herald's base URL for callbacks (none when absent)"),
            .value("--latency-ms", "MIN-MAX", "milliseconds before each answer", default: "10-50"),
            .value("--callback-delay", "MIN-MAX", "simulated seconds before each callback", default: "1-5"),
            .value("--accept", "R", "rate of valid sends the gateway takes", default: "1"),
            .value("--deliver", "R", "rate of accepted SMS delivered to the handset", default: "0.95"),
            .value("--answer", "R", "rate of voice calls answered", default: "0.8"),
            .value("--press1", "R", "rate of answered interactive calls that press 1 (sign up)", default: "0.5"),
            .value("--press2", "R", "rate of answered interactive calls that press 2 (decline)", default: "0.2"),
            .value("--reply", "R", "rate of delivered SMS the resident replies to", default: "0.1"),
            .value("--signup", "R", "rate of mini-program pushes followed by a sign-up", default: "0.3"),
            .value("--fault-5xx", "R", "rate of requests answered 500/502/503", default: "0"),
            .value("--fault-429", "R", "rate of requests answered 429 with Retry-After", default: "0"),
            .value("--fault-timeout", "R", "rate of requests whose answer is held 120 s", default: "0"),
            .value("--fault-drop", "R", "rate of requests whose connection is dropped", default: "0"),
            .value("--fault-malformed", "R", "rate of requests answered with an unreadable body", default: "0"),
            .value("--balance", "N", "messages each paid gateway (Alibaba, Tencent) takes before 'no balance'"),
            .value("--time-scale", "X", "simulated seconds per real second for callback delays", default: "1"),
        ],
        run: { invocation in try run(invocation) })

    /// Everything parsed from the command line, before anything starts.
    static func configuration(_ invocation: Invocation) throws -> GatewaySimulator.Configuration {
        func usage(_ message: String) -> UsageError { UsageError(message: message, command: invocation.command) }
        func rate(_ name: String) throws -> Double {
            let text = invocation.value(name) ?? "0"
            guard let value = Double(text), (0...1).contains(value) else {
                throw usage("\(name) must be a rate between 0 and 1, got '\(text)'")
            }
            return value
        }
        func range(_ name: String) throws -> ClosedRange<Double> {
            let text = invocation.value(name) ?? "0"
            let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard (1...2).contains(parts.count), let low = Double(parts[0]), let high = Double(parts.last ?? ""),
                  low >= 0, low <= high, high.isFinite else {
                throw usage("\(name) must be MIN-MAX with 0 <= MIN <= MAX (or one number), got '\(text)'")
            }
            return low...high
        }

        let portText = invocation.value("--port") ?? "9300"
        guard let port = UInt16(portText) else {
            throw usage("--port must be a port number from 0 to 65535, got '\(portText)'")
        }
        let seedText = invocation.value("--seed") ?? "1"
        guard let seed = UInt64(seedText) else {
            throw usage("--seed must be a whole number from 0 to \(UInt64.max), got '\(seedText)'")
        }
        let callbackURL = invocation.value("--callback-url")
        if let callbackURL, !(callbackURL.hasPrefix("http://") || callbackURL.hasPrefix("https://")) {
            throw usage("--callback-url must be an http:// or https:// URL, got '\(callbackURL)'")
        }
        let latency = try range("--latency-ms")
        guard latency.upperBound <= 600_000, latency.lowerBound == latency.lowerBound.rounded(),
              latency.upperBound == latency.upperBound.rounded() else {
            throw usage("--latency-ms must be whole milliseconds up to 600000, got '\(invocation.value("--latency-ms") ?? "")'")
        }
        var balance: Int?
        if let text = invocation.value("--balance") {
            guard let value = Int(text), value >= 0 else {
                throw usage("--balance must be a whole number of messages, 0 or more, got '\(text)'")
            }
            balance = value
        }
        let scaleText = invocation.value("--time-scale") ?? "1"
        guard let timeScale = Double(scaleText), timeScale > 0, timeScale.isFinite else {
            throw usage("--time-scale must be a positive number, got '\(scaleText)'")
        }

        let behaviour = SimulatorBehaviour(
            latencyMilliseconds: Int(latency.lowerBound)...Int(latency.upperBound),
            acceptanceRate: try rate("--accept"),
            deliveryRate: try rate("--deliver"),
            answerRate: try rate("--answer"),
            keyPress1Rate: try rate("--press1"),
            keyPress2Rate: try rate("--press2"),
            replyRate: try rate("--reply"),
            signupRate: try rate("--signup"),
            faults: .init(status5xx: try rate("--fault-5xx"), status429: try rate("--fault-429"),
                          timeout: try rate("--fault-timeout"), dropConnection: try rate("--fault-drop"),
                          malformedBody: try rate("--fault-malformed")),
            callbackDelaySeconds: try range("--callback-delay"),
            balance: balance)
        if let problem = behaviour.problems().first {
            throw usage(problem.replacingOccurrences(of: "keyPress1Rate + keyPress2Rate", with: "--press1 + --press2")
                .replacingOccurrences(of: "the fault rates", with: "the --fault-* rates"))
        }
        return GatewaySimulator.Configuration(host: invocation.value("--host") ?? "127.0.0.1", port: port,
                                              seed: seed, callbackBaseURL: callbackURL, behaviour: behaviour,
                                              timeScale: timeScale)
    }

    static func run(_ invocation: Invocation) throws -> ExitCode {
        let configuration = try configuration(invocation)

        // Set up before anything is printed: a SIGTERM sent as soon as the
        // URL is read waits, pending, for the signal thread.
        let done = DispatchSemaphore(value: 0)
        SignalWaiter.start([SIGINT, SIGTERM]) { _ in done.signal() }
        let events = DispatchQueue(label: "herald.gateway-sim.events")

        let simulator: GatewaySimulator
        do {
            simulator = try GatewaySimulator(configuration: configuration)
        } catch {
            switch error.code {
            case .invalidConfiguration: throw UsageError(message: error.message, command: invocation.command)
            case .addressInUse, .startFailed: throw CommandFailure(.unavailable, error.message)
            }
        }
        say("herald gateway-sim: listening on \(simulator.baseURL) (seed \(configuration.seed); callbacks "
            + (configuration.callbackBaseURL.map { "to \($0)" } ?? "off: no --callback-url") + ")")
        say("stop with Ctrl-C or SIGTERM; stats: GET \(simulator.baseURL)/sim/stats")

        let timer = DispatchSource.makeTimerSource(queue: events)
        timer.schedule(deadline: .now() + .seconds(10), repeating: .seconds(10))
        timer.setEventHandler { say("stats: " + simulator.stats().summaryLine) }
        timer.resume()

        done.wait()
        timer.cancel()
        simulator.stop()
        let stats = simulator.stats()
        say("final stats: " + stats.summaryLine)
        if stats.duplicateDeliveries > 0 {
            say("duplicate sends: \(stats.duplicateSends) extra, for \(stats.duplicateDeliveries) delivery ids")
        }
        return .ok
    }

    /// One line on stdout, written at once (not through stdio's buffer), so
    /// a pipe reader sees it now.
    private static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

import HeraldCore

extension GatewaySimulator {
    /// Everything the simulator needs to start; each field has a default
    /// fit for tests (port 0, no latency, no faults, callbacks off).
    public struct Configuration: Sendable {
        /// A numeric address to listen on; loopback unless told otherwise.
        public var host: String
        /// 0 asks the kernel for a free port; `GatewaySimulator.port` tells which.
        public var port: UInt16
        /// libmicrohttpd worker threads.
        public var threads: Int
        /// Seeds every random draw (see `SimulatorRandom`).
        public var seed: UInt64
        /// Herald's base URL (`http://127.0.0.1:8080`) for the gateways'
        /// callbacks (`SimulatorCallbackRoutes`); nil sends none, except
        /// Kannel's delivery reports, which go to the request's own `dlr-url`.
        public var callbackBaseURL: String?
        public var credentials: SimulatorCredentials
        /// The initial behaviour; change it later with `updateBehaviour`.
        public var behaviour: SimulatorBehaviour
        /// Where the simulator reads the time: timestamps, the Tencent and
        /// Alibaba signature windows, token expiry, frequency limits.
        public var clock: any WallClock
        /// Simulated seconds per real second for callback delays: 60 makes
        /// a one-minute receipt delay take one real second. Latency and
        /// timeout holds are real time.
        public var timeScale: Double
        /// The most request and callback records kept (the oldest go first);
        /// the counts in `stats()` and `duplicates()` keep everything.
        public var maxRecords: Int
        /// Timeout for one callback to Herald.
        public var callbackTimeout: Duration
        public var logger: Logger

        public init(host: String = "127.0.0.1",
                    port: UInt16 = 0,
                    threads: Int = 4,
                    seed: UInt64 = 1,
                    callbackBaseURL: String? = nil,
                    credentials: SimulatorCredentials = SimulatorCredentials(),
                    behaviour: SimulatorBehaviour = SimulatorBehaviour(),
                    clock: any WallClock = SystemClock(),
                    timeScale: Double = 1,
                    maxRecords: Int = 100_000,
                    callbackTimeout: Duration = .seconds(10),
                    logger: Logger = Logger(label: "sim")) {
            self.host = host
            self.port = port
            self.threads = threads
            self.seed = seed
            self.callbackBaseURL = callbackBaseURL
            self.credentials = credentials
            self.behaviour = behaviour
            self.clock = clock
            self.timeScale = timeScale
            self.maxRecords = maxRecords
            self.callbackTimeout = callbackTimeout
            self.logger = logger
        }

        /// Throws `.invalidConfiguration` naming every field out of range.
        func validate() throws(GatewaySimulatorError) {
            var problems = behaviour.problems()
            if !(timeScale > 0 && timeScale.isFinite) {
                problems.append("timeScale is \(timeScale); it must be a positive number")
            }
            if maxRecords < 0 { problems.append("maxRecords must be 0 or more") }
            if let base = callbackBaseURL, !(base.hasPrefix("http://") || base.hasPrefix("https://")) {
                problems.append("callbackBaseURL '\(base)' must start with http:// or https://")
            }
            guard problems.isEmpty else {
                throw GatewaySimulatorError(code: .invalidConfiguration,
                                            message: "invalid simulator configuration: "
                                                + problems.joined(separator: "; "))
            }
        }
    }
}

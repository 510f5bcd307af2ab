/// How the simulated gateways and residents behave: every rate and delay,
/// adjustable while the simulator runs (`GatewaySimulator.updateBehaviour`).
///
/// Rates are probabilities in 0...1, drawn from the request's seeded
/// generator, so the same seed and the same requests in the same order give
/// the same outcomes.
public struct SimulatorBehaviour: Sendable, Hashable {
    /// Milliseconds before each gateway answer, uniform in the range. The
    /// answer is sent from a serial queue; no libmicrohttpd thread waits.
    public var latencyMilliseconds: ClosedRange<Int>
    /// Probability a valid send is taken. The others get the gateway's
    /// transient refusal: Kannel 503 `Temporal failure, try again later.`,
    /// Alibaba `isp.SYSTEM_ERROR`, Tencent `InternalError.Timeout`, WeChat
    /// errcode -1, webhook 503, generic `{"code":"1"}`.
    public var acceptanceRate: Double
    /// Probability an accepted SMS reaches the handset (receipt
    /// delivered); otherwise the receipt says it failed.
    public var deliveryRate: Double
    /// Probability a resident answers a voice call.
    public var answerRate: Double
    /// Of answered interactive calls (Alibaba `IvrCall`, Tencent
    /// `SendTtsVoice`): probability of pressing 1 (sign up) and 2
    /// (decline); the rest press nothing.
    public var keyPress1Rate: Double
    public var keyPress2Rate: Double
    /// Probability a resident replies to a delivered SMS, with one of
    /// `replyTexts` (uniformly).
    public var replyRate: Double
    public var replyTexts: [String]
    /// Probability a resident who got a mini-program push (or a webhook
    /// notice) signs up in the mini program.
    public var signupRate: Double
    /// Probability a WeChat push finds the resident without a subscription
    /// (errcode 43101), besides `unsubscribedOpenIDs`, which always do.
    public var noSubscriptionRate: Double
    public var unsubscribedOpenIDs: Set<String>
    /// Random faults, tried before every gateway request (not `/sim/...`).
    public var faults: FaultRates
    /// How long a random `timeout` fault holds its answer.
    public var timeoutHold: Duration?
    /// Simulated seconds before each callback (after the request, or after
    /// the previous callback of the same request), uniform in the range;
    /// divided by `Configuration.timeScale` for the real wait.
    public var callbackDelaySeconds: ClosedRange<Double>
    /// Messages (SMS or calls) each paid gateway (Alibaba, Tencent) takes
    /// before answering "no balance"; nil for no limit. The simulator keeps
    /// one balance per gateway, starting here (`GatewaySimulator.setBalance`).
    public var balance: Int?
    /// Per-number sending limits; a send past one is refused with the
    /// gateway's frequency-control code.
    public var frequencyLimits: FrequencyLimits
    /// Alibaba SMS templates the account has, by template code, with the
    /// variables each needs. Empty: every template code is accepted.
    public var alibabaTemplates: [String: [String]]
    /// Alibaba SMS sign names the account has. Empty: any is accepted.
    public var alibabaSignNames: Set<String>
    /// Seconds a WeChat access_token lives (`expires_in`).
    public var accessTokenLifetimeSeconds: Int
    /// Adds `"ext": SessionContext` to Tencent SMS status callbacks. Off by
    /// default: Tencent documents no such field; a receipt is matched by
    /// `sid`, the `SerialNo` of the send.
    public var tencentStatusEchoesSessionContext: Bool

    /// The random fault rates; each is a probability per gateway request,
    /// and together they must not exceed 1.
    public struct FaultRates: Sendable, Hashable {
        /// HTTP 500/502/503, half of them with `Retry-After`.
        public var status5xx: Double
        /// HTTP 429 with `Retry-After`.
        public var status429: Double
        public var timeout: Double
        public var dropConnection: Double
        public var malformedBody: Double

        public init(status5xx: Double = 0, status429: Double = 0, timeout: Double = 0,
                    dropConnection: Double = 0, malformedBody: Double = 0) {
            self.status5xx = status5xx
            self.status429 = status429
            self.timeout = timeout
            self.dropConnection = dropConnection
            self.malformedBody = malformedBody
        }

        public static let none = FaultRates()

        var total: Double { status5xx + status429 + timeout + dropConnection + malformedBody }
    }

    /// At most `count` sends to one number in any `seconds`-long window.
    public struct RateWindow: Sendable, Hashable {
        public var count: Int
        public var seconds: Int

        public init(_ count: Int, per seconds: Int) {
            self.count = count
            self.seconds = seconds
        }
    }

    /// The per-number limits of each product. Only accepted sends count.
    public struct FrequencyLimits: Sendable, Hashable {
        /// `isv.BUSINESS_LIMIT_CONTROL`; default 1 a minute.
        public var alibabaSMS: [RateWindow]
        /// `isv.BUSINESS_LIMIT_CONTROL`; Alibaba's documented 1/min, 5/h, 20/day.
        public var alibabaVoice: [RateWindow]
        /// `LimitExceeded.PhoneNumberThirtySecondLimit` (a 30-second window),
        /// `LimitExceeded.PhoneNumberOneHourLimit` (an hour), else
        /// `LimitExceeded.PhoneNumberDailyLimit`; default 1 in 30 s.
        public var tencentSMS: [RateWindow]
        /// `LimitExceeded.DeliveryFrequencyLimit`; default 1 a minute.
        public var tencentVoice: [RateWindow]

        public init(alibabaSMS: [RateWindow] = [RateWindow(1, per: 60)],
                    alibabaVoice: [RateWindow] = [RateWindow(1, per: 60), RateWindow(5, per: 3600),
                                                  RateWindow(20, per: 86_400)],
                    tencentSMS: [RateWindow] = [RateWindow(1, per: 30)],
                    tencentVoice: [RateWindow] = [RateWindow(1, per: 60)]) {
            self.alibabaSMS = alibabaSMS
            self.alibabaVoice = alibabaVoice
            self.tencentSMS = tencentSMS
            self.tencentVoice = tencentVoice
        }

        /// No limits at all.
        public static let none = FrequencyLimits(alibabaSMS: [], alibabaVoice: [], tencentSMS: [], tencentVoice: [])
    }

    public init(latencyMilliseconds: ClosedRange<Int> = 0...0,
                acceptanceRate: Double = 1,
                deliveryRate: Double = 0.95,
                answerRate: Double = 0.8,
                keyPress1Rate: Double = 0.5,
                keyPress2Rate: Double = 0.2,
                replyRate: Double = 0.1,
                replyTexts: [String] = ["1", "报名", "取消", "TD"],
                signupRate: Double = 0.3,
                noSubscriptionRate: Double = 0,
                unsubscribedOpenIDs: Set<String> = [],
                faults: FaultRates = .none,
                timeoutHold: Duration? = .seconds(120),
                callbackDelaySeconds: ClosedRange<Double> = 1...5,
                balance: Int? = nil,
                frequencyLimits: FrequencyLimits = FrequencyLimits(),
                alibabaTemplates: [String: [String]] = [:],
                alibabaSignNames: Set<String> = [],
                accessTokenLifetimeSeconds: Int = 7200,
                tencentStatusEchoesSessionContext: Bool = false) {
        self.latencyMilliseconds = latencyMilliseconds
        self.acceptanceRate = acceptanceRate
        self.deliveryRate = deliveryRate
        self.answerRate = answerRate
        self.keyPress1Rate = keyPress1Rate
        self.keyPress2Rate = keyPress2Rate
        self.replyRate = replyRate
        self.replyTexts = replyTexts
        self.signupRate = signupRate
        self.noSubscriptionRate = noSubscriptionRate
        self.unsubscribedOpenIDs = unsubscribedOpenIDs
        self.faults = faults
        self.timeoutHold = timeoutHold
        self.callbackDelaySeconds = callbackDelaySeconds
        self.balance = balance
        self.frequencyLimits = frequencyLimits
        self.alibabaTemplates = alibabaTemplates
        self.alibabaSignNames = alibabaSignNames
        self.accessTokenLifetimeSeconds = accessTokenLifetimeSeconds
        self.tencentStatusEchoesSessionContext = tencentStatusEchoesSessionContext
    }

    /// What is out of range, as "field: problem" sentences; empty when valid.
    public func problems() -> [String] {
        var problems: [String] = []
        func rate(_ name: String, _ value: Double) {
            if !(0...1).contains(value) { problems.append("\(name) is \(value); a rate must be between 0 and 1") }
        }
        rate("acceptanceRate", acceptanceRate)
        rate("deliveryRate", deliveryRate)
        rate("answerRate", answerRate)
        rate("keyPress1Rate", keyPress1Rate)
        rate("keyPress2Rate", keyPress2Rate)
        rate("replyRate", replyRate)
        rate("signupRate", signupRate)
        rate("noSubscriptionRate", noSubscriptionRate)
        rate("faults.status5xx", faults.status5xx)
        rate("faults.status429", faults.status429)
        rate("faults.timeout", faults.timeout)
        rate("faults.dropConnection", faults.dropConnection)
        rate("faults.malformedBody", faults.malformedBody)
        if keyPress1Rate + keyPress2Rate > 1 {
            problems.append("keyPress1Rate + keyPress2Rate is \(keyPress1Rate + keyPress2Rate); together at most 1")
        }
        if faults.total > 1 {
            problems.append("the fault rates add up to \(faults.total); together at most 1")
        }
        if latencyMilliseconds.lowerBound < 0 {
            problems.append("latencyMilliseconds starts below 0")
        }
        if callbackDelaySeconds.lowerBound < 0 || !callbackDelaySeconds.upperBound.isFinite {
            problems.append("callbackDelaySeconds must be finite and not negative")
        }
        if let balance, balance < 0 { problems.append("balance is \(balance); it must be 0 or more") }
        if accessTokenLifetimeSeconds < 1 { problems.append("accessTokenLifetimeSeconds must be at least 1") }
        let windows = frequencyLimits.alibabaSMS + frequencyLimits.alibabaVoice + frequencyLimits.tencentSMS
            + frequencyLimits.tencentVoice
        if windows.contains(where: { $0.count < 1 || $0.seconds < 1 }) {
            problems.append("every frequency limit needs a count and seconds of at least 1")
        }
        return problems
    }
}

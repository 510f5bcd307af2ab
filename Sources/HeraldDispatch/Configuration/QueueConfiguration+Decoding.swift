import Foundation
import HeraldChannels
import HeraldCore

extension QueueConfiguration {
    /// The top-level keys of a queue file, in the order Queues/README.md documents them.
    public static let fileKeys = ["name", "channel", "adapter", "gateway", "rate", "burst", "concurrency",
                                  "sendWindow", "timeZone", "retry", "caps", "noAnswer", "circuit", "batch",
                                  "leaseSeconds"]

    /// The keys of the `gateway` object. `GatewayConfiguration` ignores keys it
    /// does not know, so they are checked here: a typo (`timeoutSecond`)
    /// would otherwise drop a setting silently. Keep in step with
    /// `GatewayConfiguration`'s coding keys.
    static let gatewayKeys = ["endpoint", "realEndpoint", "credentials", "settings", "timeoutSeconds", "http"]

    /// Reads one queue file.
    ///
    /// Every error names `file` and the key at fault: malformed JSON (with
    /// its line and column), unknown keys (typos), wrong types, missing
    /// required keys, values out of range, an unknown adapter, channel or
    /// time zone. The gateway's own settings and credentials are checked
    /// later, when `ChannelFactory` builds the channel.
    public init(decoding data: Data, file: String) throws(QueueConfigurationError) {
        do {
            self = try Self.read(data)
        } catch {
            throw error.inFile(file)
        }
    }

    private static func read(_ data: Data) throws(QueueConfigurationError) -> QueueConfiguration {
        let root = try QueueFileJSON.parse(data)
        guard case .object(let members) = root else {
            throw QueueConfigurationError(.malformedJSON,
                                          "a queue file is one JSON object { \"name\": …, … } (got \(root.typeName))")
        }
        let file = QueueFileObject(members)
        try file.checkKeys(fileKeys, what: "a queue file's")

        let name = try file.required("name", file.string, hint: "\"<the queue's name>\"")
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw QueueConfigurationError(.invalidValue, "must not be empty", key: "name")
        }
        let channelName = try file.required("channel", file.string, hint: "\"sms\", \"voice\", \"push\" or \"webhook\"")
        guard let channel = ChannelKind(rawValue: channelName) else {
            throw QueueConfigurationError(
                .invalidValue, "unknown channel \"\(channelName)\"; use one of "
                    + ChannelKind.allCases.map(\.rawValue).joined(separator: ", "), key: "channel")
        }
        let adapter = try file.required("adapter", file.string, hint: "one of the adapters in Queues/README.md")
        guard ChannelFactory.adapters.contains(adapter) else {
            throw QueueConfigurationError(
                .invalidValue, "unknown adapter \"\(adapter)\"; use one of "
                    + ChannelFactory.adapters.joined(separator: ", "), key: "adapter")
        }
        let gateway = try readGateway(file, data: data, root: root)

        let rate = try file.required("rate", file.number, hint: "<sends per second, e.g. 10>")
        try file.check("rate", rate, atLeast: 0, exclusive: true)
        let burst = try file.required("burst", file.wholeNumber, hint: "<sends at once, e.g. 20>")
        try file.check("burst", Double(burst), atLeast: 1)
        let concurrency = try file.required("concurrency", file.wholeNumber, hint: "<sends in flight, e.g. 8>")
        try file.check("concurrency", Double(concurrency), atLeast: 1)

        var queue = QueueConfiguration(name: name, channel: channel, adapter: adapter, gateway: gateway, rate: rate,
                                       burst: burst, concurrency: concurrency)
        queue.sendWindow = try readSendWindow(file, channel: channel)
        if let retry = try file.object("retry") {
            queue.retry = try readRetry(retry)
        }
        if file.isNull("caps") {
            queue.caps = .none
        } else if let caps = try file.object("caps") {
            queue.caps = try readCaps(caps)
        }
        if file.isNull("noAnswer") {
            queue.noAnswer = nil
        } else if let noAnswer = try file.object("noAnswer") {
            guard channel == .voice else {
                throw QueueConfigurationError(
                    .invalidValue, "only voice queues call again when nobody answers; remove it "
                        + "(this queue's channel is \(channel.rawValue))", key: "noAnswer")
            }
            queue.noAnswer = try readNoAnswer(noAnswer)
        }
        if let circuit = try file.object("circuit") {
            queue.circuit = try readCircuit(circuit)
        }
        if let batch = try file.wholeNumber("batch") {
            try file.check("batch", Double(batch), atLeast: 1)
            queue.batch = batch
        }
        if let lease = try file.number("leaseSeconds") {
            let timeout = gateway.timeoutSeconds ?? 10
            try file.check("leaseSeconds", lease, atLeast: timeout, exclusive: true,
                           because: "gateway.timeoutSeconds (\(QueueFileObject.format(timeout))), so a send "
                               + "still in flight keeps its job")
            queue.leaseSeconds = lease
        }
        return queue
    }

    // MARK: - The parts

    private static func readGateway(_ file: QueueFileObject, data: Data,
                                    root: QueueFileJSON) throws(QueueConfigurationError) -> GatewayConfiguration {
        let object = try file.required("gateway", file.object, hint: "{\"endpoint\": \"https://…\", …}")
        try object.checkKeys(gatewayKeys, what: "the gateway object's")
        struct GatewayField: Decodable { var gateway: GatewayConfiguration }
        do {
            return try JSONDecoder().decode(GatewayField.self, from: data).gateway
        } catch let error as DecodingError {
            throw gatewayProblem(error, root: root)
        } catch {
            throw QueueConfigurationError(.invalidValue, "\(error)", key: "gateway")
        }
    }

    /// A `DecodingError` from `GatewayConfiguration` as a key and a sentence.
    private static func gatewayProblem(_ error: DecodingError, root: QueueFileJSON) -> QueueConfigurationError {
        func key(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let found = root.value(at: context.codingPath)?.typeName ?? "something else"
            let path = key(context.codingPath)
            let hint = path.hasPrefix("gateway.settings.") ? "; settings are strings, numbers too (\"2\")" : ""
            return QueueConfigurationError(.wrongType, "must be \(describe(type)) (got \(found))" + hint, key: path)
        case .keyNotFound(let missing, let context):
            return QueueConfigurationError(.missingKey, "required", key: key(context.codingPath + [missing]))
        case .dataCorrupted(let context):
            return QueueConfigurationError(.invalidValue, context.debugDescription, key: key(context.codingPath))
        @unknown default:
            return QueueConfigurationError(.invalidValue, "\(error)", key: "gateway")
        }
    }

    /// What a decoder expected, in a queue file's words.
    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type, is Int.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        default: "\(type)".hasPrefix("Dictionary") ? "an object { … }" : "\(type)"
        }
    }

    private static func readSendWindow(_ file: QueueFileObject,
                                       channel: ChannelKind) throws(QueueConfigurationError) -> SendWindow {
        var timeZone = SendWindow.shanghai
        if let identifier = try file.string("timeZone") {
            guard let zone = TimeZone(identifier: identifier) else {
                throw QueueConfigurationError(
                    .invalidValue, "unknown time zone \"\(identifier)\"; use an IANA name such as Asia/Shanghai",
                    key: "timeZone")
            }
            timeZone = zone
        }
        guard let text = try file.string("sendWindow") else {
            return defaultSendWindow(for: channel).inTimeZone(timeZone)
        }
        do {
            return try SendWindow(parsing: text, timeZone: timeZone)
        } catch {
            throw QueueConfigurationError(.invalidValue, error.message, key: "sendWindow")
        }
    }

    private static func readRetry(_ retry: QueueFileObject) throws(QueueConfigurationError) -> Backoff {
        try retry.checkKeys(["baseSeconds", "capSeconds", "maxAttempts"], what: "retry's")
        let defaults = Backoff()
        let base = try retry.number("baseSeconds") ?? defaults.base
        try retry.check("baseSeconds", base, atLeast: 0)
        let cap = try retry.number("capSeconds") ?? defaults.cap
        try retry.check("capSeconds", cap, atLeast: base,
                        because: "retry.baseSeconds (\(QueueFileObject.format(base)))")
        let attempts = try retry.wholeNumber("maxAttempts") ?? defaults.maxAttempts
        try retry.check("maxAttempts", Double(attempts), atLeast: 1)
        return Backoff(base: base, cap: cap, maxAttempts: attempts)
    }

    /// `{"perMinute": 1, "perHour": 5, "perDay": 20}`; a key left out or null is no limit.
    private static func readCaps(_ caps: QueueFileObject) throws(QueueConfigurationError) -> FrequencyCap {
        let spans = [("perMinute", 60), ("perHour", 3600), ("perDay", 86_400)]
        try caps.checkKeys(spans.map(\.0), what: "caps'")
        var limits: [FrequencyCap.Limit] = []
        for (key, seconds) in spans where !caps.isNull(key) {
            guard let count = try caps.wholeNumber(key) else { continue }
            try caps.check(key, Double(count), atLeast: 1,
                           because: "1 (leave the key out for no limit)")
            limits.append(FrequencyCap.Limit(count, per: seconds))
        }
        return FrequencyCap(limits)
    }

    private static func readNoAnswer(_ noAnswer: QueueFileObject) throws(QueueConfigurationError) -> NoAnswerPolicy {
        try noAnswer.checkKeys(["retryAfterSeconds", "maxCalls"], what: "noAnswer's")
        let defaults = NoAnswerPolicy.voiceDefault
        let retryAfter = try noAnswer.number("retryAfterSeconds") ?? defaults.retryAfter
        try noAnswer.check("retryAfterSeconds", retryAfter, atLeast: 0, exclusive: true)
        let maxCalls = try noAnswer.wholeNumber("maxCalls") ?? defaults.maxCalls
        try noAnswer.check("maxCalls", Double(maxCalls), atLeast: 1)
        return NoAnswerPolicy(retryAfter: retryAfter, maxCalls: maxCalls)
    }

    private static func readCircuit(_ circuit: QueueFileObject) throws(QueueConfigurationError) -> CircuitSettings {
        try circuit.checkKeys(["failureThreshold", "openSeconds", "maxOpenSeconds"], what: "circuit's")
        let defaults = CircuitSettings.standard
        let threshold = try circuit.wholeNumber("failureThreshold") ?? defaults.failureThreshold
        try circuit.check("failureThreshold", Double(threshold), atLeast: 1)
        let open = try circuit.number("openSeconds") ?? defaults.openSeconds
        try circuit.check("openSeconds", open, atLeast: 0, exclusive: true)
        let maxOpen = try circuit.number("maxOpenSeconds") ?? max(defaults.maxOpenSeconds, open)
        try circuit.check("maxOpenSeconds", maxOpen, atLeast: open,
                          because: "circuit.openSeconds (\(QueueFileObject.format(open)))")
        return CircuitSettings(failureThreshold: threshold, openSeconds: open, maxOpenSeconds: maxOpen)
    }
}

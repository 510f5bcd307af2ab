import Foundation
import HeraldChannels
import HeraldCore

/// One `Queues/<name>.json` file: which channel it feeds, which adapter
/// sends, and the limits that protect residents and the gateway.
///
/// Everything past the gateway has a default that depends on the channel
/// (`Queues/README.md` lists them); ``init(decoding:file:)`` reads a file
/// and says exactly which key is wrong.
public struct QueueConfiguration: Sendable, Hashable {
    /// The queue's name, in logs, errors and `herald status`.
    public var name: String
    /// Which step of a channel plan the queue serves.
    public var channel: ChannelKind
    /// The adapter that sends (one of `ChannelFactory.adapters`).
    public var adapter: String
    /// How to reach the gateway; `ChannelFactory` checks it when it builds the channel.
    public var gateway: GatewayConfiguration
    /// Sends the queue may start per second (the token bucket's rate); above 0.
    public var rate: Double
    /// Sends that may start at once after a quiet spell (the bucket's size); at least 1.
    public var burst: Int
    /// Most sends in flight at once; at least 1.
    public var concurrency: Int
    /// When the queue may send: voice 09:00–20:00, SMS and push 08:00–21:00,
    /// webhook always, Asia/Shanghai, unless the file says otherwise.
    public var sendWindow: SendWindow
    /// Retries after a failed send.
    public var retry: Backoff
    /// How often one resident may be contacted through this queue.
    public var caps: FrequencyCap
    /// Voice queues only: calling again when nobody picks up.
    public var noAnswer: NoAnswerPolicy?
    /// When the gateway's circuit breaker opens.
    public var circuit: CircuitSettings
    /// Jobs claimed at a time.
    public var batch: Int
    /// How long a claimed job stays with its worker before another may take it, in seconds.
    public var leaseSeconds: Double

    /// Queues with the same adapter and endpoint share one circuit breaker:
    /// `adapter + " " + gateway.endpoint`.
    public var gatewayKey: String { adapter + " " + gateway.endpoint }

    /// A queue; every nil takes the channel's default (``defaultSendWindow(for:)``,
    /// ``defaultCaps(for:)``, ``defaultNoAnswer(for:)``, ``defaultBatch(burst:concurrency:)``,
    /// ``defaultLeaseSeconds(timeoutSeconds:)``). Set ``noAnswer`` afterwards
    /// to turn a voice queue's redialling off. Values are not checked here:
    /// a file's are, by ``init(decoding:file:)``.
    public init(name: String, channel: ChannelKind, adapter: String, gateway: GatewayConfiguration,
                rate: Double, burst: Int, concurrency: Int, sendWindow: SendWindow? = nil, retry: Backoff = Backoff(),
                caps: FrequencyCap? = nil, noAnswer: NoAnswerPolicy? = nil, circuit: CircuitSettings = .standard,
                batch: Int? = nil, leaseSeconds: Double? = nil) {
        self.name = name
        self.channel = channel
        self.adapter = adapter
        self.gateway = gateway
        self.rate = rate
        self.burst = burst
        self.concurrency = concurrency
        self.sendWindow = sendWindow ?? Self.defaultSendWindow(for: channel)
        self.retry = retry
        self.caps = caps ?? Self.defaultCaps(for: channel)
        self.noAnswer = noAnswer ?? Self.defaultNoAnswer(for: channel)
        self.circuit = circuit
        self.batch = batch ?? Self.defaultBatch(burst: burst, concurrency: concurrency)
        self.leaseSeconds = leaseSeconds ?? Self.defaultLeaseSeconds(timeoutSeconds: gateway.timeoutSeconds)
    }

    /// A closed circuit breaker with this queue's ``circuit`` settings.
    public func makeBreaker() -> CircuitBreaker {
        circuit.makeBreaker()
    }

    // MARK: - Defaults

    /// Voice 09:00–20:00; SMS and push 08:00–21:00; webhook always (a
    /// machine receives it). All Asia/Shanghai.
    public static func defaultSendWindow(for channel: ChannelKind) -> SendWindow {
        switch channel {
        case .voice: .voiceDefault
        case .sms, .push: .smsDefault
        case .webhook: .always
        }
    }

    /// Voice and SMS 1 a minute, 5 an hour, 20 a day; push and webhook none.
    public static func defaultCaps(for channel: ChannelKind) -> FrequencyCap {
        switch channel {
        case .voice: .voiceDefault
        case .sms: .smsDefault
        case .push, .webhook: .none
        }
    }

    /// Voice: call again after 10 minutes, 3 calls at most; nil for the other channels.
    public static func defaultNoAnswer(for channel: ChannelKind) -> NoAnswerPolicy? {
        channel == .voice ? .voiceDefault : nil
    }

    /// Enough jobs to fill the burst or the lines, at most 200: `min(200, max(burst, concurrency))`.
    public static func defaultBatch(burst: Int, concurrency: Int) -> Int {
        min(200, max(burst, concurrency))
    }

    /// Three send timeouts and at least a minute: `max(60, 3 × timeout)`, the timeout defaulting to 10 s.
    public static func defaultLeaseSeconds(timeoutSeconds: Double?) -> Double {
        max(60, 3 * (timeoutSeconds ?? 10))
    }
}

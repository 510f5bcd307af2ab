import Foundation
import HeraldCore
import HeraldHTTP

/// Everything that changes while the simulator runs. A plain value, owned
/// by `SimulatorEngine` and touched only while holding its lock.
struct SimulatorState {
    /// One forced fault waiting for its requests.
    struct ForcedFault {
        var fault: SimulatorFault
        var remaining: Int
        /// Only requests to this gateway take it; nil for any.
        var gateway: SimulatedGateway?
    }

    /// A WeChat access_token the simulator issued.
    struct AccessToken {
        var expiresAt: Int
        /// Invalidated by `expireAccessTokens()`: answered 40001, like a
        /// token that is no longer the latest.
        var invalidated = false
    }

    var behaviour: SimulatorBehaviour
    var nextSequence = 1
    var forcedFaults: [ForcedFault] = []
    /// Remaining balance per paid gateway; absent means no limit.
    var balances: [SimulatedGateway: Int] = [:]
    /// Unix seconds of accepted sends per "product/number", newest last.
    var sendTimes: [String: [Int]] = [:]
    /// Alibaba `SignatureNonce`s seen in the window, and the same in the
    /// order seen (from `nonceHead` on), so forgetting old ones is cheap.
    var nonces: Set<String> = []
    var nonceOrder: [(time: Int, nonce: String)] = []
    var nonceHead = 0
    var accessTokens: [String: AccessToken] = [:]
    /// Webhook `Idempotency-Key` → the id answered the first time.
    var idempotencyKeys: [String: String] = [:]
    /// The last delivery id pushed to each openid (from `page?delivery=`).
    var lastDeliveryByOpenID: [String: String] = [:]
    var records: [SimulatorRequestRecord] = []
    var callbackRecords: [SimulatorCallbackRecord] = []
    var stats = SimulatorStats()
    /// Sends per delivery id, for `duplicates()`.
    var sendsByDelivery: [String: Int] = [:]
    /// Requests held by a `timeout` fault until the simulator stops.
    var heldResponders: [Int: HTTPServerResponder] = [:]

    init(behaviour: SimulatorBehaviour) {
        self.behaviour = behaviour
        resetBalances()
    }

    /// Gateway requests received and not yet answered, per gateway.
    var unanswered: [SimulatedGateway: Int] = [:]

    mutating func requestStarted(_ gateway: SimulatedGateway) {
        let now = unanswered[gateway, default: 0] + 1
        unanswered[gateway] = now
        stats.maxConcurrent[gateway] = max(stats.maxConcurrent[gateway] ?? 0, now)
    }

    mutating func requestAnswered(_ gateway: SimulatedGateway) {
        unanswered[gateway] = max(0, unanswered[gateway, default: 0] - 1)
    }

    mutating func resetBalances() {
        balances = [:]
        if let balance = behaviour.balance {
            for gateway in SimulatedGateway.allCases where gateway.hasBalance { balances[gateway] = balance }
        }
    }

    /// Everything but the held requests and the sequence's meaning: the
    /// log, the counts, the limits, the tokens, the forced faults.
    mutating func reset() {
        nextSequence = 1
        forcedFaults = []
        sendTimes = [:]
        nonces = []
        nonceOrder = []
        nonceHead = 0
        accessTokens = [:]
        idempotencyKeys = [:]
        lastDeliveryByOpenID = [:]
        records = []
        callbackRecords = []
        let pending = stats.callbacksPending
        stats = SimulatorStats()
        stats.callbacksPending = pending
        sendsByDelivery = [:]
        resetBalances()
    }

    // MARK: Faults

    /// The next forced fault for a request to `gateway`, used up by one.
    mutating func takeForcedFault(for gateway: SimulatedGateway) -> SimulatorFault? {
        guard let index = forcedFaults.firstIndex(where: { $0.gateway == nil || $0.gateway == gateway }) else {
            return nil
        }
        let fault = forcedFaults[index].fault
        forcedFaults[index].remaining -= 1
        if forcedFaults[index].remaining <= 0 { forcedFaults.remove(at: index) }
        return fault
    }

    // MARK: Nonces

    /// Records an Alibaba `SignatureNonce`; false when it was already seen
    /// since `now - window`. Nonces older than that are forgotten first.
    mutating func useNonce(_ nonce: String, now: Int, window: Int) -> Bool {
        while nonceHead < nonceOrder.count, nonceOrder[nonceHead].time <= now - window {
            nonces.remove(nonceOrder[nonceHead].nonce)
            nonceHead += 1
        }
        if nonceHead > 1024, nonceHead * 2 > nonceOrder.count {
            nonceOrder.removeFirst(nonceHead)
            nonceHead = 0
        }
        guard nonces.insert(nonce).inserted else { return false }
        nonceOrder.append((now, nonce))
        return true
    }

    // MARK: Balance and frequency

    /// Whether `gateway` can pay for `count` more messages.
    func canPay(_ gateway: SimulatedGateway, count: Int = 1) -> Bool {
        guard let balance = balances[gateway] else { return true }
        return balance >= count
    }

    mutating func pay(_ gateway: SimulatedGateway, count: Int = 1) {
        if let balance = balances[gateway] { balances[gateway] = max(0, balance - count) }
    }

    /// The first window a send to `number` would break now, or nil.
    func brokenWindow(product: String, number: String, windows: [SimulatorBehaviour.RateWindow],
                      now: Int) -> SimulatorBehaviour.RateWindow? {
        guard !windows.isEmpty else { return nil }
        let times = sendTimes[product + "/" + number] ?? []
        return windows.first { window in
            times.reduce(0) { $0 + ($1 > now - window.seconds ? 1 : 0) } >= window.count
        }
    }

    /// Counts an accepted send to `number`, forgetting sends older than
    /// the longest window.
    mutating func countSend(product: String, number: String, windows: [SimulatorBehaviour.RateWindow], now: Int) {
        guard let longest = windows.map(\.seconds).max() else { return }
        let key = product + "/" + number
        var times = sendTimes[key] ?? []
        times.removeAll { $0 <= now - longest }
        times.append(now)
        sendTimes[key] = times
    }

    // MARK: Log and counts

    /// Logs one answered request and counts it.
    mutating func record(_ record: SimulatorRequestRecord, maxRecords: Int) {
        stats.requests += 1
        stats.outcomes[record.gateway, default: [:]][record.outcome.label, default: 0] += 1
        if case .faulted(let fault) = record.outcome {
            stats.faults[fault.label, default: 0] += 1
        }
        if let fault = record.fault {
            stats.faults[fault.label, default: 0] += 1
        }
        if record.sent {
            stats.sent += 1
            if let id = record.deliveryID {
                let count = sendsByDelivery[id, default: 0] + 1
                sendsByDelivery[id] = count
                if count == 2 { stats.duplicateDeliveries += 1 }
                if count >= 2 { stats.duplicateSends += 1 }
            }
        }
        Self.append(record, to: &records, maxRecords: maxRecords)
    }

    mutating func record(_ callback: SimulatorCallbackRecord, maxRecords: Int) {
        stats.callbacks[callback.kind, default: [:]][callback.resultLabel, default: 0] += 1
        Self.append(callback, to: &callbackRecords, maxRecords: maxRecords)
    }

    /// Appends, dropping the oldest in batches so trimming stays cheap.
    private static func append<T>(_ element: T, to array: inout [T], maxRecords: Int) {
        array.append(element)
        if array.count > maxRecords + maxRecords / 8 + 1 {
            array.removeFirst(array.count - maxRecords)
        }
    }
}

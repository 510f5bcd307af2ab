/// Counts of everything the simulator has seen since start or `reset()`.
public struct SimulatorStats: Sendable, Hashable, Encodable {
    /// Gateway requests (control requests on `/sim/...` are not counted).
    public var requests: Int = 0
    /// Per gateway, requests by outcome label (`accepted`, an error code, `fault.429`…).
    public var outcomes: [SimulatedGateway: [String: Int]] = [:]
    /// Faults by label, whether before (`5xx`, `429`) or after processing.
    public var faults: [String: Int] = [:]
    /// Requests whose message reached the resident's side.
    public var sent: Int = 0
    /// Delivery ids sent more than once, and how many extra sends that made.
    public var duplicateDeliveries: Int = 0
    public var duplicateSends: Int = 0
    /// Callback attempts by kind and result (`200`, `503`, `error.refused`…).
    public var callbacks: [SimulatorCallbackKind: [String: Int]] = [:]
    /// Callbacks scheduled but not yet sent or answered.
    public var callbacksPending: Int = 0
    /// The most requests of each gateway being worked on at once (received,
    /// not yet answered): what a concurrency cap must keep down.
    public var maxConcurrent: [SimulatedGateway: Int] = [:]

    public init() {}

    /// Requests of `gateway` with this outcome label.
    public func count(_ gateway: SimulatedGateway, _ label: String) -> Int {
        outcomes[gateway]?[label] ?? 0
    }

    /// Callback attempts of `kind`, all results together.
    public func callbackAttempts(_ kind: SimulatorCallbackKind) -> Int {
        callbacks[kind]?.values.reduce(0, +) ?? 0
    }

    /// One line for a terminal: totals, then each gateway's outcomes.
    public var summaryLine: String {
        let accepted = outcomes.values.reduce(0) { $0 + ($1["accepted"] ?? 0) }
        let callbackTotal = callbacks.values.reduce(0) { $0 + $1.values.reduce(0, +) }
        let callbackFailures = callbacks.values.reduce(0) { total, results in
            total + results.filter { !$0.key.hasPrefix("2") }.values.reduce(0, +)
        }
        var parts = ["requests \(requests)", "accepted \(accepted)", "sent \(sent)",
                     "duplicates \(duplicateSends)", "faults \(faults.values.reduce(0, +))",
                     "callbacks \(callbackTotal) (failed \(callbackFailures), pending \(callbacksPending))"]
        for gateway in SimulatedGateway.allCases {
            guard let counts = outcomes[gateway], !counts.isEmpty else { continue }
            let detail = counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            parts.append("\(gateway.rawValue)[\(detail)]")
        }
        return parts.joined(separator: " | ")
    }

    private enum CodingKeys: String, CodingKey {
        case requests, outcomes, faults, sent, duplicateDeliveries = "duplicate_deliveries"
        case duplicateSends = "duplicate_sends", callbacks, callbacksPending = "callbacks_pending"
        case maxConcurrent = "max_concurrent"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requests, forKey: .requests)
        try container.encode(Dictionary(uniqueKeysWithValues: outcomes.map { ($0.key.rawValue, $0.value) }),
                             forKey: .outcomes)
        try container.encode(faults, forKey: .faults)
        try container.encode(sent, forKey: .sent)
        try container.encode(Dictionary(uniqueKeysWithValues: maxConcurrent.map { ($0.key.rawValue, $0.value) }),
                             forKey: .maxConcurrent)
        try container.encode(duplicateDeliveries, forKey: .duplicateDeliveries)
        try container.encode(duplicateSends, forKey: .duplicateSends)
        try container.encode(Dictionary(uniqueKeysWithValues: callbacks.map { ($0.key.rawValue, $0.value) }),
                             forKey: .callbacks)
        try container.encode(callbacksPending, forKey: .callbacksPending)
    }
}

import Foundation

/// What a send job carries: the delivery and the plan step to send, nine
/// bytes (the job row stays small; the message is rendered at send time).
public struct DeliveryJob: Sendable, Hashable {
    public var deliveryID: Int64
    public var step: Int

    public init(deliveryID: Int64, step: Int) {
        self.deliveryID = deliveryID
        self.step = step
    }

    public var payload: Data {
        var bytes = [UInt8](repeating: 0, count: 9)
        for index in 0..<8 { bytes[index] = UInt8(truncatingIfNeeded: UInt64(bitPattern: deliveryID) >> (56 - 8 * UInt64(index))) }
        bytes[8] = UInt8(clamping: step)
        return Data(bytes)
    }

    public init?(payload: Data) {
        guard payload.count == 9 else { return nil }
        let bytes = [UInt8](payload)
        deliveryID = Int64(bitPattern: bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        step = Int(bytes[8])
    }

    /// One unfinished send per delivery and step, whatever retries the API sees.
    public var uniqueKey: String { "delivery-\(deliveryID)-step-\(step)" }
}

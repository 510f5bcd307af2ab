import Foundation
import HeraldCore

/// Interactive voice calls ("press 1 to sign up") through Alibaba Cloud's
/// `IvrCall` (dyvmsapi, API 2017-05-25).
///
/// Wire format: `POST {endpoint}/`, form body with the RPC common
/// parameters (see `AlibabaRPC`) and `CalledShowNumber` (the queue's caller
/// number), `CalledNumber` (mainland national number; IvrCall calls mainland
/// numbers only), `StartCode` (`voiceMenu.startCode`), `StartTtsParams` (a
/// JSON object of the message's parameters, when it has any), one
/// `MenuKeyMap.N.Key` / `MenuKeyMap.N.Code` / `MenuKeyMap.N.TtsParams`
/// triple per key (N from 1; the RPC form of the API's `MenuKeyMap` object
/// list, as Alibaba's SDKs send it), `ByeCode` and `ByeTtsParams` when the
/// menu has a goodbye prompt, `PlayTimes` (1–3), `Timeout` (ms to wait for a
/// key) and `OutId` (the delivery id, at most 15 bytes). Answer
/// `{"Code": "OK", "CallId": …}` → `.accepted(CallId)`; key presses arrive
/// later in the voice receipt.
///
/// A message without `voiceMenu` is `.permanent` with no request: this
/// adapter only makes interactive calls (`alibaba-tts` reads text).
///
/// **Not idempotent**: a retry after a timeout may call the resident twice.
///
/// Sendable: immutable configuration and the shared transport.
public final class AlibabaIVRChannel: SingleExchangeChannel {
    public struct Configuration: Sendable {
        /// Base URL, e.g. `https://dyvmsapi.aliyuncs.com`.
        public var endpoint: String
        public var accessKeyID: String
        public var accessKeySecret: Secret
        /// The purchased number the call comes from (`CalledShowNumber`).
        public var calledShowNumber: String
        public var regionID: String
        public var timeout: Duration

        public init(endpoint: String, accessKeyID: String, accessKeySecret: Secret, calledShowNumber: String,
                    regionID: String = "cn-hangzhou", timeout: Duration = .seconds(10)) {
            self.endpoint = endpoint
            self.accessKeyID = accessKeyID
            self.accessKeySecret = accessKeySecret
            self.calledShowNumber = calledShowNumber
            self.regionID = regionID
            self.timeout = timeout
        }
    }

    public let kind = ChannelKind.voice
    public let adapter = "alibaba-ivr"
    public let configuration: Configuration
    public let transport: any HTTPTransport
    private let rpc: AlibabaRPC
    private let logger: Logger

    public init(configuration: Configuration, transport: any HTTPTransport, clock: any WallClock = SystemClock(),
                nonce: @escaping @Sendable () -> String = { UUID().uuidString },
                logger: Logger = Logger(label: "channels")) {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
        rpc = AlibabaRPC(endpoint: configuration.endpoint, accessKeyID: configuration.accessKeyID,
                         accessKeySecret: configuration.accessKeySecret, regionID: configuration.regionID,
                         timeout: configuration.timeout, clock: clock, nonce: nonce)
    }

    /// The signed `IvrCall` request for `message`.
    public func request(for message: OutboundMessage) throws(ChannelError) -> HTTPRequest {
        guard let menu = message.voiceMenu else {
            throw .unsendable("alibaba-ivr makes interactive calls and the message has no voice menu")
        }
        guard let phone = message.recipient.phone else {
            throw .unsendable("an Alibaba IVR call needs a phone number and the resident has none")
        }
        guard phone.countryCode == "86" else {
            throw .unsendable("Alibaba IvrCall calls mainland China numbers only")
        }
        guard !menu.keys.isEmpty else {
            throw .unsendable("the voice menu has no keys; an IVR call needs at least one")
        }
        guard (1...3).contains(menu.playTimes) else {
            throw .unsendable("the voice menu plays \(menu.playTimes) times; IvrCall allows 1 to 3")
        }
        let outID = String(message.deliveryID)
        guard outID.utf8.count <= 15 else {
            throw .unsendable("delivery id \(outID) is longer than IvrCall's 15-byte OutId")
        }
        let parameters = message.parameters.isEmpty ? nil : AlibabaRPC.parametersJSON(message.parameters)
        var fields = [
            "CalledShowNumber": configuration.calledShowNumber,
            "CalledNumber": AlibabaRPC.dialledNumber(phone),
            "StartCode": menu.startCode,
            "PlayTimes": String(menu.playTimes),
            "Timeout": String(menu.keyTimeout.milliseconds),
            "OutId": outID,
        ]
        if let parameters { fields["StartTtsParams"] = parameters }
        for (index, key) in menu.keys.enumerated() {
            let prefix = "MenuKeyMap.\(index + 1)."
            fields[prefix + "Key"] = key.key
            fields[prefix + "Code"] = key.code
            if let parameters { fields[prefix + "TtsParams"] = parameters }
        }
        if let byeCode = menu.byeCode, !byeCode.isEmpty {
            fields["ByeCode"] = byeCode
            if let parameters { fields["ByeTtsParams"] = parameters }
        }
        return try rpc.request(action: "IvrCall", parameters: fields, gateway: Self.table.gateway)
    }

    /// What Alibaba's answer (or the transport's failure) means.
    public func outcome(for result: Result<HTTPResponse, HTTPClientError>) -> SendOutcome {
        Self.table.outcome(for: result, now: rpc.clock.now(), logger: logger) {
            AlibabaRPC.answer($0, idField: "CallId")
        }
    }

    public static let table = AlibabaVoice.table(gateway: "Alibaba IVR", action: "IvrCall")
}

extension AlibabaIVRChannel {
    static let credentialRoles = ["accessKeyId", "accessKeySecret"]
    static let settingNames = ["calledShowNumber", "regionId"]

    static func configuration(_ reader: GatewaySettingsReader) throws(ChannelError) -> Configuration {
        try reader.checkKnown(credentials: credentialRoles, settings: settingNames)
        return Configuration(endpoint: try reader.endpoint(),
                             accessKeyID: try reader.credential("accessKeyId").value,
                             accessKeySecret: try reader.credential("accessKeySecret"),
                             calledShowNumber: try reader.setting("calledShowNumber"),
                             regionID: reader.setting("regionId", default: AlibabaRPC.defaultRegion),
                             timeout: try reader.timeout())
    }
}

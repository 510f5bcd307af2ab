import Foundation
import HeraldDispatch
import HeraldSim

/// Three queues backed by the gateway simulator — mini-program push, SMS
/// through Kannel, calls through Alibaba IVR — for `herald demo` and
/// `herald serve --simulator`. Off unless asked for: the queue folder never
/// holds them, and their credentials are the simulator's fixed test ones
/// under their own variable names, so they never mix with real ones.
enum SimulatorQueues {
    static let credentials = SimulatorCredentials()

    static let environment = [
        "HERALD_SIM_KANNEL_USERNAME": credentials.kannelUsername,
        "HERALD_SIM_KANNEL_PASSWORD": credentials.kannelPassword,
        "HERALD_SIM_ALIBABA_ACCESS_KEY_ID": credentials.alibabaAccessKeyID,
        "HERALD_SIM_ALIBABA_ACCESS_KEY_SECRET": credentials.alibabaAccessKeySecret,
        "HERALD_SIM_WECHAT_APP_SECRET": credentials.wechatAppSecret,
    ]

    /// `<prefix>push`, `<prefix>sms` and `<prefix>voice` at `simulator`,
    /// with Kannel's delivery reports sent to `herald`.
    static func catalog(prefix: String = "", simulator: String, herald: String) throws -> QueueCatalog {
        try QueueCatalog(queues: definitions(prefix: prefix, simulator: simulator, herald: herald))
    }

    static func definitions(prefix: String, simulator: String, herald: String) throws -> [QueueConfiguration] {
        let gateway = #""endpoint": "\#(simulator)", "timeoutSeconds": 5"#
        return try [
            #"""
            {"name": "\#(prefix)push", "channel": "push", "adapter": "wechat-subscribe", "rate": 200, "burst": 1000,
             "concurrency": 16,
             "gateway": {\#(gateway), "credentials": {"appSecret": "HERALD_SIM_WECHAT_APP_SECRET"},
                         "settings": {"appId": "\#(credentials.wechatAppID)"}}}
            """#,
            #"""
            {"name": "\#(prefix)sms", "channel": "sms", "adapter": "kannel", "rate": 100, "burst": 500, "concurrency": 16,
             "gateway": {\#(gateway),
                         "credentials": {"username": "HERALD_SIM_KANNEL_USERNAME", "password": "HERALD_SIM_KANNEL_PASSWORD"},
                         "settings": {"from": "10690001", "callbackBase": "\#(herald)"}}}
            """#,
            #"""
            {"name": "\#(prefix)voice", "channel": "voice", "adapter": "alibaba-ivr", "rate": 20, "burst": 100,
             "concurrency": 10, "noAnswer": {"retryAfterSeconds": 900, "maxCalls": 2},
             "gateway": {\#(gateway), "credentials": {"accessKeyId": "HERALD_SIM_ALIBABA_ACCESS_KEY_ID",
                                                     "accessKeySecret": "HERALD_SIM_ALIBABA_ACCESS_KEY_SECRET"},
                         "settings": {"calledShowNumber": "02164001234"}}}
            """#,
        ].map { try QueueConfiguration(decoding: Data($0.utf8), file: "simulator queues") }
    }
}

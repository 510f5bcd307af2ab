/// The credentials the simulated gateways accept. The defaults are fixed
/// test values, listed in docs/SIMULATOR.md, that example queue files reach
/// through environment variables; they protect nothing.
public struct SimulatorCredentials: Sendable, Hashable {
    /// Kannel `sendsms-user`: `username`/`password` (or `user`/`pass`).
    public var kannelUsername: String
    public var kannelPassword: String
    /// Alibaba Cloud AccessKey, for the RPC signature.
    public var alibabaAccessKeyID: String
    public var alibabaAccessKeySecret: String
    /// Tencent Cloud API key, for TC3-HMAC-SHA256.
    public var tencentSecretID: String
    public var tencentSecretKey: String
    /// WeChat mini-program `appid` and `secret` for `cgi-bin/token`.
    public var wechatAppID: String
    public var wechatAppSecret: String
    /// Verifies webhooks sent to `/webhook` and signs the mini-program
    /// sign-up callbacks (`WebhookSignature`).
    public var webhookSecret: String
    /// The `{pathSecret}` segment of the Alibaba and Tencent callback paths
    /// (`SimulatorCallbackRoutes`): those callbacks carry no signature, so
    /// Herald protects them with a secret path.
    public var callbackPathSecret: String

    public init(kannelUsername: String = "herald",
                kannelPassword: String = "herald-sim",
                alibabaAccessKeyID: String = "sim-access-key",
                alibabaAccessKeySecret: String = "sim-secret",
                tencentSecretID: String = "AKIDsim",
                tencentSecretKey: String = "sim-secret",
                wechatAppID: String = "wxsim",
                wechatAppSecret: String = "sim-secret",
                webhookSecret: String = "sim-webhook-secret",
                callbackPathSecret: String = "sim-path-secret") {
        self.kannelUsername = kannelUsername
        self.kannelPassword = kannelPassword
        self.alibabaAccessKeyID = alibabaAccessKeyID
        self.alibabaAccessKeySecret = alibabaAccessKeySecret
        self.tencentSecretID = tencentSecretID
        self.tencentSecretKey = tencentSecretKey
        self.wechatAppID = wechatAppID
        self.wechatAppSecret = wechatAppSecret
        self.webhookSecret = webhookSecret
        self.callbackPathSecret = callbackPathSecret
    }
}

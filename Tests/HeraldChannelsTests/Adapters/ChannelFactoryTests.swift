import Foundation
import HeraldCore
import Testing
@testable import HeraldChannels

@Suite struct ChannelFactoryTests {
    /// The environment every example queue file needs, with values that must
    /// never show up in an error.
    static let environment = [
        "HERALD_KANNEL_USERNAME": "herald", "HERALD_KANNEL_PASSWORD": "kannel-pw-SECRET",
        "HERALD_ALIBABA_ACCESS_KEY_ID": "LTAI-id", "HERALD_ALIBABA_ACCESS_KEY_SECRET": "ali-SECRET",
        "HERALD_TENCENT_SECRET_ID": "AKID-id", "HERALD_TENCENT_SECRET_KEY": "tc-SECRET",
        "HERALD_WECHAT_APP_SECRET": "wx-SECRET", "HERALD_WEBHOOK_SECRET": "wh-SECRET",
        "HERALD_GENERIC_ACCOUNT": "acct-1", "HERALD_GENERIC_TOKEN": "gen-SECRET",
    ]

    /// The shape of a queue file, for these tests (the dispatcher owns the real decoder).
    struct QueueFile: Decodable {
        var name: String
        var channel: ChannelKind
        var adapter: String
        var gateway: GatewayConfiguration
        var rate: Double
        var burst: Int
        var concurrency: Int
    }

    static let queuesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Queues")

    static let exampleFiles = ["kannel-sms", "alibaba-sms", "alibaba-ivr", "alibaba-tts", "tencent-sms",
                               "tencent-voice", "wechat-subscribe", "webhook", "http-generic"]

    static func queueFile(_ name: String) throws -> QueueFile {
        let data = try Data(contentsOf: queuesDirectory.appendingPathComponent(name + ".json"))
        return try JSONDecoder().decode(QueueFile.self, from: data)
    }

    static func make(_ adapter: String, _ gateway: GatewayConfiguration, environment: [String: String] = environment,
                     channel: ChannelKind? = nil, factory: ChannelFactory = ChannelFactory()) throws(ChannelError)
        -> any Channel {
        try factory.makeChannel(queueName: "q1", adapter: adapter, gateway: gateway, environment: environment,
                                transport: FakeTransport(status: 200, body: ""), clock: Fixture.clock, channel: channel)
    }

    static func error(_ adapter: String, _ gateway: GatewayConfiguration, environment: [String: String] = environment,
                      channel: ChannelKind? = nil) -> ChannelError? {
        do {
            _ = try make(adapter, gateway, environment: environment, channel: channel)
            return nil
        } catch {
            return error
        }
    }

    static let alibaba = GatewayConfiguration(
        endpoint: "http://127.0.0.1:9300",
        credentials: ["accessKeyId": "HERALD_ALIBABA_ACCESS_KEY_ID", "accessKeySecret": "HERALD_ALIBABA_ACCESS_KEY_SECRET"],
        settings: ["signName": "阳光社区"])

    // MARK: - The example queue files

    @Test func everyAdapterHasAnExampleQueueFile() throws {
        let adapters = try Self.exampleFiles.map { try Self.queueFile($0).adapter }
        #expect(Set(adapters) == Set(ChannelFactory.adapters))
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: Self.queuesDirectory.path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
        #expect(Set(onDisk) == Set(Self.exampleFiles))
    }

    @Test(arguments: exampleFiles)
    func exampleQueueFileBuildsItsChannel(file: String) throws {
        let queue = try Self.queueFile(file)
        #expect(queue.name == file)
        #expect(queue.gateway.endpoint.hasPrefix("http://127.0.0.1:9300"))
        #expect(queue.gateway.realEndpoint?.hasPrefix("http") == true)
        #expect(queue.rate > 0 && queue.burst > 0 && queue.concurrency > 0)
        let channel = try ChannelFactory().makeChannel(
            queueName: queue.name, adapter: queue.adapter, gateway: queue.gateway, environment: Self.environment,
            transport: FakeTransport(status: 200, body: ""), clock: Fixture.clock, channel: queue.channel)
        #expect(channel.adapter == queue.adapter)
        #expect(channel.kind == queue.channel)
    }

    @Test func exampleFilesBuildTheRightTypesWithTheirSettings() throws {
        let sms = try Self.queueFile("alibaba-sms")
        let channel = try #require(try Self.make(sms.adapter, sms.gateway) as? AlibabaSMSChannel)
        #expect(channel.configuration.signName == "阳光社区")
        #expect(channel.configuration.accessKeySecret.value == "ali-SECRET")
        #expect(channel.configuration.timeout == .seconds(10))
        let wechat = try Self.queueFile("wechat-subscribe")
        let push = try #require(try Self.make(wechat.adapter, wechat.gateway) as? WeChatSubscribeChannel)
        #expect(push.tokens.configuration.appID == "wx0123456789abcdef")
        #expect(push.tokens.configuration.refreshMargin == .seconds(300))
    }

    // MARK: - Errors

    @Test func missingEnvironmentVariableNamesQueueRoleAndVariableButNoSecret() {
        var environment = Self.environment
        environment["HERALD_ALIBABA_ACCESS_KEY_SECRET"] = nil
        let error = Self.error("alibaba-sms", Self.alibaba, environment: environment)
        #expect(error?.code == .missingEnvironmentVariable)
        #expect(error?.queue == "q1")
        #expect(error?.field == "gateway.credentials.accessKeySecret")
        let text = error?.description ?? ""
        #expect(text.contains("q1") && text.contains("accessKeySecret") && text.contains("HERALD_ALIBABA_ACCESS_KEY_SECRET"))
        #expect(!Self.environment.values.contains { text.contains($0) }, "\(text)")
    }

    @Test func anEmptyEnvironmentVariableCountsAsMissing() {
        var environment = Self.environment
        environment["HERALD_ALIBABA_ACCESS_KEY_SECRET"] = ""
        #expect(Self.error("alibaba-sms", Self.alibaba, environment: environment)?.code == .missingEnvironmentVariable)
    }

    @Test func aCredentialRoleMissingFromTheFileIsNamed() {
        var gateway = Self.alibaba
        gateway.credentials["accessKeySecret"] = nil
        let error = Self.error("alibaba-sms", gateway)
        #expect(error?.code == .missingCredential)
        #expect(error?.field == "gateway.credentials.accessKeySecret")
        #expect(error?.message.contains("accessKeySecret") == true)
    }

    @Test func anUnknownCredentialRoleIsNamed() {
        var gateway = Self.alibaba
        gateway.credentials["secretKey"] = "HERALD_ALIBABA_ACCESS_KEY_SECRET"
        let error = Self.error("alibaba-sms", gateway)
        #expect(error?.code == .invalidSetting)
        #expect(error?.field == "gateway.credentials.secretKey")
        #expect(error?.message.contains("\"accessKeySecret\"") == true)
    }

    @Test func unknownAdapterListsTheKnownOnes() {
        let error = Self.error("aliyun-sms", Self.alibaba)
        #expect(error?.code == .unknownAdapter)
        #expect(error?.field == "adapter")
        #expect(error?.message.contains("alibaba-sms") == true)
    }

    @Test(arguments: [
        ("kannel", ["from"], "callbackBase"),
        ("alibaba-sms", [], "signName"),
        ("alibaba-ivr", [], "calledShowNumber"),
        ("tencent-sms", ["signName"], "smsSdkAppId"),
        ("tencent-sms", ["smsSdkAppId"], "signName"),
        ("tencent-voice", [], "voiceSdkAppId"),
        ("wechat-subscribe", [], "appId"),
    ])
    func missingRequiredSetting(adapter: String, present: [String], missing: String) throws {
        let queue = try Self.exampleFiles.map { try Self.queueFile($0) }.first { $0.adapter == adapter }
        var gateway = try #require(queue).gateway
        gateway.settings = gateway.settings.filter { present.contains($0.key) || !["from", "callbackBase", "signName",
            "calledShowNumber", "smsSdkAppId", "voiceSdkAppId", "appId"].contains($0.key) }
        let error = Self.error(adapter, gateway)
        #expect(error?.code == .missingSetting, "\(String(describing: error))")
        #expect(error?.field == "gateway.settings.\(missing)")
    }

    @Test func unknownSettingIsATypoCaughtAtStartUp() {
        var gateway = Self.alibaba
        gateway.settings["signname"] = "x"
        let error = Self.error("alibaba-sms", gateway)
        #expect(error?.code == .invalidSetting)
        #expect(error?.field == "gateway.settings.signname")
        #expect(error?.message.contains("\"signName\"") == true)
    }

    @Test func invalidValuesAreNamed() throws {
        var gateway = Self.alibaba
        gateway.endpoint = "dysmsapi.aliyuncs.com"
        #expect(Self.error("alibaba-sms", gateway)?.field == "gateway.endpoint")
        gateway = Self.alibaba
        gateway.timeoutSeconds = 0
        #expect(Self.error("alibaba-sms", gateway)?.field == "gateway.timeoutSeconds")
        var wechat = try Self.queueFile("wechat-subscribe").gateway
        wechat.settings["miniprogramState"] = "production"
        let state = Self.error("wechat-subscribe", wechat)
        #expect(state?.field == "gateway.settings.miniprogramState")
        #expect(state?.message.contains("formal") == true)
        var tts = try Self.queueFile("alibaba-tts").gateway
        tts.settings["playTimes"] = "5"
        #expect(Self.error("alibaba-tts", tts)?.field == "gateway.settings.playTimes")
        var kannel = try Self.queueFile("kannel-sms").gateway
        kannel.settings["callbackBase"] = "herald.example.org"
        #expect(Self.error("kannel", kannel)?.field == "gateway.settings.callbackBase")
    }

    @Test func channelKindMustMatchTheAdapter() {
        let error = Self.error("alibaba-sms", Self.alibaba, channel: .voice)
        #expect(error?.field == "channel")
        #expect(error?.message.contains("sms") == true)
    }

    @Test func theHTTPBlockBelongsToTheHTTPAdapterOnly() {
        var gateway = Self.alibaba
        gateway.http = GenericHTTPSpec(url: "/x")
        #expect(Self.error("alibaba-sms", gateway)?.field == "gateway.http")
        #expect(Self.error("http", GatewayConfiguration(endpoint: "http://127.0.0.1:9300"))?.code == .invalidHTTPSpec)
    }

    @Test func httpChannelTakesItsKindFromTheQueue() throws {
        let gateway = GatewayConfiguration(endpoint: "http://127.0.0.1:9300", http: GenericHTTPSpec(url: "/x"))
        #expect(try Self.make("http", gateway, channel: .voice).kind == .voice)
        #expect(try Self.make("http", gateway).kind == .webhook)
    }

    // MARK: - Shared WeChat tokens

    @Test func queuesOfOneAppIDShareOneTokenCache() throws {
        let factory = ChannelFactory()
        let gateway = try Self.queueFile("wechat-subscribe").gateway
        var other = gateway
        other.settings["appId"] = "wxother"
        let first = try #require(try Self.make("wechat-subscribe", gateway, factory: factory) as? WeChatSubscribeChannel)
        let second = try #require(try Self.make("wechat-subscribe", gateway, factory: factory) as? WeChatSubscribeChannel)
        let third = try #require(try Self.make("wechat-subscribe", other, factory: factory) as? WeChatSubscribeChannel)
        #expect(first.tokens === second.tokens)
        #expect(first.tokens !== third.tokens)
        var conflicting = Self.environment
        conflicting["HERALD_WECHAT_APP_SECRET"] = "another-secret"
        do {
            _ = try Self.make("wechat-subscribe", gateway, environment: conflicting, factory: factory)
            Issue.record("a second secret for the same appid should be refused")
        } catch {
            #expect(error.field == "gateway.credentials.appSecret")
            #expect(!error.description.contains("another-secret"))
        }
    }

    @Test func secretsNeverPrintInConfigurations() throws {
        let sms = try Self.queueFile("alibaba-sms")
        let channel = try #require(try Self.make(sms.adapter, sms.gateway) as? AlibabaSMSChannel)
        let printed = "\(channel.configuration) \(String(reflecting: channel.configuration))"
        #expect(!printed.contains("ali-SECRET"))
        #expect(printed.contains("<secret>"))
    }
}

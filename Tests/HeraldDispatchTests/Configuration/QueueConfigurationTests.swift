import Foundation
import HeraldChannels
import HeraldCore
import Testing
@testable import HeraldDispatch

/// The shipped Queues/ folder and the defaults Queues/README.md documents.
@Suite("QueueConfiguration")
struct QueueConfigurationTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let queuesFolder = root.appendingPathComponent("Queues").path

    static let shipped = ["alibaba-ivr", "alibaba-sms", "alibaba-tts", "http-generic", "kannel-sms", "tencent-sms",
                          "tencent-voice", "webhook", "wechat-subscribe"]

    // MARK: - The shipped files

    @Test func everyShippedQueueFileReads() throws {
        let catalog = try QueueCatalog(directory: Self.queuesFolder)
        #expect(catalog.queues.map(\.name) == Self.shipped)
        #expect(Set(catalog.queues.map(\.adapter)) == Set(ChannelFactory.adapters))
        #expect(catalog.queue(named: "tencent-voice")?.adapter == "tencent-voice")
        #expect(catalog.queue(named: "nope") == nil)
    }

    @Test func shippedFilesSpellOutTheDefaults() throws {
        // Every shipped file either leaves a key out or writes its default,
        // so each reads the same as the bare queue with nothing but defaults.
        let catalog = try QueueCatalog(directory: Self.queuesFolder)
        for queue in catalog.queues {
            let bare = QueueConfiguration(name: queue.name, channel: queue.channel, adapter: queue.adapter,
                                          gateway: queue.gateway, rate: queue.rate, burst: queue.burst,
                                          concurrency: queue.concurrency)
            #expect(queue == bare, "\(queue.name)")
        }
        let ivr = try #require(catalog.queue(named: "alibaba-ivr"))
        #expect(ivr.sendWindow.description == "09:00-20:00 Asia/Shanghai")
        #expect(ivr.noAnswer == NoAnswerPolicy(retryAfter: 600, maxCalls: 3))
        #expect(ivr.caps.limits == [.init(1, per: 60), .init(5, per: 3600), .init(20, per: 86_400)])
        #expect(ivr.batch == 10)
        #expect(ivr.leaseSeconds == 60)
        #expect(ivr.gatewayKey == "alibaba-ivr http://127.0.0.1:9300")
        let sms = try #require(catalog.queue(named: "alibaba-sms"))
        #expect(sms.sendWindow.description == "08:00-21:00 Asia/Shanghai")
        #expect(sms.retry == Backoff(base: 5, cap: 900, maxAttempts: 8))
        #expect(sms.noAnswer == nil)
        #expect(sms.batch == 200)
        let push = try #require(catalog.queue(named: "wechat-subscribe"))
        #expect(push.sendWindow == .smsDefault)
        #expect(push.caps == .none)
        let webhook = try #require(catalog.queue(named: "webhook"))
        #expect(webhook.sendWindow.isAlways)
        #expect(webhook.caps.limits.isEmpty)
    }

    @Test func everyFileKeyIsDocumentedInTheReadme() throws {
        let readme = try String(contentsOfFile: Self.queuesFolder + "/README.md", encoding: .utf8)
        for key in QueueConfiguration.fileKeys {
            // `gateway` is documented key by key (`gateway.endpoint`, …).
            #expect(readme.contains("| `\(key)` |") || readme.contains("| `\(key)."),
                    "Queues/README.md has no row for \(key)")
        }
        #expect(!readme.contains("documented with it"))
    }

    // MARK: - Defaults

    @Test("defaults by channel", arguments: [
        ("voice", "alibaba-tts", "09:00-20:00", FrequencyCap.voiceDefault, true),
        ("sms", "kannel", "08:00-21:00", FrequencyCap.smsDefault, false),
        ("push", "wechat-subscribe", "08:00-21:00", FrequencyCap.none, false),
        ("webhook", "webhook", "00:00-24:00", FrequencyCap.none, false),
    ])
    func defaultsByChannel(channel: String, adapter: String, window: String, caps: FrequencyCap,
                           redials: Bool) throws {
        let queue = try QueueFileFixture.decode(["channel": "\"\(channel)\"", "adapter": "\"\(adapter)\""])
        #expect(queue.sendWindow.description == window + " Asia/Shanghai")
        #expect(queue.caps == caps)
        #expect(queue.noAnswer == (redials ? NoAnswerPolicy(retryAfter: 600, maxCalls: 3) : nil))
        #expect(queue.retry == Backoff(base: 5, cap: 900, maxAttempts: 8))
        #expect(queue.circuit == CircuitSettings(failureThreshold: 5, openSeconds: 30, maxOpenSeconds: 300))
        #expect(queue.batch == 20)
        #expect(queue.leaseSeconds == 60)
    }

    @Test func batchAndLeaseFollowBurstConcurrencyAndTimeout() throws {
        #expect(try QueueFileFixture.decode(["burst": "3", "concurrency": "40"]).batch == 40)
        #expect(try QueueFileFixture.decode(["burst": "400"]).batch == 200)
        let slow = #"{"endpoint": "http://127.0.0.1:9300", "timeoutSeconds": 30}"#
        #expect(try QueueFileFixture.decode(["gateway": slow]).leaseSeconds == 90)
        #expect(try QueueFileFixture.decode(["batch": "7", "leaseSeconds": "45.5"]).batch == 7)
        #expect(try QueueFileFixture.decode(["leaseSeconds": "45.5"]).leaseSeconds == 45.5)
    }

    @Test func everyKeyRead() throws {
        let queue = try QueueFileFixture.decode([
            "channel": #""voice""#, "adapter": #""tencent-voice""#,
            "sendWindow": #""21:00-07:00""#, "timeZone": #""Asia/Tokyo""#,
            "retry": #"{"baseSeconds": 2, "capSeconds": 60, "maxAttempts": 4}"#,
            "caps": #"{"perMinute": 2, "perDay": 10}"#,
            "noAnswer": #"{"retryAfterSeconds": 300, "maxCalls": 2}"#,
            "circuit": #"{"failureThreshold": 3, "openSeconds": 10, "maxOpenSeconds": 40}"#,
            "batch": "50", "leaseSeconds": "120",
        ])
        #expect(queue.sendWindow.description == "21:00-07:00 Asia/Tokyo")
        #expect(queue.retry == Backoff(base: 2, cap: 60, maxAttempts: 4))
        #expect(queue.caps.limits == [.init(2, per: 60), .init(10, per: 86_400)])
        #expect(queue.caps.longestWindow == 86_400)
        #expect(queue.noAnswer == NoAnswerPolicy(retryAfter: 300, maxCalls: 2))
        #expect(queue.circuit == CircuitSettings(failureThreshold: 3, openSeconds: 10, maxOpenSeconds: 40))
        #expect(queue.batch == 50)
        #expect(queue.leaseSeconds == 120)
        let breaker = queue.makeBreaker()
        #expect(breaker.threshold == 3 && breaker.openFor == 10 && breaker.maxOpenFor == 40)
        #expect(breaker.state == .closed)
    }

    @Test func partialBlocksKeepTheOtherDefaults() throws {
        let queue = try QueueFileFixture.decode(["retry": #"{"maxAttempts": 3}"#, "circuit": #"{"openSeconds": 600}"#])
        #expect(queue.retry == Backoff(base: 5, cap: 900, maxAttempts: 3))
        // A longer first pause than the default maximum raises the maximum with it.
        #expect(queue.circuit == CircuitSettings(failureThreshold: 5, openSeconds: 600, maxOpenSeconds: 600))
        let voice = try QueueFileFixture.decode(["channel": #""voice""#, "adapter": #""alibaba-ivr""#,
                                                 "noAnswer": #"{"maxCalls": 1}"#])
        #expect(voice.noAnswer == NoAnswerPolicy(retryAfter: 600, maxCalls: 1))
    }

    @Test func aTimeZoneAloneMovesTheDefaultWindow() throws {
        let queue = try QueueFileFixture.decode(["channel": #""voice""#, "adapter": #""alibaba-ivr""#,
                                                 "timeZone": #""Europe/Berlin""#])
        #expect(queue.sendWindow.description == "09:00-20:00 Europe/Berlin")
    }

    @Test func nullOrEmptyCapsAndNullNoAnswerTurnThemOff() throws {
        #expect(try QueueFileFixture.decode(["caps": "null"]).caps == .none)
        #expect(try QueueFileFixture.decode(["caps": "{}"]).caps == .none)
        #expect(try QueueFileFixture.decode(["caps": #"{"perHour": null, "perDay": 3}"#]).caps.limits
            == [.init(3, per: 86_400)])
        let voice = try QueueFileFixture.decode(["channel": #""voice""#, "adapter": #""alibaba-ivr""#,
                                                 "noAnswer": "null"])
        #expect(voice.noAnswer == nil)
        #expect(try QueueFileFixture.decode(["noAnswer": "null"]).noAnswer == nil)
    }

    @Test func queuesOfOneGatewayShareABreakerKey() throws {
        let first = try QueueFileFixture.decode(["name": #""a""#])
        let second = try QueueFileFixture.decode(["name": #""b""#, "rate": "1"])
        let other = try QueueFileFixture.decode(["gateway": #"{"endpoint": "http://127.0.0.1:9400"}"#])
        #expect(first.gatewayKey == "kannel http://127.0.0.1:9300")
        #expect(first.gatewayKey == second.gatewayKey)
        #expect(first.gatewayKey != other.gatewayKey)
    }

    @Test func theMemberwiseInitTakesChannelDefaults() {
        let gateway = GatewayConfiguration(endpoint: "http://127.0.0.1:9300", timeoutSeconds: 40)
        var voice = QueueConfiguration(name: "v", channel: .voice, adapter: "alibaba-ivr", gateway: gateway,
                                       rate: 5, burst: 10, concurrency: 8)
        #expect(voice.sendWindow == .voiceDefault)
        #expect(voice.caps == .voiceDefault)
        #expect(voice.noAnswer == .voiceDefault)
        #expect(voice.batch == 10)
        #expect(voice.leaseSeconds == 120)
        voice.noAnswer = nil
        #expect(voice.noAnswer == nil)
        let webhook = QueueConfiguration(name: "w", channel: .webhook, adapter: "webhook", gateway: gateway,
                                         rate: 5, burst: 10, concurrency: 8, caps: .smsDefault, batch: 3)
        #expect(webhook.sendWindow == .always)
        #expect(webhook.caps == .smsDefault)
        #expect(webhook.noAnswer == nil)
        #expect(webhook.batch == 3)
    }
}

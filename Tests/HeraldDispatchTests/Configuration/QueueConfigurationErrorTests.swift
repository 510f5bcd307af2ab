import Foundation
import Testing
@testable import HeraldDispatch

/// Each way a queue file can be wrong, and what the error says.
@Suite("QueueConfiguration errors")
struct QueueConfigurationErrorTests {
    typealias Code = QueueConfigurationError.Code

    static func expect(_ error: QueueConfigurationError?, _ code: Code, key: String?, saying words: [String] = [],
                       sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error else {
            Issue.record("the file was read without an error", sourceLocation: sourceLocation)
            return
        }
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(error.file == QueueFileFixture.file, sourceLocation: sourceLocation)
        #expect(error.key == key, "\(error)", sourceLocation: sourceLocation)
        for word in words {
            #expect(error.message.contains(word), "\(error) does not say \(word)", sourceLocation: sourceLocation)
        }
    }

    @Test func theDescriptionNamesFileKeyAndValue() {
        let error = QueueFileFixture.error(["rate": "-1"])
        #expect(error?.description == "Queues/x.json: rate: must be greater than 0 (got -1)")
        #expect(QueueConfigurationError(.unreadable, "no such folder", file: "Q").description == "Q: no such folder")
        #expect(QueueConfigurationError(.duplicateName, "twice", key: "name").description == "name: twice")
    }

    // MARK: - Not JSON

    @Test func malformedJSONSaysWhere() {
        let text = "{\n  \"name\": \"x\",\n  \"rate\": 10,,\n}\n"
        Self.expect(QueueFileFixture.error(text), .malformedJSON, key: nil, saying: ["not valid JSON", "line 3, column 14"])
        let chinese = "{\"name\": \"阳光\" \"rate\": 1}"
        Self.expect(QueueFileFixture.error(chinese), .malformedJSON, key: nil, saying: ["line 1, column 15"])
        Self.expect(QueueFileFixture.error(""), .malformedJSON, key: nil, saying: ["empty"])
        Self.expect(QueueFileFixture.error("{\"name\": "), .malformedJSON, key: nil, saying: ["not valid JSON"])
    }

    @Test func theFileMustBeOneObject() {
        Self.expect(QueueFileFixture.error("[1, 2]"), .malformedJSON, key: nil, saying: ["one JSON object", "a list"])
        Self.expect(QueueFileFixture.error("\"x\""), .malformedJSON, key: nil, saying: ["a string"])
    }

    // MARK: - Keys

    @Test func unknownKeysListTheAllowedOnesAndGuessTheMeantOne() {
        Self.expect(QueueFileFixture.error(["sendwindow": #""09:00-20:00""#]), .unknownKey, key: "sendwindow",
                    saying: ["name, channel, adapter, gateway", "leaseSeconds", #"did you mean "sendWindow""#])
        Self.expect(QueueFileFixture.error(["quietHours": #""21:00-09:00""#]), .unknownKey, key: "quietHours",
                    saying: ["sendWindow"])
        Self.expect(QueueFileFixture.error(["gateway": #"{"endpoint": "http://h", "timeoutSecond": 5}"#]),
                    .unknownKey, key: "gateway.timeoutSecond", saying: [#"did you mean "timeoutSeconds""#])
        Self.expect(QueueFileFixture.error(["retry": #"{"base": 5}"#]), .unknownKey, key: "retry.base",
                    saying: ["baseSeconds, capSeconds, maxAttempts"])
        Self.expect(QueueFileFixture.error(["caps": #"{"perWeek": 5}"#]), .unknownKey, key: "caps.perWeek",
                    saying: ["perMinute, perHour, perDay"])
        Self.expect(QueueFileFixture.error(["circuit": #"{"threshold": 5}"#]), .unknownKey, key: "circuit.threshold",
                    saying: ["failureThreshold"])
        Self.expect(QueueFileFixture.error(["channel": #""voice""#, "adapter": #""alibaba-ivr""#,
                                            "noAnswer": #"{"retryAfter": 60}"#]),
                    .unknownKey, key: "noAnswer.retryAfter", saying: ["retryAfterSeconds"])
    }

    @Test("a missing required key is named", arguments: ["name", "channel", "adapter", "gateway", "rate", "burst",
                                                         "concurrency"])
    func missingKey(key: String) {
        Self.expect(QueueFileFixture.error(removing: [key]), .missingKey, key: key, saying: ["required", "\"\(key)\""])
    }

    @Test func aMissingGatewayEndpointIsNamed() {
        Self.expect(QueueFileFixture.error(["gateway": #"{"timeoutSeconds": 5}"#]), .missingKey,
                    key: "gateway.endpoint")
    }

    // MARK: - Types

    @Test("a value of the wrong type is named with what was found", arguments: [
        ("name", "5", "name", "must be a string (got a number)"),
        ("rate", #""10""#, "rate", "must be a number (got a string)"),
        ("burst", "2.5", "burst", "must be a whole number (got 2.5)"),
        ("burst", "true", "burst", "must be a number (got true or false)"),
        ("concurrency", "null", "concurrency", "must be a number (got null)"),
        ("gateway", #""http://127.0.0.1""#, "gateway", "must be an object"),
        ("sendWindow", "[9, 20]", "sendWindow", "must be a string (got a list)"),
        ("retry", "8", "retry", "must be an object"),
        ("retry", "null", "retry", "must be an object { … } (got null)"),
        ("caps", "5", "caps", "must be an object"),
        ("caps", #"{"perDay": "20"}"#, "caps.perDay", "must be a number (got a string)"),
        ("circuit", #"{"openSeconds": "30s"}"#, "circuit.openSeconds", "must be a number"),
        ("batch", "1.5", "batch", "whole number"),
        ("gateway", #"{"endpoint": "http://h", "timeoutSeconds": "10"}"#, "gateway.timeoutSeconds",
         "must be a number (got a string)"),
        ("gateway", #"{"endpoint": 9300}"#, "gateway.endpoint", "must be a string (got a number)"),
        ("gateway", #"{"endpoint": "http://h", "settings": {"from": 10690001}}"#, "gateway.settings.from",
         "must be a string (got a number); settings are strings"),
        ("gateway", #"{"endpoint": "http://h", "credentials": ["HERALD_X"]}"#, "gateway.credentials",
         "must be an object { … } (got a list)"),
    ])
    func wrongType(key: String, value: String, errorKey: String, words: String) {
        Self.expect(QueueFileFixture.error([key: value]), .wrongType, key: errorKey, saying: [words])
    }

    @Test func aWrongTypeDoesNotRepeatTheValue() {
        let error = QueueFileFixture.error(["rate": #""HERALD_SECRET_VALUE""#])
        #expect(error?.code == .wrongType)
        #expect(error?.description.contains("HERALD_SECRET_VALUE") == false)
    }

    // MARK: - Ranges

    @Test("a number out of range says the bound and what was given", arguments: [
        ("rate", "0", "rate", "must be greater than 0 (got 0)"),
        ("burst", "0", "burst", "must be at least 1 (got 0)"),
        ("concurrency", "-3", "concurrency", "must be at least 1 (got -3)"),
        ("batch", "0", "batch", "must be at least 1 (got 0)"),
        ("retry", #"{"baseSeconds": -1}"#, "retry.baseSeconds", "must be at least 0 (got -1)"),
        ("retry", #"{"baseSeconds": 10, "capSeconds": 5}"#, "retry.capSeconds",
         "must be at least retry.baseSeconds (10) (got 5)"),
        ("retry", #"{"maxAttempts": 0}"#, "retry.maxAttempts", "must be at least 1 (got 0)"),
        ("caps", #"{"perHour": 0}"#, "caps.perHour", "must be at least 1 (leave the key out for no limit) (got 0)"),
        ("circuit", #"{"failureThreshold": 0}"#, "circuit.failureThreshold", "must be at least 1 (got 0)"),
        ("circuit", #"{"openSeconds": 0}"#, "circuit.openSeconds", "must be greater than 0 (got 0)"),
        ("circuit", #"{"openSeconds": 60, "maxOpenSeconds": 30}"#, "circuit.maxOpenSeconds",
         "must be at least circuit.openSeconds (60) (got 30)"),
        ("leaseSeconds", "10", "leaseSeconds", "must be greater than gateway.timeoutSeconds (10)"),
    ])
    func outOfRange(key: String, value: String, errorKey: String, words: String) {
        Self.expect(QueueFileFixture.error([key: value]), .outOfRange, key: errorKey, saying: [words])
    }

    @Test func noAnswerRangesOnAVoiceQueue() {
        let voice: KeyValuePairs<String, String> = ["channel": #""voice""#, "adapter": #""alibaba-ivr""#]
        func with(_ noAnswer: String) -> String {
            QueueFileFixture.text(["channel": voice[0].value, "adapter": voice[1].value, "noAnswer": noAnswer])
        }
        Self.expect(QueueFileFixture.error(with(#"{"maxCalls": 0}"#)), .outOfRange, key: "noAnswer.maxCalls")
        Self.expect(QueueFileFixture.error(with(#"{"retryAfterSeconds": 0}"#)), .outOfRange,
                    key: "noAnswer.retryAfterSeconds", saying: ["greater than 0"])
    }

    // MARK: - Values

    @Test func anUnknownAdapterListsTheKnownOnes() {
        Self.expect(QueueFileFixture.error(["adapter": #""aliyun-sms""#]), .invalidValue, key: "adapter",
                    saying: ["aliyun-sms", "kannel, alibaba-sms", "http"])
    }

    @Test func anUnknownChannelListsTheKnownOnes() {
        Self.expect(QueueFileFixture.error(["channel": #""phone""#]), .invalidValue, key: "channel",
                    saying: ["push, sms, voice, webhook"])
    }

    @Test func anEmptyNameIsRefused() {
        Self.expect(QueueFileFixture.error(["name": #"" ""#]), .invalidValue, key: "name")
    }

    @Test func aChannelThatDoesNotMatchTheAdapterIsLeftToTheChannelFactory() throws {
        let queue = try QueueFileFixture.decode(["channel": #""voice""#, "adapter": #""kannel""#])
        #expect(queue.channel == .voice)
    }

    @Test func sendWindowAndTimeZoneMustParse() {
        Self.expect(QueueFileFixture.error(["sendWindow": #""9-17""#]), .invalidValue, key: "sendWindow",
                    saying: ["09:00-20:00"])
        Self.expect(QueueFileFixture.error(["sendWindow": #""09:00-09:00""#]), .invalidValue, key: "sendWindow",
                    saying: ["00:00-24:00"])
        Self.expect(QueueFileFixture.error(["timeZone": #""Mars/Olympus""#]), .invalidValue, key: "timeZone",
                    saying: ["Mars/Olympus", "Asia/Shanghai"])
    }

    @Test func noAnswerIsForVoiceOnly() {
        Self.expect(QueueFileFixture.error(["noAnswer": #"{"maxCalls": 2}"#]), .invalidValue, key: "noAnswer",
                    saying: ["voice", "sms"])
    }
}

import Foundation
import Testing

/// `herald templates lint` and `herald templates preview`, run as a user would.
@Suite struct TemplatesCommandTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let templates = root.appendingPathComponent("Templates").path
    static let queues = root.appendingPathComponent("Queues").path

    /// A copy of the shipped templates in a temporary folder, removed after the test.
    final class Scratch {
        let path = NSTemporaryDirectory() + "herald-cli-templates-" + UUID().uuidString

        init() throws {
            try FileManager.default.copyItem(atPath: TemplatesCommandTests.templates, toPath: path)
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        func write(_ file: String, _ text: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path + "/" + file))
        }
    }

    @Test func theShippedTemplatesLintClean() throws {
        let result = try HeraldProcess.run(["templates", "lint", "--dir", Self.templates, "--queues", Self.queues])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == "5 templates checked against 9 queue files (alibaba-ivr, alibaba-sms, alibaba-tts, "
                + "http, kannel, tencent-sms, tencent-voice, webhook, wechat-subscribe): 0 errors, 0 warnings\n")
    }

    @Test func anErrorIsOneLineAndExits65() throws {
        let scratch = try Scratch()
        try scratch.write("activity-full/push.json", """
            {"data": {"thing1": "{{activity}}活动名额已满，感谢您的关注与支持", "time2": "{{time}}"}}
            """)
        let result = try HeraldProcess.run(["templates", "lint", "--dir", scratch.path, "--queues", Self.queues])
        #expect(result.status == 65)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "activity-full/push.json: error: data.thing1 with the examples has 23 characters; "
                + "thing allows at most 20")
        #expect(lines.last?.hasSuffix(": 1 error, 0 warnings") == true)
        #expect(lines.count == 2)
    }

    @Test func warningsAloneExitZero() throws {
        let scratch = try Scratch()
        try scratch.write("notice/sms.txt", "【{{committee_name}}】{{subject}}：{{details}}。咨询电话：{{contact}}。")
        let result = try HeraldProcess.run(["templates", "lint", "--dir", scratch.path, "--queues", Self.queues])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("notice/sms.txt: warning: no 退订 instruction"))
        #expect(result.stdout.hasSuffix(": 0 errors, 1 warning\n"))
    }

    @Test func aTemplateThatDoesNotLoadIsAnErrorAndTheOthersAreStillChecked() throws {
        let scratch = try Scratch()
        try scratch.write("poll/template.json", "{\"name\": \"poll\",")
        try scratch.write("notice/voice.txt", "{{resident_name}}您好，{{subjct}}。")
        let result = try HeraldProcess.run(["templates", "lint", "--dir", scratch.path, "--queues", Self.queues])
        #expect(result.status == 65)
        #expect(result.stdout.contains("poll/template.json:1: error: not valid JSON"))
        #expect(result.stdout.contains("notice/voice.txt:1: error: {{subjct}} is not a declared variable"))
        #expect(result.stdout.contains("5 templates checked"))
    }

    @Test func aMissingFolderExits66() throws {
        let missing = "/nonexistent-\(UUID().uuidString)"
        let noTemplates = try HeraldProcess.run(["templates", "lint", "--dir", missing, "--queues", Self.queues])
        #expect(noTemplates.status == 66)
        #expect(noTemplates.stderr.contains("the templates folder \(missing) does not exist"))
        let noQueues = try HeraldProcess.run(["templates", "lint", "--dir", Self.templates, "--queues", missing])
        #expect(noQueues.status == 66)
        #expect(noQueues.stderr.contains("the queues folder \(missing) does not exist"))
    }

    @Test func previewShowsEveryChannelWithTheSMSPartCount() throws {
        let result = try HeraldProcess.run(["templates", "preview", "activity-invitation", "--dir", Self.templates])
        #expect(result.status == 0, "\(result.stderr)")
        let out = result.stdout
        #expect(out.hasPrefix("activity-invitation: 活动邀请（按1报名） (invitation)\n"))
        #expect(out.contains("sms.txt: 2 SMS parts (UCS-2, 80 characters)\n  【阳光社区居委会】邀请您参加灭火器免费更换"))
        #expect(out.contains("回复1报名，回复TD退订"))
        #expect(out.contains("  王秀英您好，这里是阳光社区居委会。"))
        #expect(out.contains("  alibaba-ivr: start TTS_000000302, key 1 → TTS_000000312, key 2 → TTS_000000322, bye TTS_000000392"))
        #expect(out.contains("    {1} activity = 灭火器免费更换"))
        #expect(out.contains("  thing1: 灭火器免费更换\n"))
        #expect(out.contains("  page: pages/activity/detail?delivery=100000001"))
    }

    @Test func previewTakesVariablesAndBuiltIns() throws {
        let result = try HeraldProcess.run([
            "templates", "preview", "notice", "--dir", Self.templates, "--var", "subject=2号楼停电通知",
            "--var", "resident_name=李建国", "--var=delivery_id=77",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("【阳光社区居委会】2号楼停电通知："))
        #expect(result.stdout.contains("李建国您好"))
        #expect(result.stdout.contains("delivery=77"))
    }

    @Test func previewMisuse() throws {
        let unknown = try HeraldProcess.run(["templates", "preview", "notice", "--dir", Self.templates, "--var", "x=1"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("notice has no variable 'x'; it declares subject, details, contact"))
        let malformed = try HeraldProcess.run(["templates", "preview", "notice", "--dir", Self.templates, "--var", "x"])
        #expect(malformed.status == 64)
        let tooLong = try HeraldProcess.run(["templates", "preview", "notice", "--dir", Self.templates,
                                             "--var", "subject=" + String(repeating: "长", count: 21)])
        #expect(tooLong.status == 65)
        #expect(tooLong.stderr.contains("has 21 characters; at most 20 are allowed"))
        let missing = try HeraldProcess.run(["templates", "preview", "nope", "--dir", Self.templates])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("no template \"nope\""))
        #expect(missing.stderr.contains("templates: activity-full, activity-invitation"))
    }

    @Test func theVoiceTextCanBeHeardAsAWAVFile() throws {
        let wav = NSTemporaryDirectory() + "herald-voice-\(UUID().uuidString).wav"
        defer { try? FileManager.default.removeItem(atPath: wav) }
        let spoken = try HeraldProcess.run(["templates", "preview", "activity-invitation", "--dir", Self.templates,
                                            "--wav", wav])
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/espeak-ng") {
            #expect(spoken.status == 0, "\(spoken.stderr)")
            let data = try Data(contentsOf: URL(fileURLWithPath: wav))
            #expect(data.prefix(4) == Data("RIFF".utf8) && data.dropFirst(8).prefix(4) == Data("WAVE".utf8))
            // Seconds of speech, not an empty header: 16-bit mono at 22,050 Hz is 44,100 bytes a second.
            #expect(data.count > 5 * 44_100, "\(data.count) bytes")
            #expect(spoken.stdout.contains("voice.txt spoken into \(wav)"))
        } else {
            #expect(spoken.status == 69)
            #expect(spoken.stderr.contains("apt-get install espeak-ng"))
        }
        let nowhere = try HeraldProcess.run(["templates", "preview", "activity-invitation", "--dir", Self.templates,
                                             "--wav", "/nonexistent/voice.wav"])
        #expect(nowhere.status == 66)
        #expect(nowhere.stderr.contains("/nonexistent does not exist"))
    }

    @Test func helpListsTheTemplateCommands() throws {
        let result = try HeraldProcess.run(["--help"])
        #expect(result.stdout.contains("templates lint"))
        #expect(result.stdout.contains("templates preview"))
        let preview = try HeraldProcess.run(["templates", "preview", "--help"])
        #expect(preview.stdout.contains("--var NAME=VALUE"))
    }
}

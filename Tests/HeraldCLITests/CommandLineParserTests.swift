import Testing
@testable import herald

@Suite struct CommandLineParserTests {
    static let commands = [
        CommandSpec(path: ["queue", "pause"], summary: "pause",
                    positionals: [PositionalSpec(name: "QUEUE", help: "the queue")],
                    options: [.value("--reason", "TEXT", "why")], run: { _ in .ok }),
        CommandSpec(path: ["queue", "resume"], summary: "resume",
                    positionals: [PositionalSpec(name: "QUEUE", help: "the queue")], run: { _ in .ok }),
        CommandSpec(path: ["status"], summary: "status",
                    options: [.value("--db", "PATH", "db", default: "./herald.db"), .flag("--json", "json")],
                    run: { _ in .ok }),
    ]
    let parser = CommandLineParser(commands: commands)

    func invocation(_ arguments: [String]) throws -> Invocation {
        guard case .run(let invocation) = try parser.parse(arguments) else {
            Issue.record("expected a command to run for \(arguments)")
            throw UsageError(message: "no run", command: nil)
        }
        return invocation
    }

    @Test func parsesSubcommandsPositionalsAndValues() throws {
        let parsed = try invocation(["queue", "pause", "sms", "--reason", "欠费"])
        #expect(parsed.command.name == "queue pause")
        #expect(parsed.positional(0) == "sms")
        #expect(parsed.value("--reason") == "欠费")
    }

    @Test func equalsFormFlagsAndDefaults() throws {
        let parsed = try invocation(["status", "--json"])
        #expect(parsed.flag("--json"))
        #expect(parsed.value("--db") == "./herald.db")
        #expect(try invocation(["status", "--db=/tmp/a.db"]).value("--db") == "/tmp/a.db")
        #expect(try invocation(["status", "--log-level", "debug"]).value("--log-level") == "debug")
    }

    @Test func repeatableOptionsKeepEveryValueInOrder() throws {
        let preview = CommandSpec(path: ["templates", "preview"], summary: "preview",
                                  positionals: [PositionalSpec(name: "NAME", help: "the template")],
                                  options: [.values("--var", "NAME=VALUE", "a value")], run: { _ in .ok })
        let parser = CommandLineParser(commands: [preview])
        guard case .run(let parsed) = try parser.parse(["templates", "preview", "notice", "--var", "a=1",
                                                        "--var=b=2", "--var", "a=3"]) else {
            Issue.record("expected a command to run")
            return
        }
        #expect(parsed.values("--var") == ["a=1", "b=2", "a=3"])
        #expect(parsed.values("--other").isEmpty)
        #expect(parser.help(for: preview).contains("(repeatable)"))
    }

    @Test func doubleDashEndsOptions() throws {
        let parsed = try invocation(["queue", "resume", "--", "--weird-queue"])
        #expect(parsed.positional(0) == "--weird-queue")
    }

    @Test(arguments: [
        (["status", "--nope"], "unknown option '--nope' for 'status'"),
        (["status", "--db"], "--db needs a value (PATH)"),
        (["status", "--json=yes"], "--json takes no value"),
        (["queue", "pause"], "missing QUEUE"),
        (["queue", "pause", "a", "b"], "unexpected argument 'b'"),
        (["queue"], "'queue' needs a subcommand: pause, resume"),
        (["queue", "drain"], "'queue' has no subcommand 'drain'; it has: pause, resume"),
        (["launch"], "unknown command 'launch'"),
        ([], "no command given"),
    ])
    func misuseIsAUsageError(arguments: [String], message: String) {
        #expect(throws: UsageError.self) { try parser.parse(arguments) }
        do {
            _ = try parser.parse(arguments)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func helpAnywhere() throws {
        guard case .help(let command) = try parser.parse(["queue", "pause", "--help"]) else {
            Issue.record("expected help")
            return
        }
        #expect(command?.name == "queue pause")
        guard case .help(nil) = try parser.parse(["--help"]) else {
            Issue.record("expected the overview")
            return
        }
        let text = parser.help(for: Self.commands[2])
        #expect(text.contains("--db PATH"))
        #expect(text.contains("(default: ./herald.db)"))
    }
}

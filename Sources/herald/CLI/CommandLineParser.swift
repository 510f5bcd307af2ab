/// A hand-written, table-driven command-line parser (Herald takes no
/// packages). Commands are rows of `CommandSpec`; options are rows of
/// `OptionSpec`; parsing is one pass over the arguments.

/// One `--name` option of a command.
struct OptionSpec: Sendable {
    let name: String
    /// The placeholder shown in help; nil for a flag that takes no value.
    let valueName: String?
    let help: String
    /// Shown in help; the command applies it when the option is absent.
    let defaultValue: String?
    /// Whether the option may be given more than once (`--var a=1 --var b=2`);
    /// read with `Invocation.values(_:)`.
    var repeatable = false

    static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, help: help, defaultValue: nil)
    }

    static func value(_ name: String, _ valueName: String, _ help: String, default defaultValue: String? = nil)
        -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help, defaultValue: defaultValue)
    }

    /// An option that takes a value and may be repeated.
    static func values(_ name: String, _ valueName: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help, defaultValue: nil, repeatable: true)
    }
}

/// One positional argument of a command.
struct PositionalSpec: Sendable {
    let name: String
    let help: String
    var optional = false
}

/// One (sub)command: its words, help, options, and what it runs.
struct CommandSpec: Sendable {
    /// The words that select it, e.g. ["queue", "pause"].
    let path: [String]
    let summary: String
    /// Extra paragraphs for `--help`.
    var discussion: String = ""
    var positionals: [PositionalSpec] = []
    var options: [OptionSpec] = []
    let run: @Sendable (Invocation) throws -> ExitCode

    var name: String { path.joined(separator: " ") }
}

/// Options every command takes.
let globalOptions: [OptionSpec] = [
    .value("--log-level", "LEVEL", "trace, debug, info, notice, warning, error or critical", default: "info"),
    .flag("--help", "show help for the command"),
]

/// What the parser made of the arguments for one command.
struct Invocation: Sendable {
    let command: CommandSpec
    private(set) var values: [String: String] = [:]
    /// Every value of each repeatable option, in command-line order.
    private(set) var repeatedValues: [String: [String]] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []

    init(command: CommandSpec) { self.command = command }

    func value(_ name: String) -> String? {
        values[name] ?? command.options.first { $0.name == name }?.defaultValue
    }

    /// Every value given for a repeatable option, in order.
    func values(_ name: String) -> [String] { repeatedValues[name] ?? [] }

    func flag(_ name: String) -> Bool { flags.contains(name) }

    func positional(_ index: Int) -> String? {
        positionals.indices.contains(index) ? positionals[index] : nil
    }

    /// The value of an option parsed as an integer, with a usage error naming the option.
    func integer(_ name: String) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text) else {
            throw UsageError(message: "\(name) expects a whole number, got '\(text)'", command: command)
        }
        return number
    }

    fileprivate mutating func set(_ option: OptionSpec, _ value: String?) {
        guard let value else { flags.insert(option.name); return }
        values[option.name] = value
        if option.repeatable { repeatedValues[option.name, default: []].append(value) }
    }

    fileprivate mutating func append(_ positional: String) { positionals.append(positional) }
}

/// A misuse of the command line: printed with the command's usage, exit 64.
struct UsageError: Error, Equatable {
    let message: String
    /// The command whose usage to show; nil for the top-level overview.
    let commandName: String?

    init(message: String, command: CommandSpec?) {
        self.message = message
        self.commandName = command?.name
    }
}

/// What a parse produced.
enum ParseResult {
    case run(Invocation)
    /// `--help` (or `help COMMAND`): print this command's help, or the overview for nil.
    case help(CommandSpec?)
    /// `GROUP --help` (`herald bench --help`): the group's subcommands.
    case groupHelp(String)
}

struct CommandLineParser {
    let commands: [CommandSpec]

    /// Parses `arguments` (without the program name).
    func parse(_ arguments: [String]) throws(UsageError) -> ParseResult {
        if arguments.isEmpty {
            throw UsageError(message: "no command given", command: nil)
        }
        if arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] { return .help(nil) }
        if arguments.first == "help" {
            let words = Array(arguments.dropFirst())
            guard let command = longestMatch(words)?.command else {
                throw UsageError(message: "no command '\(words.joined(separator: " "))'", command: nil)
            }
            return .help(command)
        }
        guard let (command, consumed) = longestMatch(arguments) else {
            let word = arguments[0]
            if word.hasPrefix("-") {
                throw UsageError(message: "unknown option '\(word)' before a command", command: nil)
            }
            let group = commands.filter { $0.path.first == word }
            if !group.isEmpty, arguments.dropFirst().first.map({ ["--help", "-h", "help"].contains($0) }) == true {
                return .groupHelp(word)
            }
            if !group.isEmpty, let next = arguments.dropFirst().first {
                throw UsageError(message: "'\(word)' has no subcommand '\(next)'; it has: "
                                     + group.map { $0.path.dropFirst().joined(separator: " ") }.joined(separator: ", "),
                                 command: nil)
            }
            if !group.isEmpty {
                throw UsageError(message: "'\(word)' needs a subcommand: "
                                     + group.map { $0.path.dropFirst().joined(separator: " ") }.joined(separator: ", "),
                                 command: nil)
            }
            throw UsageError(message: "unknown command '\(word)'", command: nil)
        }
        var invocation = Invocation(command: command)
        let options = command.options + globalOptions
        var rest = arguments[consumed...]
        var onlyPositionals = false
        while let argument = rest.popFirst() {
            if onlyPositionals || !argument.hasPrefix("-") || argument == "-" {
                invocation.append(argument)
                continue
            }
            if argument == "--" { onlyPositionals = true; continue }
            if argument == "-h" || argument == "--help" { return .help(command) }
            let (name, inlineValue) = Self.split(argument)
            guard let option = options.first(where: { $0.name == name }) else {
                throw UsageError(message: "unknown option '\(name)' for '\(command.name)'", command: command)
            }
            if option.valueName == nil {
                if inlineValue != nil {
                    throw UsageError(message: "\(name) takes no value", command: command)
                }
                invocation.set(option, nil)
            } else if let inlineValue {
                invocation.set(option, inlineValue)
            } else if let next = rest.popFirst() {
                invocation.set(option, next)
            } else {
                throw UsageError(message: "\(name) needs a value (\(option.valueName ?? "VALUE"))", command: command)
            }
        }
        let required = command.positionals.filter { !$0.optional }.count
        if invocation.positionals.count < required {
            let missing = command.positionals[invocation.positionals.count]
            throw UsageError(message: "missing \(missing.name)", command: command)
        }
        if invocation.positionals.count > command.positionals.count {
            let extra = invocation.positionals[command.positionals.count]
            throw UsageError(message: "unexpected argument '\(extra)'", command: command)
        }
        return .run(invocation)
    }

    private func longestMatch(_ arguments: [String]) -> (command: CommandSpec, consumed: Int)? {
        commands
            .filter { arguments.starts(with: $0.path) }
            .max { $0.path.count < $1.path.count }
            .map { ($0, $0.path.count) }
    }

    private static func split(_ argument: String) -> (String, String?) {
        guard let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }

    // MARK: Help

    func overview(program: String = "herald") -> String {
        var lines = [
            "Herald: notices, activity invitations and smart calls for neighbourhood committees.",
            "",
            "Usage: \(program) COMMAND [OPTIONS]",
            "",
            "Commands:",
        ]
        let width = commands.map(\.name.count).max() ?? 0
        for command in commands {
            lines.append("  " + command.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + command.summary)
        }
        lines += ["", "Run '\(program) COMMAND --help' for a command's options."]
        return lines.joined(separator: "\n")
    }

    /// A group's subcommands with their summaries (`herald bench --help`).
    func help(forGroup group: String, program: String = "herald") -> String {
        let members = commands.filter { $0.path.first == group }
        let width = members.map(\.name.count).max() ?? 0
        return (["Usage: \(program) \(group) SUBCOMMAND [OPTIONS]", "", "Subcommands:"]
            + members.map { "  " + $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary }
            + ["", "Run '\(program) \(group) SUBCOMMAND --help' for its options."]).joined(separator: "\n")
    }

    func help(for command: CommandSpec, program: String = "herald") -> String {
        var usage = "Usage: \(program) \(command.name)"
        if !command.options.isEmpty { usage += " [OPTIONS]" }
        for positional in command.positionals {
            usage += positional.optional ? " [\(positional.name)]" : " \(positional.name)"
        }
        var lines = [command.summary, "", usage]
        if !command.discussion.isEmpty { lines += ["", command.discussion] }
        if !command.positionals.isEmpty {
            lines += ["", "Arguments:"]
            for positional in command.positionals { lines.append("  \(positional.name)  \(positional.help)") }
        }
        lines += ["", "Options:"]
        let options = command.options + globalOptions
        let labels = options.map { option in option.name + (option.valueName.map { " " + $0 } ?? "") }
        let width = labels.map(\.count).max() ?? 0
        for (option, label) in zip(options, labels) {
            var line = "  " + label.padding(toLength: width + 2, withPad: " ", startingAt: 0) + option.help
            if let defaultValue = option.defaultValue { line += " (default: \(defaultValue))" }
            if option.repeatable { line += " (repeatable)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}

import Foundation
import HeraldCore

/// The `herald` command table and the one place that turns errors into exit codes.
enum HeraldCommandLine {
    static let commands: [CommandSpec] = [
        VersionCommand.spec,
        MigrateCommand.spec,
        StatusCommand.spec,
        ServeCommand.spec,
        DemoCommand.spec,
        BenchCommand.queueSpec,
        BenchCommand.httpSpec,
        BenchCommand.fanoutSpec,
        GatewaySimCommand.spec,
        TemplatesCommand.lintSpec,
        TemplatesCommand.previewSpec,
        TokensCommand.createSpec,
        TokensCommand.listSpec,
        TokensCommand.revokeSpec,
        BroadcastCommand.createSpec,
        BroadcastCommand.showSpec,
        BroadcastCommand.listSpec,
        BroadcastCommand.cancelSpec,
        ActivityCommand.createSpec,
        ActivityCommand.showSpec,
        ActivityCommand.listSpec,
        ResidentsCommand.importSpec,
        ResidentsCommand.listSpec,
        DeadCommand.listSpec,
        DeadCommand.showSpec,
        DeadCommand.retrySpec,
        DeadCommand.purgeSpec,
        QueueCommand.pauseSpec,
        QueueCommand.resumeSpec,
        QueueCommand.listSpec,
        BackupCommand.spec,
    ]

    static let parser = CommandLineParser(commands: commands)

    /// Parses and runs one command line; returns the process exit code.
    static func run(_ arguments: [String]) -> ExitCode {
        let result: ParseResult
        do {
            result = try parser.parse(arguments)
        } catch {
            // One line: what is wrong, and where the usage is.
            printError("herald: \(error.message) (see 'herald \(error.commandName.map { $0 + " " } ?? "")--help')")
            return .usage
        }
        switch result {
        case .help(let command):
            print(command.map { parser.help(for: $0) } ?? parser.overview())
            return .ok
        case .groupHelp(let group):
            print(parser.help(forGroup: group))
            return .ok
        case .run(let invocation):
            if let levelName = invocation.value("--log-level") {
                guard let level = LogLevel(name: levelName) else {
                    printError("herald: --log-level must be one of "
                               + LogLevel.allCases.map(\.name).joined(separator: ", ") + "; got '\(levelName)'")
                    return .usage
                }
                LoggingSystem.shared.minimumLevel = level
            }
            do {
                return try invocation.command.run(invocation)
            } catch let error as CommandFailure {
                printError("herald \(invocation.command.name): \(error.message)")
                return error.code
            } catch let error as UsageError {
                printError("herald \(invocation.command.name): \(error.message) (see 'herald \(invocation.command.name) --help')")
                return .usage
            } catch {
                printError("herald \(invocation.command.name): \(error)")
                return .software
            }
        }
    }
}

/// Writes one line to stderr.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Process exit codes, following sysexits(3).
enum ExitCode: Int32 {
    case ok = 0
    /// The command was used incorrectly: unknown command or flag, bad value.
    case usage = 64
    /// The input data was wrong (a bad CSV row, a corrupt database).
    case dataError = 65
    /// An input file (or database) did not exist or was not readable.
    case noInput = 66
    /// A service (gateway, server) is unavailable.
    case unavailable = 69
    /// An internal error: a bug.
    case software = 70
    /// Could not create an output file.
    case cannotCreate = 73
    /// A temporary failure: try again.
    case temporaryFailure = 75
    /// Permission denied.
    case noPermission = 77
    /// A configuration error.
    case config = 78
}

/// An error the CLI reports as one line on stderr and an exit code.
struct CommandFailure: Error, CustomStringConvertible {
    let code: ExitCode
    let message: String

    init(_ code: ExitCode, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { message }
}

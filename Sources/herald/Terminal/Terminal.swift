import Foundation

/// One of the process's output streams, and what it is connected to: a
/// terminal (where a line or a screen can be redrawn in place) or a pipe or
/// file (where only plain lines make sense to a log or a script).
enum Terminal: Sendable {
    case standardOutput
    case standardError

    var fileDescriptor: Int32 {
        switch self {
        case .standardOutput: STDOUT_FILENO
        case .standardError: STDERR_FILENO
        }
    }

    /// Whether the stream is a terminal (`isatty(3)`).
    var isTerminal: Bool { isatty(fileDescriptor) == 1 }

    /// The terminal's width in columns (`TIOCGWINSZ`), else `$COLUMNS`, else nil.
    var columns: Int? {
        if let size = windowSize, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
    }

    /// The terminal's height in lines (`TIOCGWINSZ`), else `$LINES`, else nil.
    var rows: Int? {
        if let size = windowSize, size.ws_row > 0 { return Int(size.ws_row) }
        return ProcessInfo.processInfo.environment["LINES"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
    }

    private var windowSize: winsize? {
        var size = winsize()
        guard isTerminal, ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0 else { return nil }
        return size
    }

    /// Writes `text` as it is (no newline added), unbuffered, so it interleaves
    /// correctly with anything else written to the same file descriptor.
    func write(_ text: String) {
        let handle = self == .standardOutput ? FileHandle.standardOutput : FileHandle.standardError
        handle.write(Data(text.utf8))
    }

    /// Whether the locale says the terminal shows UTF-8: the first of
    /// `LC_ALL`, `LC_CTYPE`, `LANG` that is set names UTF-8. When it does not,
    /// bars and separators fall back to ASCII.
    static var speaksUTF8: Bool {
        speaksUTF8(environment: ProcessInfo.processInfo.environment)
    }

    static func speaksUTF8(environment: [String: String]) -> Bool {
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            let lowered = value.lowercased()
            return lowered.contains("utf-8") || lowered.contains("utf8")
        }
        return false
    }

    /// ANSI control sequences for redrawing in place.
    enum Control {
        /// Back to the start of the line and clear it.
        static let clearLine = "\r\u{1B}[2K"
        /// Cursor to the top left corner.
        static let home = "\u{1B}[H"
        /// Clear from the cursor to the end of the line.
        static let clearToEndOfLine = "\u{1B}[K"
        /// Clear from the cursor to the end of the screen.
        static let clearToEndOfScreen = "\u{1B}[J"
        /// Clear the whole screen and go to the top left corner.
        static let clearScreen = "\u{1B}[H\u{1B}[2J"
    }
}

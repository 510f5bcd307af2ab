import CSystem
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A program started with `posix_spawn`, for the CLI (espeak-ng) and the
/// tests (the `herald` binary, promtool, nginx, Kannel).
///
/// Why not Foundation's `Process`: on Linux, Swift 6.3.1's `Process.run()`
/// over-reads `struct dirent` while it lists `/proc/self/fd`
/// (swift-corelibs-foundation PR #5472) and crashes now and then with a bad
/// pointer dereference in memcpy; it killed a CI run of the whole test
/// suite. This type spawns directly and is careful where `Process` is not:
///
/// - the child starts with an empty signal mask and default dispositions,
///   whatever thread starts it (a Dispatch worker has most signals blocked,
///   and a daemon that inherits that cannot be stopped with SIGTERM);
/// - the child closes every descriptor above stderr before exec
///   (`posix_spawn_file_actions_addclosefrom_np`), and the pipes made here
///   are close-on-exec from birth, so a program another thread starts never
///   holds this one's pipe open;
/// - input bytes go through an unlinked temporary file, never a pipe, so
///   a child that stops reading cannot block or SIGPIPE this process.
///
/// `@unchecked Sendable`: the descriptors and the read buffer are used by
/// one caller at a time (the test or command that owns the child); the
/// termination is guarded by `lock`.
public final class ChildProcess: @unchecked Sendable {
    /// What the child reads on stdin.
    public enum Input: Sendable {
        case null
        case bytes([UInt8])
        case file(String)
    }

    /// Where the child's stdout or stderr goes.
    public enum Output: Sendable {
        case null
        /// A pipe this side reads (`readLine`, `readChunk`, `collect`).
        case pipe
        /// This process's own descriptor.
        case inherit
        case file(String, append: Bool)
        /// stderr only: wherever stdout goes.
        case sameAsOutput
    }

    /// How the child ended.
    public enum Termination: Equatable, Sendable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        /// The exit code, or 128 + the signal, as a shell reports it.
        public var code: Int32 {
            switch self {
            case .exited(let code): code
            case .signalled(let signal): 128 + signal
            }
        }

        public var description: String {
            switch self {
            case .exited(let code): "exit \(code)"
            case .signalled(let signal): "signal \(signal)"
            }
        }
    }

    /// What `run` returns.
    public struct Finished: Sendable {
        public let termination: Termination
        public let output: [UInt8]
        public let errors: [UInt8]

        public var status: Int32 { termination.code }
        public var outputText: String { String(decoding: output, as: UTF8.self) }
        public var errorText: String { String(decoding: errors, as: UTF8.self) }
    }

    public let pid: pid_t
    public let executable: String
    /// Read ends of the stdout and stderr pipes; -1 when not `.pipe` or closed.
    private var outputDescriptor: Int32
    private var errorDescriptor: Int32
    private var buffered: [UInt8] = []
    private let lock = NSLock()
    private var ended: Termination?

    /// Starts `executable` (a path; no PATH search).
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment; nil: this process's.
    ///   - directory: the child's working directory; nil: this process's.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                directory: String? = nil, input: Input = .null, output: Output = .pipe,
                errors: Output = .pipe) throws(ChildProcessError) {
        if case .sameAsOutput = output {
            throw ChildProcessError(executable: executable, reason: "stdout cannot be .sameAsOutput")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Descriptors this side closes once the child has its copies.
        var parentCloses: [Int32] = []
        var readEnds: [Int32] = []
        defer { parentCloses.forEach { _ = close($0) } }
        func fail(_ reason: String) -> ChildProcessError {
            readEnds.forEach { _ = close($0) }
            return ChildProcessError(executable: executable, reason: reason)
        }

        switch input {
        case .null:
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, 0, path, O_RDONLY, 0)
        case .bytes(let bytes):
            guard let descriptor = ChildProcess.unlinkedFile(holding: bytes) else {
                throw fail("cannot write its input to a temporary file: \(ChildProcess.errnoText())")
            }
            parentCloses.append(descriptor)
            posix_spawn_file_actions_adddup2(&actions, descriptor, 0)
        }

        var pipeReads: [Int32: Int32] = [:]
        for (target, destination) in [(Int32(1), output), (Int32(2), errors)] {
            switch destination {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            case .inherit:
                break
            case .file(let path, let append):
                posix_spawn_file_actions_addopen(&actions, target, path,
                                                 O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0o600)
            case .sameAsOutput:
                posix_spawn_file_actions_adddup2(&actions, 1, 2)
            case .pipe:
                var ends: [Int32] = [-1, -1]
                guard csystem_pipe_cloexec(&ends) == 0 else {
                    throw fail("cannot make a pipe: \(ChildProcess.errnoText())")
                }
                readEnds.append(ends[0])
                parentCloses.append(ends[1])
                pipeReads[target] = ends[0]
                posix_spawn_file_actions_adddup2(&actions, ends[1], target)
            }
        }
        csystem_spawn_close_from(&actions, 3)
        if let directory {
            guard csystem_spawn_chdir(&actions, directory) == 0 else {
                throw fail("cannot set its working directory \(directory)")
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        #if canImport(Darwin)
        flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #endif
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let environmentLines = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            argv.forEach { free($0) }
            environmentLines?.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned: Int32
        if let environmentLines {
            spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environmentLines)
        } else {
            spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        }
        guard spawned == 0 else {
            throw fail(String(cString: strerror(spawned)))
        }
        self.pid = pid
        self.executable = executable
        self.outputDescriptor = pipeReads[1] ?? -1
        self.errorDescriptor = pipeReads[2] ?? -1
    }

    deinit {
        if outputDescriptor >= 0 { close(outputDescriptor) }
        if errorDescriptor >= 0 { close(errorDescriptor) }
    }

    /// Runs `executable` to the end and returns what it wrote (both pipes
    /// drained together, so a chatty child never blocks on a full one).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           directory: String? = nil, input: Input = .null,
                           mergeErrors: Bool = false) throws(ChildProcessError) -> Finished {
        let child = try ChildProcess(executable, arguments, environment: environment, directory: directory,
                                     input: input, output: .pipe, errors: mergeErrors ? .sameAsOutput : .pipe)
        let (output, errors) = child.collect()
        return Finished(termination: child.wait(), output: output, errors: errors)
    }

    // MARK: Reading

    /// Reads stdout and stderr (those that are pipes) to their ends.
    public func collect() -> (output: [UInt8], errors: [UInt8]) {
        var output = buffered
        buffered = []
        var errors: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while outputDescriptor >= 0 || errorDescriptor >= 0 {
            var watched = [outputDescriptor, errorDescriptor].filter { $0 >= 0 }
                .map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&watched, nfds_t(watched.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for entry in watched where entry.revents != 0 {
                let count = read(entry.fd, &chunk, chunk.count)
                if count < 0 && errno == EINTR { continue }
                if count > 0 {
                    if entry.fd == outputDescriptor {
                        output += chunk[..<count]
                    } else {
                        errors += chunk[..<count]
                    }
                } else {
                    close(entry.fd)
                    if entry.fd == outputDescriptor { outputDescriptor = -1 } else { errorDescriptor = -1 }
                }
            }
        }
        return (output, errors)
    }

    /// The next piece of stdout as it arrives (blocking); nil at its end.
    public func readChunk() -> [UInt8]? {
        if !buffered.isEmpty {
            defer { buffered = [] }
            return buffered
        }
        guard outputDescriptor >= 0 else { return nil }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(outputDescriptor, &chunk, chunk.count)
            if count > 0 { return Array(chunk[..<count]) }
            if count < 0 && errno == EINTR { continue }
            close(outputDescriptor)
            outputDescriptor = -1
            return nil
        }
    }

    /// The next line of stdout without its newline (blocking); nil at the
    /// end. A last line without a newline is returned too.
    public func readLine() -> String? {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            guard outputDescriptor >= 0 else {
                guard !buffered.isEmpty else { return nil }
                defer { buffered = [] }
                return String(decoding: buffered, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(outputDescriptor, &chunk, chunk.count)
            if count > 0 {
                buffered += chunk[..<count]
            } else if !(count < 0 && errno == EINTR) {
                close(outputDescriptor)
                outputDescriptor = -1
            }
        }
    }

    // MARK: Signals and exit

    /// Sends `signal` unless the child has already been waited for.
    public func send(_ signal: Int32) {
        lock.lock()
        defer { lock.unlock() }
        guard ended == nil else { return }
        kill(pid, signal)
    }

    /// Waits for the child to end (once; later calls return the same).
    ///
    /// The wait itself leaves the child unreaped (`WNOWAIT`) and holds no
    /// lock, so `send` from another thread meanwhile is neither blocked nor
    /// able to reach a recycled pid; the reaping is `exited()`'s.
    @discardableResult
    public func wait() -> Termination {
        var info = siginfo_t()
        while true {
            if let ended = exited() { return ended }
            if waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno != EINTR {
                // Not our child any more (reaped elsewhere): nothing to wait for.
                lock.lock()
                defer { lock.unlock() }
                let unknown = ended ?? .exited(-1)
                ended = unknown
                return unknown
            }
        }
    }

    /// How the child ended, or nil while it runs (never blocks).
    public func exited() -> Termination? {
        lock.lock()
        defer { lock.unlock() }
        if let ended { return ended }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        let termination = ChildProcess.termination(status)
        ended = termination
        return termination
    }

    private static func termination(_ status: Int32) -> Termination {
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    /// A temporary file holding `bytes`, already unlinked, positioned at 0.
    private static func unlinkedFile(holding bytes: [UInt8]) -> Int32? {
        var template = Array((NSTemporaryDirectory() + "/herald-input-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { csystem_temporary_file($0.baseAddress) }
        guard descriptor >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                close(descriptor)
                return nil
            }
            written += count
        }
        lseek(descriptor, 0, SEEK_SET)
        return descriptor
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// A program could not be started; says which and why.
public struct ChildProcessError: Error, CustomStringConvertible, Sendable {
    public let executable: String
    public let reason: String

    public var description: String { "cannot run \(executable): \(reason)" }
}

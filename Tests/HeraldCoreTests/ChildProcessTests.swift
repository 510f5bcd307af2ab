import Foundation
import HeraldCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ChildProcess: what the CLI and every test that starts a program rely on.
@Suite struct ChildProcessTests {
    @Test func runKeepsStdoutAndStderrApartAndReportsTheExitCode() throws {
        let finished = try ChildProcess.run("/bin/sh", ["-c", "echo 到了; echo oops >&2; exit 3"])
        #expect(finished.termination == .exited(3))
        #expect(finished.status == 3)
        #expect(finished.outputText == "到了\n")
        #expect(finished.errorText == "oops\n")
    }

    @Test func mergedErrorsFollowStdout() throws {
        let finished = try ChildProcess.run("/bin/sh", ["-c", "echo one; echo two >&2"], mergeErrors: true)
        #expect(finished.outputText == "one\ntwo\n")
        #expect(finished.errors.isEmpty)
    }

    @Test func inputBytesReachStdinAndOutputLargerThanAPipeIsDrained() throws {
        // 1 MB each way: more than a pipe buffer, on both stdout and stderr at once.
        let input = [UInt8](repeating: UInt8(ascii: "x"), count: 1_000_000)
        let finished = try ChildProcess.run("/bin/sh", ["-c", "tee /dev/stderr"], input: .bytes(input))
        #expect(finished.status == 0)
        #expect(finished.output == input)
        #expect(finished.errors == input)
    }

    @Test func environmentAndDirectoryAreTheChildsOwn() throws {
        let directory = FileManager.default.temporaryDirectory.resolvingSymlinksInPath().path
        let finished = try ChildProcess.run("/bin/sh", ["-c", "echo \"$GREETING\"; pwd"],
                                            environment: ["GREETING": "你好", "PATH": "/usr/bin:/bin"],
                                            directory: directory)
        #expect(finished.outputText == "你好\n\(directory)\n")
    }

    @Test func aMissingProgramOrFolderIsAnErrorThatNamesIt() {
        #expect(throws: ChildProcessError.self) { try ChildProcess.run("/nonexistent/herald-tool", []) }
        do {
            _ = try ChildProcess.run("/nonexistent/herald-tool", [])
        } catch {
            #expect(error.description.contains("/nonexistent/herald-tool"))
        }
        #expect(throws: ChildProcessError.self) {
            try ChildProcess.run("/bin/true", [], directory: "/nonexistent/folder")
        }
    }

    @Test func linesArriveAsWrittenAndASignalEndsTheChild() throws {
        let child = try ChildProcess("/bin/sh", ["-c", "echo ready; exec sleep 60"])
        #expect(child.readLine() == "ready")
        #expect(child.exited() == nil)
        child.send(SIGTERM)
        #expect(child.wait() == .signalled(SIGTERM))
        #expect(child.wait().code == 128 + SIGTERM)
        #expect(child.readLine() == nil)
    }

    @Test func aSignalFromAnotherThreadReachesAChildBeingWaitedFor() async throws {
        let child = try ChildProcess("/bin/sleep", ["60"], output: .null, errors: .null)
        let waiting = Task.detached { child.wait() }
        child.send(SIGTERM)
        #expect(await waiting.value == .signalled(SIGTERM))
        // Once reaped, a signal goes nowhere (never to a recycled pid).
        child.send(SIGKILL)
        #expect(child.exited() == .signalled(SIGTERM))
    }

    @Test func aLastLineWithoutANewlineIsALine() throws {
        let child = try ChildProcess("/bin/sh", ["-c", "printf 'one\\n\\ntwo'"])
        #expect(child.readLine() == "one")
        #expect(child.readLine() == "")
        #expect(child.readLine() == "two")
        #expect(child.readLine() == nil)
        #expect(child.wait() == .exited(0))
    }

    @Test func theChildInheritsNeitherStrayDescriptorsNorABlockedSignalMask() throws {
        // A descriptor without close-on-exec, as Foundation's Pipe makes them.
        let stray = open("/dev/null", O_RDONLY)
        #expect(stray > 2)
        defer { close(stray) }
        // A thread with SIGTERM blocked, as a Dispatch worker may have.
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let descriptors = Result { try ChildProcess.run("/usr/bin/test", ["-e", "/proc/self/fd/\(stray)"]) }
        let signals = Result { try ChildProcess.run("/bin/grep", ["SigBlk", "/proc/self/status"]) }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        #expect(try descriptors.get().termination == .exited(1), "the child has descriptor \(stray)")
        #expect(try signals.get().outputText == "SigBlk:\t0000000000000000\n")
    }
}

extension ChildProcessTests {
    /// Foundation's Process crashes now and then on Linux (see ChildProcess);
    /// nothing in the package may start a program with it again.
    @Test func nothingStartsProgramsWithFoundationsProcess() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        // `Process()` or `Process.run(`, not `ChildProcess.run(`.
        let foundationProcess = try NSRegularExpression(pattern: #"(?<![\w.])Process(\(\)|\.run\()"#)
        var offenders: [String] = []
        for folder in ["Sources", "Tests"] {
            let files = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path)
            while let file = files?.nextObject() as? String {
                guard file.hasSuffix(".swift") else { continue }
                let text = try String(contentsOf: root.appendingPathComponent(folder).appendingPathComponent(file),
                                      encoding: .utf8)
                let code = text.split(separator: "\n").filter {
                    !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//")
                }.joined(separator: "\n")
                if foundationProcess.firstMatch(in: code, range: NSRange(code.startIndex..., in: code)) != nil {
                    offenders.append("\(folder)/\(file)")
                }
            }
        }
        #expect(offenders.isEmpty, "use HeraldCore's ChildProcess: \(offenders)")
    }
}

import Foundation

/// Shows how far a long command (`residents import`, `bench`) has got.
///
/// On a terminal it redraws one line in place, at most ten times a second:
///
///     导入居民 [████████░░░░░░░░░░░░]  42%  4200/10000  12s, about 17s left
///
/// When standard error is a pipe or a file (CI, `2> log`), it prints a plain
/// line each time another `step` percent is done (`导入居民: 40% (4000/10000, 11s)`),
/// so a log gets at most 100 / step lines, and nothing at all for work that
/// ends within `quiet` seconds (a small import's errors stay one line).
/// `finish` ends with one summary line on a terminal, and on a pipe when
/// progress lines were printed. It writes to standard error, keeping standard output for the
/// command's result.
///
///     let progress = TerminalProgress(label: "导入居民", total: rows.count)
///     for (index, row) in rows.enumerated() {
///         try importRow(row)
///         progress.update(index + 1)
///     }
///     progress.finish("导入 9998 人，跳过 2 行")
///
/// Call `finish` on every path (a `defer` works); until then nothing else
/// should write to the same stream, or the redrawn line gets mixed up with it.
///
/// `@unchecked Sendable`: a lock serializes every call, so workers on several
/// threads may share one reporter (`advance()` from each).
final class TerminalProgress: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let step: Int
    private let redraws: Bool
    private let unicode: Bool
    private let columns: Int?
    private let quiet: TimeInterval
    private let clock: @Sendable () -> TimeInterval
    private let write: @Sendable (String) -> Void

    private let lock = NSLock()
    private let started: TimeInterval
    private var done = 0
    private var lastDraw: TimeInterval?
    private var lastStepPrinted = 0
    private var finished = false

    /// A reporter for `total` units of work called `label`, writing to
    /// `terminal` (standard error by default). On a pipe or file it prints a
    /// line every `step` percent (1 to 100; 10 by default).
    convenience init(label: String, total: Int, to terminal: Terminal = .standardError, step: Int = 10) {
        self.init(label: label, total: total, step: step, redraws: terminal.isTerminal,
                  unicode: Terminal.speaksUTF8, columns: terminal.columns, quiet: 1,
                  clock: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
                  write: { terminal.write($0) })
    }

    /// For tests: what the terminal is, the clock and where text goes are given.
    init(label: String, total: Int, step: Int, redraws: Bool, unicode: Bool, columns: Int?, quiet: TimeInterval = 0,
         clock: @escaping @Sendable () -> TimeInterval, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.total = max(0, total)
        self.step = min(100, max(1, step))
        self.redraws = redraws
        self.unicode = unicode
        self.columns = columns
        self.quiet = quiet
        self.clock = clock
        self.write = write
        started = clock()
        if redraws { draw(now: started) }
    }

    /// Records that `done` units (of `total`) are finished so far.
    func update(_ done: Int) {
        lock.withLock { record(done) }
    }

    /// Records `count` more finished units.
    func advance(by count: Int = 1) {
        lock.withLock { record(done + count) }
    }

    /// Ends the report with one line, `label: summary`, and the time taken;
    /// without a summary, how many were done. Later calls do nothing.
    func finish(_ summary: String? = nil) {
        lock.withLock {
            guard !finished else { return }
            finished = true
            guard redraws || lastStepPrinted > 0 else { return }
            let elapsed = DurationText.short(clock() - started)
            let text = summary ?? "done, \(done)/\(total)"
            write((redraws ? Terminal.Control.clearLine : "") + "\(label): \(text) (\(elapsed))\n")
        }
    }

    // MARK: Drawing (called with the lock held)

    private func record(_ newDone: Int) {
        guard !finished else { return }
        done = max(0, newDone)
        let now = clock()
        if redraws {
            if let lastDraw, now - lastDraw < 0.1, done < total { return }
            draw(now: now)
        } else {
            let percent = percentDone
            let reached = percent / step * step
            guard reached > lastStepPrinted, now - started >= quiet else { return }
            lastStepPrinted = reached
            write("\(label): \(percent)% (\(done)/\(total), \(DurationText.short(now - started)))\n")
        }
    }

    private var percentDone: Int {
        total == 0 ? 100 : min(100, done * 100 / total)
    }

    private func draw(now: TimeInterval) {
        lastDraw = now
        let elapsed = now - started
        var tail = "  \(String(percentDone).padded(toWidth: 3, alignment: .right))%  \(done)/\(total)  "
            + DurationText.short(elapsed)
        if done > 0, done < total, elapsed >= 1 {
            let left = elapsed / Double(done) * Double(total - done)
            tail += ", about \(DurationText.short(left)) left"
        }
        let room = (columns ?? 80) - 1 - label.displayWidth - tail.displayWidth - 3
        let bar = ProgressBar(width: min(30, room), unicode: unicode)
        var line = label + tail
        if bar.width >= 5 {
            line = label + " [" + bar.rendered([.init(count: done, style: .full),
                                                .init(count: total - min(done, total), style: .light)],
                                               total: total) + "]" + tail
        }
        if let columns { line = line.truncated(toWidth: columns - 1) }
        write(Terminal.Control.clearLine + line)
    }
}

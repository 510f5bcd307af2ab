import Foundation
import Testing
@testable import herald

/// Terminal columns: widths, padding and truncation, and the tables, bars
/// and progress lines built on them.
@Suite struct DisplayWidthTests {
    // MARK: Widths

    @Test func asciiIsOneColumnEach() {
        #expect("".displayWidth == 0)
        #expect("herald status".displayWidth == 13)
        #expect("sms-5/s".displayWidth == 7)
    }

    @Test func chineseCharactersAreTwoColumnsEach() {
        #expect("居委会".displayWidth == 6)
        #expect("阳光社区居委会".displayWidth == 14)
        #expect("重阳节敬老午餐".displayWidth == 14)
    }

    @Test func mixedTextAddsUp() {
        #expect("3号楼 停水".displayWidth == 10)  // 3 + 号楼 + space + 停水
        #expect("sms 短信".displayWidth == 8)
    }

    @Test func cjkPunctuationAndFullwidthFormsAreWide() {
        #expect("、。「」".displayWidth == 8)
        #expect("，！？".displayWidth == 6)
        #expect("１２３".displayWidth == 6)  // fullwidth digits
        #expect("ＡＢＣ".displayWidth == 6)
        #expect("\u{3000}".displayWidth == 2)  // ideographic space
        #expect("한글".displayWidth == 4)
        #expect("カタカナ".displayWidth == 8)
    }

    @Test func emojiAreTwoColumns() {
        #expect("📢".displayWidth == 2)
        #expect("✅".displayWidth == 2)
        #expect("👨‍👩‍👧".displayWidth == 2)  // one ZWJ sequence
        #expect("🇨🇳".displayWidth == 2)  // a flag: two regional indicators
        #expect("❤️".displayWidth == 2)  // text heart + VS16
        #expect("通知📢".displayWidth == 6)
    }

    @Test func combiningMarksAndJoinersTakeNoColumns() {
        #expect("e\u{301}".displayWidth == 1)  // é as e + combining acute
        #expect("\u{200D}".displayWidth == 0)  // zero-width joiner alone
        #expect("\u{200B}".displayWidth == 0)  // zero-width space
        #expect("a\u{200D}b".displayWidth == 2)
        #expect("\u{1100}\u{1161}".displayWidth == 2)  // Hangul syllable from jamo
        #expect("\u{7}".displayWidth == 0)  // BEL
    }

    @Test func ambiguousBlockAndBoxCharactersCountOne() {
        #expect("█▓▒░╳".displayWidth == 5)
        #expect("…".displayWidth == 1)
    }

    // MARK: Padding and truncation

    @Test func paddingCountsColumnsNotCharacters() {
        #expect("居委会".padded(toWidth: 8) == "居委会  ")
        #expect("居委会".padded(toWidth: 8, alignment: .right) == "  居委会")
        #expect("ab".padded(toWidth: 4, alignment: .right) == "  ab")
        #expect("居委会".padded(toWidth: 6) == "居委会")
    }

    @Test func truncationEndsWithAnEllipsisAndNeverSplitsAWideCharacter() {
        #expect("阳光社区居委会".truncated(toWidth: 14) == "阳光社区居委会")
        #expect("阳光社区居委会".truncated(toWidth: 7) == "阳光社…")  // 6 + 1
        // 6 columns: "阳光" (4) + "…" (1); a third character would need 2 more.
        #expect("阳光社区居委会".truncated(toWidth: 6) == "阳光…")
        #expect("阳光社区居委会".truncated(toWidth: 6).displayWidth == 5)
        #expect("阳光社区居委会".padded(toWidth: 6) == "阳光… ")
        #expect("abcdef".truncated(toWidth: 4) == "abc…")
        #expect("a居".truncated(toWidth: 2) == "a…")
        #expect("居委会".truncated(toWidth: 1) == "…")
        #expect("居委会".truncated(toWidth: 0) == "")
        let title = "重阳节🎉敬老午餐e\u{301}"
        for width in 0...title.displayWidth {
            let cut = title.truncated(toWidth: width)
            #expect(cut.displayWidth <= width && cut.displayWidth >= width - 1, "width \(width): \(cut)")
            #expect(title.hasPrefix(cut.hasSuffix("…") ? String(cut.dropLast()) : cut), "width \(width): \(cut)")
        }
    }

    // MARK: Tables

    @Test func tableColumnsStayAlignedWithChineseText() {
        var table = TextTable([
            .init("title", maxWidth: 12), .init("committee"), .init("signed up", .right), .init("places"),
        ])
        table.append(["重阳节敬老午餐", "阳光社区居委会", "38/40", "2 left"])
        table.append(["Tai chi", "Sunny", "5/20", "15 left"])
        table.append(["垃圾分类，讲座「第二期」", "ＡＢＣ居委会", "100/100", "full"])
        table.append(["📢 通知", "x", "0/1", "1 left"])
        let lines = table.rendered()
        #expect(lines.count == 5)
        let widths = Set(lines.map(\.displayWidth))
        #expect(widths.count == 1, "\(lines)")
        // Right-aligned numbers end in the same terminal column as their title.
        let numbers = ["signed up", "38/40", "5/20", "100/100", "0/1"]
        let ends = zip(lines, numbers).map { line, number in
            line.range(of: number).map { line[..<$0.upperBound].displayWidth } ?? -1
        }
        #expect(Set(ends).count == 1, "\(ends)")
        // Left-aligned places start in the same column too.
        let starts = zip(lines, ["places", "2 left", "15 left", "full", "1 left"]).map { line, cell in
            line.range(of: cell).map { line[..<$0.lowerBound].displayWidth } ?? -1
        }
        #expect(Set(starts).count == 1, "\(starts)")
        // The long title was truncated to 12 columns.
        #expect(lines[3].hasPrefix("垃圾分类，…"))
    }

    @Test func tableCellsEndTogetherWhenRightAligned() {
        var table = TextTable([.init("名称"), .init("数量", .right)])
        table.append(["短", "1"])
        table.append(["很长的名字", "12345"])
        let lines = table.rendered()
        let spaces = { (count: Int) in String(repeating: " ", count: count) }
        #expect(lines == ["名称" + spaces(9) + "数量", "短" + spaces(14) + "1", "很长的名字  12345"])
    }

    @Test func tableReplacesNewlinesAndPadsMissingCells() {
        var table = TextTable([.init("a"), .init("b")])
        table.showsHeader = false
        table.append(["x\ny"])
        #expect(table.rendered() == ["x y  "])
    }

    // MARK: Bars

    @Test func barCellsAddUpAndShowEverySegment() {
        #expect(ProgressBar.cells(for: [5, 5], total: 10, width: 10) == [5, 5])
        #expect(ProgressBar.cells(for: [1, 9_999], total: 10_000, width: 20) == [1, 19])
        #expect(ProgressBar.cells(for: [1, 1, 1], total: 3, width: 10).reduce(0, +) == 10)
        #expect(ProgressBar.cells(for: [0, 0], total: 0, width: 10) == [0, 0])
        // Not finished never looks finished; anything started shows.
        #expect(ProgressBar.cells(for: [999], total: 1000, width: 20) == [19])
        #expect(ProgressBar.cells(for: [1], total: 1000, width: 20) == [1])
        for counts in [[3, 0, 7, 1], [100, 1, 1, 1, 1, 1], [0, 0, 5], [17, 4, 9]] {
            let total = counts.reduce(0, +)
            let cells = ProgressBar.cells(for: counts, total: total, width: 20)
            #expect(cells.reduce(0, +) == 20, "\(counts)")
            for (count, cell) in zip(counts, cells) { #expect((count > 0) == (cell > 0), "\(counts) → \(cells)") }
        }
    }

    @Test func barDrawsSegmentsWithTheirCharacters() {
        let segments: [ProgressBar.Segment] = [.init(count: 2, style: .full), .init(count: 1, style: .cross),
                                               .init(count: 1, style: .light)]
        #expect(ProgressBar(width: 8, unicode: true).rendered(segments, total: 4) == "████╳╳░░")
        #expect(ProgressBar(width: 8, unicode: false).rendered(segments, total: 4) == "####xx..")
        #expect(ProgressBar(width: 4, unicode: true).rendered([.init(count: 1, style: .full)], total: 2) == "██  ")
    }

    @Test func utf8IsTakenFromTheLocale() {
        #expect(Terminal.speaksUTF8(environment: ["LANG": "zh_CN.UTF-8"]))
        #expect(Terminal.speaksUTF8(environment: ["LC_ALL": "en_US.utf8", "LANG": "C"]))
        #expect(!Terminal.speaksUTF8(environment: ["LC_ALL": "C", "LANG": "zh_CN.UTF-8"]))
        #expect(!Terminal.speaksUTF8(environment: [:]))
    }

    // MARK: Progress of long commands

    @Test func progressInAPipePrintsALineEveryStep() {
        let output = Collected()
        let clock = ManualClock()
        let progress = TerminalProgress(label: "导入居民", total: 200, step: 25, redraws: false, unicode: true,
                                        columns: nil, clock: { clock.now }, write: { output.append($0) })
        for done in 1...200 {
            clock.now += 0.125  // exact in binary: no rounding drift
            progress.update(done)
        }
        progress.finish("导入 198 人，跳过 2 行")
        progress.finish("twice")
        let lines = output.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines == ["导入居民: 25% (50/200, 6s)", "导入居民: 50% (100/200, 12s)", "导入居民: 75% (150/200, 18s)",
                          "导入居民: 100% (200/200, 25s)", "导入居民: 导入 198 人，跳过 2 行 (25s)", ""])
        #expect(!output.text.contains("\r"))
    }

    @Test func progressOnATerminalRedrawsOneLineAtMostTenTimesASecond() {
        let output = Collected()
        let clock = ManualClock()
        let progress = TerminalProgress(label: "bench", total: 1000, step: 10, redraws: true, unicode: false,
                                        columns: 80, clock: { clock.now }, write: { output.append($0) })
        for _ in 1...1000 {
            clock.now += 1.0 / 1024  // exact in binary; just under a second in all
            progress.advance()
        }
        progress.finish()
        let draws = output.text.components(separatedBy: Terminal.Control.clearLine).filter { !$0.isEmpty }
        // The first draw, about ten more in the second, the final 100%, and the summary.
        #expect(draws.count >= 10 && draws.count <= 14, "\(draws.count)")
        #expect(draws.dropLast().allSatisfy { !$0.contains("\n") && $0.displayWidth < 80 })
        #expect(draws[draws.count - 2].contains("[##############################]"))
        #expect(draws[draws.count - 2].contains("100%  1000/1000"))
        #expect(draws.last == "bench: done, 1000/1000 (0s)\n")
    }

    @Test func durationsReadAtAGlance() {
        #expect(DurationText.short(0.4) == "0s")
        #expect(DurationText.short(42) == "42s")
        #expect(DurationText.short(192) == "3m12s")
        #expect(DurationText.short(7500) == "2h05m")
        #expect(DurationText.short(3 * 86400 + 4 * 3600) == "3d04h")
    }
}

/// Text written by a progress reporter under test. `@unchecked Sendable`: a lock guards `text`.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var written = ""

    func append(_ text: String) { lock.withLock { written += text } }
    var text: String { lock.withLock { written } }
}

/// A clock the test moves by hand. `@unchecked Sendable`: a lock guards `now`.
private final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: TimeInterval = 1000

    var now: TimeInterval {
        get { lock.withLock { seconds } }
        set { lock.withLock { seconds = newValue } }
    }
}

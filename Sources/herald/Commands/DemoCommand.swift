import Foundation
import HeraldCore

enum DemoCommand {
    static let spec = CommandSpec(
        path: ["demo"],
        summary: "Run the whole story on loopback: 3,000 residents, one invitation, push → SMS → voice",
        discussion: """
            Starts the gateway simulator and Herald (dispatcher, API and callbacks) on
            loopback over a fresh database, creates 阳光新村居委会 and a generated
            neighbourhood (seeded: Chinese names, 30 buildings, a fifth elderly who
            prefer a call, some without the mini program), and publishes
            "楼道微整治 · 更换灭火器" with 400 places through the mini program, then
            SMS, then a call ("press 1 to sign up"). The simulated clock starts at
            09:30 on a past morning and skips idle minutes, so hours pass in
            seconds. Shows the live numbers, then a summary. The database stays
            for `herald status --db PATH`; an earlier demo's database is replaced,
            any other file is refused.
            """,
        options: [
            .value("--db", "PATH", "the demo's database", default: "demo.db"),
            .value("--templates", "DIR", "the templates folder", default: "./Templates"),
            .value("--residents", "N", "how many residents (1 to 100000)", default: "3000"),
            .value("--places", "N", "the activity's places", default: "400"),
            .value("--seed", "N", "seeds the neighbourhood and the residents' answers", default: "2026"),
        ],
        run: { invocation in
            let residents = try invocation.integer("--residents") ?? 3000
            let places = try invocation.integer("--places") ?? 400
            guard (1...100_000).contains(residents) else {
                throw CommandFailure(.usage, "--residents must be from 1 to 100000, got \(residents)")
            }
            guard places > 0 else { throw CommandFailure(.usage, "--places must be positive, got \(places)") }
            guard let seed = UInt64(invocation.value("--seed") ?? "2026") else {
                throw CommandFailure(.usage, "--seed must be a non-negative integer, got '\(invocation.value("--seed") ?? "")'")
            }
            let path = invocation.value("--db") ?? "demo.db"
            try DatabaseOption.requireDirectory(of: path)
            let templates = invocation.value("--templates") ?? "./Templates"
            guard FileManager.default.fileExists(atPath: templates) else {
                throw CommandFailure(.noInput, "no templates folder at \(templates): run the demo from Herald's folder "
                                     + "or pass --templates")
            }
            let run = DemoRun(options: DemoRun.Options(path: path, templates: templates, residents: residents,
                                                       places: places, seed: seed, live: isatty(STDOUT_FILENO) == 1))
            let summary = try run.run { line in print(line) }
            print(summary.rendered)
            print("\nThe database stays: herald status --db \(path)")
            return .ok
        })
}

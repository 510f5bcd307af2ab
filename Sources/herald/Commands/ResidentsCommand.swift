import Foundation
import HeraldCore
import HeraldServer
import HeraldStore

/// `herald residents import|list`: a committee's roster, on the local
/// database or through a running server's API.
enum ResidentsCommand {
    static let importSpec = CommandSpec(
        path: ["residents", "import"],
        summary: "Import a committee's residents from a CSV file, all or nothing",
        discussion: """
            The first line is the header: 姓名/name, 手机号/phone, openid, 楼栋/building, 单元/unit,
            房号/room, 标签/tags, 首选渠道/preferred_channel, 接受语音/voice_ok, 免打扰/quiet_hours,
            编号/external_id (see Templates/README.md and docs/ARCHITECTURE.md). The file is read
            in chunks and every row checked; residents already known (same phone or external
            id) are updated. Prints one line per issue (line, column, what to fix; never a
            cell's value) and the counts. Any row with an error, or a row that matches two
            stored residents, imports nothing: exit 65 with the report. A missing file exits 66.
            With --url the file is uploaded to the server's /v1/residents/import.
            """,
        positionals: [PositionalSpec(name: "FILE", help: "the roster, CSV in UTF-8")],
        options: [
            .value("--committee", "ID|SLUG", "the committee the residents belong to (with --url and a committee token: optional)"),
            .flag("--json", "print the report as the API's JSON"),
        ] + CommandTarget.options,
        run: { invocation in try importRoster(invocation) })

    static let listSpec = CommandSpec(
        path: ["residents", "list"],
        summary: "List a committee's residents (phone numbers masked)",
        discussion: "Phone numbers are always shown masked (138****0001), here and in --json.",
        options: [
            .value("--committee", "ID|SLUG", "the committee (with --url and a committee token: optional)"),
            .flag("--json", "print the API's JSON, for scripts"),
        ] + CommandTarget.options,
        run: { invocation in try list(invocation) })

    // MARK: import

    static func importRoster(_ invocation: Invocation) throws -> ExitCode {
        let file = invocation.positional(0) ?? ""
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw CommandFailure(.noInput, "cannot read \(file): no such file")
        }
        guard !isDirectory.boolValue, FileManager.default.isReadableFile(atPath: file) else {
            throw CommandFailure(.noInput, "cannot read \(file): " + (isDirectory.boolValue ? "it is a directory" : "permission denied"))
        }
        let committee = invocation.value("--committee")
        let report: RosterReport
        switch try CommandTarget.resolve(invocation) {
        case .remote(let api):
            report = try upload(file, committee: committee, api: api, invocation)
        case .local:
            guard let committee else {
                throw UsageError(message: "--committee is required: say whose residents these are",
                                 command: invocation.command)
            }
            report = try store(file, committee: committee, invocation)
        }
        print(invocation.flag("--json") ? try CommandJSON.text(report) : report.rendered)
        return .ok
    }

    /// Reads, checks and stores the file on the local database, in one transaction.
    private static func store(_ file: String, committee: String, _ invocation: Invocation) throws -> RosterReport {
        let jobs = try LocalDatabase.open(invocation)
        let owner = try LocalDatabase.run { try jobs.readers.read { db in try LocalDatabase.committee(committee, db: db) } }
        let result: RosterImportResult
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        let progress = TerminalProgress(label: "读取 \((file as NSString).lastPathComponent)", total: max(1, size))
        do {
            result = try RosterImport.csv(contentsOfFileAtPath: file) { progress.update($0) }
        } catch {
            progress.finish()
            throw CommandFailure(.noInput, error.message)
        }
        progress.finish("\(result.summary.rowsRead) rows read")
        guard result.summary.rowsRead > 0 || !result.errors.isEmpty else {
            throw CommandFailure(.dataError, "\(file) has a header but no resident rows; nothing was imported")
        }
        var report = RosterReport(result)
        guard result.errors.isEmpty else { try refuse(report, file, invocation) }
        let now = jobs.clock.now().unixMilliseconds
        do {
            let summary = try LocalDatabase.run {
                try jobs.writer.write { db in
                    let summary = try ResidentStore.upsert(result.records, committee: owner.id, at: now, db: db)
                    if !summary.conflicts.isEmpty { throw Conflicts(conflicts: summary.conflicts) }
                    return summary
                }
            }
            report.inserted = summary.inserted
            report.updated = summary.updated
        } catch let conflicts as Conflicts {
            report.conflicts = conflicts.conflicts.map { RosterReport.Conflict(row: $0.source.description, message: $0.message) }
            try refuse(report, file, invocation)
        }
        return report
    }

    /// Rolls the upsert back: some rows match two stored residents.
    private struct Conflicts: Error {
        var conflicts: [ResidentStore.Summary.Conflict]
    }

    /// Uploads the file to `POST /v1/residents/import` as text/csv.
    private static func upload(_ file: String, committee: String?, api: RemoteAPI, _ invocation: Invocation) throws
        -> RosterReport {
        guard let bytes = FileManager.default.contents(atPath: file) else {
            throw CommandFailure(.noInput, "cannot read \(file)")
        }
        let response = try api.send(.post, "/v1/residents/import", query: try api.committeeQuery(committee),
                                    body: Array(bytes), contentType: "text/csv; charset=utf-8", timeout: .seconds(600))
        if response.status == 422 {
            struct Refusal: Decodable { var report: RosterReport }
            if let refusal = try? JSONDecoder().decode(Refusal.self, from: Data(response.body)) {
                print(invocation.flag("--json") ? try CommandJSON.text(refusal.report) : refusal.report.rendered)
                throw CommandFailure(.dataError, "\(file): " + api.failure(response).message)
            }
        }
        return try api.decode(RosterReport.self, try api.checked(response), "POST /v1/residents/import")
    }

    /// Prints the report and fails with one line naming the file (exit 65).
    private static func refuse(_ report: RosterReport, _ file: String, _ invocation: Invocation) throws -> Never {
        print(invocation.flag("--json") ? try CommandJSON.text(report) : report.rendered)
        throw CommandFailure(.dataError, "\(file): \(report.refusal)")
    }

    // MARK: list

    static func list(_ invocation: Invocation) throws -> ExitCode {
        let committee = invocation.value("--committee")
        let page = 1000
        var residents: [ResidentEntry] = []
        switch try CommandTarget.resolve(invocation) {
        case .remote(let api):
            struct Answer: Decodable { var residents: [ResidentEntry] }
            let scope = try api.committeeQuery(committee)
            while true {
                let next = try api.get("/v1/residents", query: scope + [("after", "\(residents.last?.id ?? 0)"),
                                                                        ("limit", "\(page)")], as: Answer.self).residents
                residents += next
                if next.count < page { break }
            }
        case .local:
            guard let committee else {
                throw UsageError(message: "--committee is required: whose residents to list", command: invocation.command)
            }
            let jobs = try LocalDatabase.open(invocation)
            try LocalDatabase.run {
                try jobs.readers.read { db in
                    let owner = try LocalDatabase.committee(committee, db: db)
                    while true {
                        let next = try ResidentStore.list(committee: owner.id, after: residents.last?.id ?? 0, limit: page,
                                                          db: db)
                        residents += next.map(ResidentEntry.init)
                        if next.count < page { break }
                    }
                }
            }
        }
        print(invocation.flag("--json") ? try CommandJSON.text(["residents": residents]) : ResidentEntry.table(residents))
        return .ok
    }
}

import Foundation
import HeraldCore
import HeraldHTTP
import HeraldStore

struct ResidentsBody: APIBody {
    var residents: [ResidentInput]

    /// The most residents one JSON request may carry; larger rosters go
    /// through the streamed CSV import.
    static let limit = 5_000
    static let fields: JSONFields = .object([
        "residents": .array(.object(Dictionary(uniqueKeysWithValues: RosterField.allCases.map { ($0.rawValue, .any) }))),
    ])
}

extension Routes {
    mutating func addResidentRoutes() {
        // Bulk upsert from JSON: all or nothing.
        add("POST", "/v1/residents", .token) { request in
            let committee = try request.committee()
            let body = try request.http.decode(ResidentsBody.self)
            guard !body.residents.isEmpty, body.residents.count <= ResidentsBody.limit else {
                throw APIError(422, "invalid", "'residents' must hold 1 to \(ResidentsBody.limit) residents; "
                               + "got \(body.residents.count) (import larger rosters as CSV)")
            }
            return try Routes.store(RosterImport.json(body.residents), committee: committee, request.context)
        }
        // CSV import: the upload is parsed as it arrives, then stored all or nothing.
        add("POST", "/v1/residents/import", .token) { request in
            let committee = try request.committee()
            if let type = request.http.header("Content-Type")?.lowercased(),
               !(type.hasPrefix("text/csv") || type.hasPrefix("application/csv") || type.hasPrefix("text/plain")
                   || type.hasPrefix("application/octet-stream")) {
                throw APIError(415, "unsupported_media_type",
                               "send the roster as text/csv (UTF-8, a header row first); Content-Type was '\(type)'")
            }
            let result: RosterImportResult
            if let upload = request.http.bodyConsumer as? RosterUpload {
                result = upload.finish()
            } else {
                var roster = RosterImport()
                roster.feed(request.http.body)
                result = roster.finish()
            }
            guard result.summary.rowsRead > 0 || !result.errors.isEmpty else {
                throw APIError(422, "empty_roster", "the CSV has a header but no resident rows")
            }
            return try Routes.store(result, committee: committee, request.context)
        }
        add("GET", "/v1/residents", .token) { request in
            let committee = try request.committee()
            let after = try request.integer("after", in: 0...Int.max, default: 0)
            let limit = try request.integer("limit", in: 1...1000, default: 100)
            let residents = try request.context.read { db in
                try ResidentStore.list(committee: committee, after: Int64(after), limit: limit, db: db)
            }
            return try .api(200, ["residents": residents.map(ResidentView.init)])
        }
    }

    /// Writes a validated roster in one transaction, or nothing: any row
    /// error or conflict answers 422 with the whole report.
    static func store(_ result: RosterImportResult, committee: Int64, _ context: ServerContext) throws
        -> HTTPServerResponse {
        var report = RosterReport(summary: result.summary, issues: result.issues)
        guard result.errors.isEmpty else {
            return try rejected(report, "\(result.summary.invalidRows) of \(result.summary.rowsRead) rows have errors"
                                + (result.summary.stoppedAtLine.map { "; reading stopped at line \($0)" } ?? "")
                                + "; nothing was imported — fix the rows listed in 'report.issues' and send the roster again")
        }
        let now = context.nowMilliseconds
        do {
            let summary = try context.write { db in
                guard try CommitteeStore.find(id: committee, db: db) != nil else {
                    throw APIError.notFound("committee \(committee)")
                }
                let summary = try ResidentStore.upsert(result.records, committee: committee, at: now, db: db)
                if !summary.conflicts.isEmpty { throw RosterConflicts(conflicts: summary.conflicts) }
                return summary
            }
            report.inserted = summary.inserted
            report.updated = summary.updated
            return try .api(200, report)
        } catch let conflicts as RosterConflicts {
            report.conflicts = conflicts.conflicts.map { .init(row: $0.source.description, message: $0.message) }
            return try rejected(report, "\(conflicts.conflicts.count) rows match two different stored residents; "
                                + "nothing was imported — see 'report.conflicts'")
        }
    }

    private struct RosterConflicts: Error {
        var conflicts: [ResidentStore.Summary.Conflict]
    }

    /// 422 in the error shape, with the report beside it.
    private static func rejected(_ report: RosterReport, _ message: String) throws -> HTTPServerResponse {
        struct Rejection: Encodable {
            var error: Detail
            var report: RosterReport
            struct Detail: Encodable { var code: String; var message: String }
        }
        return try .api(422, Rejection(error: .init(code: "invalid_roster", message: message), report: report))
    }
}

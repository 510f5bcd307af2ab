import Foundation
import HeraldCore
import HeraldServer
import HeraldStore

/// `herald activity create|show|list`: activities with a limited number of
/// places, on the local database or through a running server's API.
enum ActivityCommand {
    static let createSpec = CommandSpec(
        path: ["activity", "create"],
        summary: "Publish an activity with a number of places residents can sign up for",
        discussion: """
            Times take their offset: 2026-12-06T09:00+08:00. Sign-ups close at --deadline,
            or at the start without one. Refused (exit 65) with every problem at once: an
            empty title, fewer than 1 place, a start or deadline already past, a deadline
            after the start. An unknown committee exits 66. Invite residents with
            `herald broadcast create --template activity-invitation --activity ID ...`.
            """,
        options: [
            .value("--committee", "ID|SLUG", "the committee that runs it (with --url and a committee token: optional)"),
            .value("--title", "TEXT", "the name residents see, e.g. 灭火器免费更换"),
            .value("--place", "TEXT", "where, e.g. 3号楼门口"),
            .value("--starts-at", "TIME", "when it starts, e.g. 2026-12-06T09:00+08:00"),
            .value("--deadline", "TIME", "the last moment to sign up (default: the start)"),
            .value("--capacity", "N", "how many places (at least 1)"),
            .flag("--json", "print the activity as the API's JSON"),
        ] + CommandTarget.options,
        run: { invocation in try create(invocation) })

    static let showSpec = CommandSpec(
        path: ["activity", "show"],
        summary: "Show an activity: capacity, signed up, places remaining",
        positionals: [PositionalSpec(name: "ACTIVITY", help: "the activity's id")],
        options: [.flag("--json", "print the API's JSON, for scripts")] + CommandTarget.options,
        run: { invocation in try show(invocation) })

    static let listSpec = CommandSpec(
        path: ["activity", "list"],
        summary: "List activities, soonest first",
        discussion: "Locally without --committee: every committee's activities.",
        options: [
            .value("--committee", "ID|SLUG", "only this committee's activities"),
            .flag("--json", "print the API's JSON, for scripts"),
        ] + CommandTarget.options,
        run: { invocation in try list(invocation) })

    static func create(_ invocation: Invocation) throws -> ExitCode {
        func usage(_ message: String) -> UsageError { UsageError(message: message, command: invocation.command) }
        guard let title = invocation.value("--title") else { throw usage("--title is required: the name residents see") }
        guard let startsText = invocation.value("--starts-at") else {
            throw usage("--starts-at is required, e.g. --starts-at 2026-12-06T09:00+08:00")
        }
        guard let capacityText = invocation.value("--capacity") else { throw usage("--capacity is required: how many places") }
        guard let capacity = Int(capacityText) else {
            throw CommandFailure(.usage, "--capacity must be a whole number of places; got '\(capacityText)'")
        }
        let startsAt = try CommandTime.parse(startsText, option: "--starts-at")
        let deadline = try invocation.value("--deadline").map { try CommandTime.parse($0, option: "--deadline") }
        let place = invocation.value("--place")
        let committee = invocation.value("--committee")
        let activity: ActivityReport
        switch try CommandTarget.resolve(invocation) {
        case .remote(let api):
            activity = try api.post("/v1/activities", query: try api.committeeQuery(committee),
                                    json: NewActivityBody(title: title, place: place, startsAt: CommandTime.apiText(startsAt),
                                               signupDeadline: deadline.map(CommandTime.apiText), capacity: capacity),
                                    as: ActivityReport.self)
        case .local:
            guard let committee else {
                throw usage("--committee is required: say which committee runs the activity")
            }
            let jobs = try LocalDatabase.open(invocation)
            let store = ActivityStore(writer: jobs.writer, readers: jobs.readers, clock: jobs.clock)
            activity = try LocalDatabase.run {
                let owner = try jobs.readers.read { db in try LocalDatabase.committee(committee, db: db) }
                return ActivityReport(try store.create(NewActivity(committee: owner.id, title: title, place: place,
                                                                   startsAt: startsAt, signupDeadline: deadline,
                                                                   capacity: capacity)))
            }
        }
        if invocation.flag("--json") {
            print(try CommandJSON.text(activity))
        } else {
            print("created activity \(activity.id)")
            print(activity.rendered)
        }
        return .ok
    }

    static func show(_ invocation: Invocation) throws -> ExitCode {
        let text = invocation.positional(0) ?? ""
        guard let id = Int64(text), id > 0 else {
            throw CommandFailure(.usage, "ACTIVITY must be an activity id (a positive whole number); got '\(text)'")
        }
        let activity: ActivityReport
        switch try CommandTarget.resolve(invocation) {
        case .remote(let api):
            activity = try api.get("/v1/activities/\(id)", as: ActivityReport.self)
        case .local:
            let jobs = try LocalDatabase.open(invocation)
            let store = ActivityStore(writer: jobs.writer, readers: jobs.readers, clock: jobs.clock)
            guard let found = try LocalDatabase.run({ try store.activity(id) }) else {
                throw CommandFailure(.noInput, "no activity \(id)")
            }
            activity = ActivityReport(found)
        }
        print(invocation.flag("--json") ? try CommandJSON.text(activity) : activity.rendered)
        return .ok
    }

    static func list(_ invocation: Invocation) throws -> ExitCode {
        let committee = invocation.value("--committee")
        let activities: [ActivityReport]
        switch try CommandTarget.resolve(invocation) {
        case .remote(let api):
            struct Answer: Decodable { var activities: [ActivityReport] }
            activities = try api.get("/v1/activities", query: try api.committeeQuery(committee), as: Answer.self).activities
        case .local:
            let jobs = try LocalDatabase.open(invocation)
            let store = ActivityStore(writer: jobs.writer, readers: jobs.readers, clock: jobs.clock)
            activities = try LocalDatabase.run {
                let committees = try jobs.readers.read { db in
                    try committee.map { [try LocalDatabase.committee($0, db: db)] } ?? CommitteeStore.list(db: db)
                }
                return try committees.flatMap { try store.activities(committee: $0.id) }
                    .sorted { ($0.startsAt ?? .distantFuture, $0.id) < ($1.startsAt ?? .distantFuture, $1.id) }
                    .map(ActivityReport.init)
            }
        }
        if invocation.flag("--json") {
            print(try CommandJSON.text(["activities": activities]))
        } else {
            print(ActivityReport.table(activities))
        }
        return .ok
    }
}

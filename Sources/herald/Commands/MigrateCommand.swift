import HeraldStore

enum MigrateCommand {
    static let spec = CommandSpec(
        path: ["migrate"],
        summary: "Create the database or bring its schema up to date",
        discussion: "Safe to run at any time and more than once: finished steps are skipped.",
        options: [DatabaseOption.spec],
        run: { invocation in
            let path = DatabaseOption.path(invocation)
            try DatabaseOption.requireDirectory(of: path)
            let report: Migrator.Report
            do {
                let db = try Database(path: path)
                report = try Schema.migrator.migrate(db)
            } catch let error as DatabaseError {
                throw CommandFailure(.cannotCreate, "cannot migrate \(path): \(error)")
            }
            if report.applied.isEmpty {
                print("\(path): schema is current (version \(report.toVersion))")
            } else {
                print("\(path): migrated schema from version \(report.fromVersion) to \(report.toVersion)")
            }
            return .ok
        })
}

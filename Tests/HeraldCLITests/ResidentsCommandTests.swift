import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct ResidentsCommandTests {
    static let badRoster = """
        姓名,手机号,楼栋
        王秀英,13800138000,3号楼
        李建国,12345,5号楼
        ,13700137000,3号楼

        """

    private func residents(_ f: CommandFixture, committee: Int64? = nil) throws -> Int {
        Int(try f.jobs.readers.read { db in
            try db.scalarInt("SELECT count(*) FROM residents WHERE committee_id = ?1", [committee ?? f.committee])
        } ?? -1)
    }

    @Test func everySubcommandHasHelp() throws {
        for command in ["import", "list"] {
            let help = try HeraldProcess.run(["residents", command, "--help"])
            #expect(help.status == 0, "residents \(command) --help")
            #expect(help.stdout.contains("Usage: herald residents \(command)"))
        }
    }

    @Test func importThenListWithPhonesMasked() throws {
        let f = try CommandFixture()
        let file = try f.file("roster.csv", CommandFixture.roster)
        let imported = try f.run(["residents", "import", "--committee", "yangguang", file])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("3 rows read: 3 valid, 0 with errors"))
        #expect(imported.stdout.contains("imported 3 residents: 3 new, 0 updated"))
        #expect(try residents(f) == 3)

        // Importing the file again updates the same residents.
        let again = try f.run(["residents", "import", "--committee", "\(f.committee)", file, "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try again.json()["updated"] as? Int == 3 && again.json()["inserted"] as? Int == 0)
        #expect(try residents(f) == 3)

        let listed = try f.run(["residents", "list", "--committee", "yangguang"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("王秀英") && listed.stdout.contains("138****8000"))
        let json = try f.run(["residents", "list", "--committee", "yangguang", "--json"])
        let entries = try #require(try json.json()["residents"] as? [[String: Any]])
        #expect(entries.count == 3)
        #expect(entries.first { $0["name"] as? String == "李建国" }?["has_openid"] as? Bool == true)
        for output in [imported.stdout, again.stdout, listed.stdout, json.stdout] {
            for digits in CommandFixture.phoneDigits {
                #expect(!output.contains(digits) && !output.contains(digits.dropFirst(3)), "a phone leaked: \(output)")
            }
        }
        #expect(try f.run(["residents", "list", "--committee", "hongqiao"]).stdout.contains("no residents"))
    }

    @Test func aBadRowImportsNothingAndReportsEveryRow() throws {
        let f = try CommandFixture()
        let file = try f.file("bad.csv", Self.badRoster)
        let result = try f.run(["residents", "import", "--committee", "yangguang", file])
        #expect(result.status == 65)
        #expect(result.errorLines.count == 1, "one line: \(result.stderr)")
        #expect(result.stderr.contains("\(file): 2 of 3 rows have errors"))
        #expect(result.stdout.contains("line 3, column 手机号: error invalid_phone"))
        #expect(result.stdout.contains("line 4, column 姓名: error missing_name"))
        #expect(!result.stdout.contains("12345") && !result.stdout.contains("13700137000"), "no cell's value")
        #expect(try residents(f) == 0, "all or nothing")

        let json = try f.run(["residents", "import", "--committee", "yangguang", file, "--json"])
        #expect(json.status == 65)
        #expect((try json.json()["issues"] as? [[String: Any]])?.compactMap { $0["line"] as? Int } == [3, 4])
    }

    @Test func badInputSaysWhatAndWhereInOneLine() throws {
        let f = try CommandFixture()
        let file = try f.file("roster.csv", CommandFixture.roster)
        func expectFailure(_ arguments: [String], _ status: Int32, _ text: String,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
            let result = try f.run(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.errorLines.count == 1, "one line: \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(text), "\(result.stderr)", sourceLocation: sourceLocation)
        }
        try expectFailure(["residents", "import", "--committee", "yangguang", f.directory + "/missing.csv"], 66,
                          "cannot read \(f.directory)/missing.csv: no such file")
        try expectFailure(["residents", "import", "--committee", "nowhere", file], 66, "no committee 'nowhere'")
        try expectFailure(["residents", "import", "--committee", "yangguang", try f.file("empty.csv", "姓名,手机号\n")], 65,
                          "has a header but no resident rows")
        try expectFailure(["residents", "import", "--committee", "yangguang", try f.file("odd.csv", "楼栋\n3号楼\n")], 65,
                          "the file cannot be imported: line 1")
        try expectFailure(["residents", "list", "--committee", "nowhere"], 66, "no committee 'nowhere'")
        #expect(try residents(f) == 0)
        let noCommittee = try f.run(["residents", "import", file])
        #expect(noCommittee.status == 64 && noCommittee.stderr.contains("--committee is required"))
    }

    @Test func remoteImportUploadsTheFile() throws {
        let f = try CommandFixture()
        let server = try RemoteServer(f)
        let file = try f.file("roster.csv", CommandFixture.roster)
        let imported = try server.run(["residents", "import", file])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported 3 residents: 3 new, 0 updated"))
        #expect(try residents(f) == 3)
        #expect(try residents(f, committee: f.otherCommittee) == 0)

        let bad = try server.run(["residents", "import", try f.file("bad.csv", Self.badRoster)])
        #expect(bad.status == 65)
        #expect(bad.errorLines.count == 1, "one line: \(bad.stderr)")
        #expect(bad.stderr.contains("invalid_roster"))
        #expect(bad.stdout.contains("line 3, column 手机号: error invalid_phone"))
        #expect(try residents(f) == 3, "all or nothing")

        // An admin token names the committee by slug.
        let asAdmin = try server.run(["residents", "import", "--committee", "hongqiao", file], token: server.adminToken)
        #expect(asAdmin.status == 0, "\(asAdmin.stderr)")
        #expect(try residents(f, committee: f.otherCommittee) == 3)

        let listed = try server.run(["residents", "list", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect((try listed.json()["residents"] as? [[String: Any]])?.count == 3)
        for digits in CommandFixture.phoneDigits { #expect(!listed.stdout.contains(digits)) }

        let unauthenticated = try server.run(["residents", "import", file], token: "hrd_wrong")
        #expect(unauthenticated.status == 77)
        #expect(unauthenticated.errorLines.count == 1)
    }
}

import Foundation
import HeraldChannels
import Testing
@testable import HeraldDispatch

@Suite("QueueCatalog")
struct QueueCatalogTests {
    static func error(_ make: () throws(QueueConfigurationError) -> QueueCatalog) -> QueueConfigurationError? {
        do {
            _ = try make()
            return nil
        } catch {
            return error
        }
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func readsEveryJSONFileSortedByNameAndSkipsTheRest() throws {
        let folder = try QueueFileFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.write(QueueFileFixture.text(["name": #""zeta""#]), to: folder + "/1.json")
        try Self.write(QueueFileFixture.text(["name": #""alpha""#]), to: folder + "/2.json")
        try Self.write("not a queue", to: folder + "/README.md")
        try Self.write("{", to: folder + "/.hidden.json")
        try FileManager.default.createDirectory(atPath: folder + "/old.json", withIntermediateDirectories: false)
        let catalog = try QueueCatalog(directory: folder + "/")
        #expect(catalog.queues.map(\.name) == ["alpha", "zeta"])
        #expect(catalog.queue(named: "zeta")?.adapter == "kannel")
    }

    @Test func aBadFileIsNamedByItsPath() throws {
        let folder = try QueueFileFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.write(QueueFileFixture.text(), to: folder + "/good.json")
        try Self.write(QueueFileFixture.text(["rate": "-1"]), to: folder + "/bad.json")
        let error = Self.error { () throws(QueueConfigurationError) in try QueueCatalog(directory: folder) }
        #expect(error?.description == "\(folder)/bad.json: rate: must be greater than 0 (got -1)")
    }

    @Test func twoFilesWithOneQueueNameAreRefused() throws {
        let folder = try QueueFileFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.write(QueueFileFixture.text(), to: folder + "/a.json")
        try Self.write(QueueFileFixture.text(["rate": "5"]), to: folder + "/b.json")
        let error = Self.error { () throws(QueueConfigurationError) in try QueueCatalog(directory: folder) }
        #expect(error?.code == .duplicateName)
        #expect(error?.file == folder + "/b.json")
        #expect(error?.key == "name")
        #expect(error?.message.contains(folder + "/a.json") == true)
    }

    @Test func duplicateNamesAreRefusedInMemoryToo() throws {
        let one = try QueueFileFixture.decode()
        var two = one
        two.rate = 1
        let error = Self.error { () throws(QueueConfigurationError) in try QueueCatalog(queues: [one, two]) }
        #expect(error?.code == .duplicateName)
        #expect(error?.message.contains("\"x\"") == true)
        two.name = "a"
        #expect(try QueueCatalog(queues: [one, two]).queues.map(\.name) == ["a", "x"])
    }

    @Test func aMissingFolderIsNamed() {
        let path = NSTemporaryDirectory() + "herald-no-such-\(UUID().uuidString)"
        let error = Self.error { () throws(QueueConfigurationError) in try QueueCatalog(directory: path) }
        #expect(error?.code == .unreadable)
        #expect(error?.file == path)
        #expect(error?.message.contains("no such folder") == true)
    }

    @Test func aFileInsteadOfAFolderIsNamed() throws {
        let folder = try QueueFileFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.write(QueueFileFixture.text(), to: folder + "/a.json")
        let error = Self.error { () throws(QueueConfigurationError) in try QueueCatalog(directory: folder + "/a.json") }
        #expect(error?.code == .unreadable)
        #expect(error?.message.contains("not a folder") == true)
    }

    @Test func aFolderWithoutQueueFilesIsRefused() throws {
        let folder = try QueueFileFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.write("# nothing", to: folder + "/README.md")
        let error = Self.error { () throws(QueueConfigurationError) in try QueueCatalog(directory: folder) }
        #expect(error?.code == .unreadable)
        #expect(error?.file == folder)
        #expect(error?.message.contains("no queue files") == true)
    }
}

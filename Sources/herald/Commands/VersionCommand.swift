import HeraldChannels
import HeraldCore
import HeraldHTTP
import HeraldStore

enum VersionCommand {
    static let spec = CommandSpec(
        path: ["version"],
        summary: "Print Herald's version and the C libraries it runs on",
        run: { _ in
            print("herald \(HeraldVersion.current)")
            print("  sqlite        \(Database.libraryVersion)")
            print("  libcurl       \(LibraryVersions.curl)")
            print("  libmicrohttpd \(ServerLibraryVersions.microhttpd)")
            print("  libcrypto     \(LibraryVersions.crypto)")
            return .ok
        })
}

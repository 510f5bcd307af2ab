import Testing
@testable import HeraldHTTP

@Suite struct ServerLibraryVersionTests {
    @Test func reportsTheLinkedLibmicrohttpd() {
        #expect(ServerLibraryVersions.microhttpd.split(separator: ".").count >= 2)
    }
}

// swift-tools-version: 6.2
//
// Herald: an outbound notice and smart-call dispatcher for neighbourhood
// committees. No SwiftPM package dependencies: only the toolchain and C
// system libraries (libcurl, libsqlite3, libmicrohttpd, OpenSSL libcrypto),
// each brought in as a `systemLibrary` target. `Ops/install-deps.sh`
// installs their Debian -dev packages.
import PackageDescription

let package = Package(
    name: "herald",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "herald", targets: ["herald"]),
    ],
    targets: [
        // C system libraries.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd",
                       providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        // glibc calls Swift's Glibc module leaves out (pipe2, posix_spawn's
        // closefrom and chdir), for HeraldCore's ChildProcess.
        .systemLibrary(name: "CSystem"),

        // Herald's modules; dependency arrows point down, no cycles.
        .target(name: "HeraldCore", dependencies: ["CSystem"]),
        .target(name: "HeraldStore", dependencies: ["HeraldCore", "CSQLite", "CCrypto"]),
        .target(name: "HeraldChannels", dependencies: ["HeraldCore", "CCurl", "CCrypto"]),
        .target(name: "HeraldDispatch", dependencies: ["HeraldCore", "HeraldStore", "HeraldChannels"]),
        // Inbound HTTP on libmicrohttpd, shared by the API server and the
        // gateway simulator (docs/ARCHITECTURE.md says why it is its own module).
        .target(name: "HeraldHTTP", dependencies: ["HeraldCore", "CMicroHTTPD"]),
        .target(name: "HeraldServer", dependencies: ["HeraldCore", "HeraldStore", "HeraldDispatch", "HeraldChannels",
                                                   "HeraldHTTP"]),
        .target(name: "HeraldSim", dependencies: ["HeraldCore", "HeraldHTTP", "HeraldChannels"]),
        .executableTarget(name: "herald", dependencies: [
            "HeraldCore", "HeraldStore", "HeraldChannels", "HeraldDispatch", "HeraldServer", "HeraldSim", "HeraldHTTP",
        ]),

        // A worker that dies on purpose, for the queue's crash test; not installed.
        .executableTarget(name: "herald-crash-drill", dependencies: ["HeraldStore"]),

        // Tests mirror the modules.
        .testTarget(name: "HeraldCoreTests", dependencies: ["HeraldCore"]),
        .testTarget(name: "HeraldStoreTests", dependencies: ["HeraldStore", "HeraldCore", "herald-crash-drill"]),
        .testTarget(name: "HeraldDispatchTests", dependencies: ["HeraldDispatch", "HeraldStore", "HeraldCore",
                                                             "HeraldChannels", "HeraldSim", "HeraldHTTP"]),
        .testTarget(name: "HeraldHTTPTests", dependencies: ["HeraldHTTP", "HeraldCore"]),
        .testTarget(name: "HeraldChannelsTests", dependencies: ["HeraldChannels", "HeraldSim", "HeraldHTTP", "HeraldCore"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "HeraldServerTests", dependencies: ["HeraldServer", "HeraldDispatch", "HeraldStore", "HeraldCore",
                                                             "HeraldChannels", "HeraldSim", "HeraldHTTP"]),
        // Runs the built `herald` binary as a subprocess; depending on the
        // executable target makes `swift test` build it first.
        .testTarget(name: "HeraldCLITests", dependencies: ["herald", "HeraldStore", "HeraldCore", "HeraldSim",
                                                        "HeraldServer", "HeraldDispatch", "HeraldHTTP"]),
    ]
)

// The strict settings, on for every Swift target in one place.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .swiftLanguageMode(.v6),
        .enableUpcomingFeature("ExistentialAny"),
        .treatAllWarnings(as: .error),
    ]
}

// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "secr",
    products: [
        .executable(name: "secr", targets: ["secr"]),
        .library(name: "SecrCore", targets: ["SecrCore"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSodium", pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(
            name: "CGit2", pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(name: "CSystem"),
        .target(name: "SecrCore", dependencies: ["CSodium", "CGit2", "CSystem"]),
        .target(name: "SecrCLI"),
        .executableTarget(name: "secr", dependencies: ["SecrCore", "SecrCLI"]),
        .testTarget(name: "SecrCoreTests", dependencies: ["SecrCore"]),
        .testTarget(name: "SecrCLITests", dependencies: ["SecrCLI"]),
        .testTarget(name: "SecrEndToEndTests", dependencies: ["secr"]),
    ],
    swiftLanguageModes: [.v6]
)

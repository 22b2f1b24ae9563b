// swift-tools-version:6.0
import PackageDescription

// Built-in templates live in the top-level `templates/` folder (the tool's
// templates, as the SPEC names them) and are embedded into the library so the
// `folio` binary is self-contained.
let builtinTemplates = [
    "artifact", "change-request", "charter", "cost-register", "decision-log",
    "issue-log", "lessons-learned", "minutes", "rate-card", "resource-plan", "risk-register",
    "schedule", "stakeholder-register", "status-report", "timesheet",
]

let package = Package(
    name: "Folio",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "folio", targets: ["folio"]),
        .library(name: "FolioKit", targets: ["FolioKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // RFC 4180 CSV reading for `folio import timesheets` (a parser we do not write ourselves).
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CGit2", pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(
            name: "CCmarkGFM", pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        // The layers, each depending only on those below it (docs/architecture.md):
        // FolioGit (the only importer of CGit2) <- FolioModel <- FolioKit <- FolioCLI <- folio.
        .target(name: "FolioGit", dependencies: ["CGit2"]),
        .target(
            name: "FolioModel",
            dependencies: ["FolioGit", "CCmarkGFM", "Yams"],
            resources: builtinTemplates.map { .embedInCode("BuiltinTemplates/\($0).md") }),
        .target(
            name: "FolioKit",
            dependencies: ["FolioGit", "FolioModel", "Yams", .product(name: "CSV", package: "CSV.swift")]),
        .target(
            name: "FolioCLI",
            dependencies: [
                "FolioGit", "FolioModel", "FolioKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "folio", dependencies: ["FolioCLI"]),
        .testTarget(
            name: "FolioKitTests", dependencies: ["FolioKit", "FolioCLI", "FolioModel", "FolioGit"],
            exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)

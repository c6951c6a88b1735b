// swift-tools-version:6.2
import PackageDescription

/// Our own targets build in Swift 6 mode with warnings as errors; dependencies keep their own settings.
let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ModelGate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "modelgate", targets: ["modelgate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),  // older 7.x does not link on Debian
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),  // NIOThreadPool for blocking curl calls
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        // Already under Hummingbird; declared so that the targets importing them name them.
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
    ],
    targets: [
        // C bridges to Debian's libraries.
        .systemLibrary(name: "CModelGateCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CModelGateOpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Layers, lowest first; dependencies point down only.
        .target(name: "ModelGateCore", swiftSettings: strict),
        .target(name: "ModelGateSigning", dependencies: ["CModelGateOpenSSL"], swiftSettings: strict),
        .target(
            name: "ModelGateTransport",
            dependencies: [
                "ModelGateCore", "CModelGateCurl",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "ModelGateCredentials",
            dependencies: ["ModelGateCore", "ModelGateSigning", "ModelGateTransport"],
            swiftSettings: strict),
        .target(
            name: "ModelGateAdapterKit",
            dependencies: ["ModelGateCore", "ModelGateSigning", "ModelGateTransport"],
            swiftSettings: strict),
        .target(
            name: "ModelGateCatalog",
            dependencies: ["ModelGateCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .target(
            name: "ModelGateConfig",
            dependencies: ["ModelGateCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict),
        // Adapters: one folder per registry under adapters/, each with its README (field mapping, auth, paging).
        .target(
            name: "MLflowAdapter",
            dependencies: ["ModelGateCore", "ModelGateTransport", "ModelGateAdapterKit"],
            path: "adapters/MLflow", exclude: ["README.md"], swiftSettings: strict),
        .target(
            name: "SageMakerAdapter",
            dependencies: [
                "ModelGateCore", "ModelGateTransport", "ModelGateAdapterKit", "ModelGateSigning",
            ],
            path: "adapters/SageMaker", exclude: ["README.md"], swiftSettings: strict),
        .target(
            name: "AzureMLAdapter",
            dependencies: [
                "ModelGateCore", "ModelGateTransport", "ModelGateAdapterKit", "ModelGateSigning",
            ],
            path: "adapters/AzureML", exclude: ["README.md"], swiftSettings: strict),
        .target(
            name: "VertexAdapter",
            dependencies: [
                "ModelGateCore", "ModelGateTransport", "ModelGateAdapterKit", "ModelGateSigning",
            ],
            path: "adapters/Vertex", exclude: ["README.md"], swiftSettings: strict),
        .target(
            name: "GitLabAdapter",
            dependencies: ["ModelGateCore", "ModelGateTransport", "ModelGateAdapterKit", "MLflowAdapter"],
            path: "adapters/GitLab", exclude: ["README.md"], swiftSettings: strict),
        .target(
            name: "WandBAdapter",
            dependencies: ["ModelGateCore", "ModelGateTransport", "ModelGateAdapterKit"],
            path: "adapters/WandB", exclude: ["README.md"], swiftSettings: strict),
        // The composition root: config -> transport, credentials and adapter (one case per registry kind).
        .target(
            name: "ModelGateRegistries",
            dependencies: [
                "ModelGateCore", "ModelGateConfig", "ModelGateTransport", "ModelGateCredentials", "ModelGateSigning",
                "ModelGateAdapterKit", "MLflowAdapter", "SageMakerAdapter", "AzureMLAdapter", "VertexAdapter",
                "GitLabAdapter",
                "WandBAdapter",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "ModelGateServices",
            dependencies: [
                "ModelGateCore", "ModelGateCatalog", "ModelGateSigning", "ModelGateAdapterKit",
            ],
            swiftSettings: strict),
        // `modelgate serve`: REST API, web page, MLflow-compatible read API, access control.
        .target(
            name: "ModelGateServer",
            dependencies: [
                "ModelGateCore", "ModelGateCatalog", "ModelGateConfig", "ModelGateServices", "ModelGateAdapterKit",
                "ModelGateSigning",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // Local stand-ins of registries' documented REST surfaces (tests, `modelgate demo`); one folder each.
        .target(
            name: "ModelGateSimulators",
            dependencies: [
                "ModelGateCore", "ModelGateSigning",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: [
                "AzureML/README.md", "Vertex/README.md", "GitLab/README.md", "WandB/README.md", "MLflow/README.md",
                "SageMaker/README.md",
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "modelgate",
            dependencies: [
                "ModelGateCore", "ModelGateCatalog", "ModelGateConfig", "ModelGateServices", "ModelGateRegistries",
                "ModelGateTransport", "ModelGateCredentials", "ModelGateAdapterKit", "MLflowAdapter", "ModelGateServer",
                "ModelGateSimulators",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "ModelGateBenchmarks",
            dependencies: ["ModelGateCore", "ModelGateCatalog", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks",
            swiftSettings: strict),

        // Tests.
        .testTarget(name: "ModelGateCoreTests", dependencies: ["ModelGateCore"], swiftSettings: strict),
        .testTarget(
            name: "ModelGateSigningTests", dependencies: ["ModelGateSigning"],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "ModelGateTransportTests",
            dependencies: [
                "ModelGateTransport", "ModelGateCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "ModelGateCredentialsTests",
            dependencies: [
                "ModelGateCredentials", "ModelGateSigning", "ModelGateTransport", "ModelGateCore", "ModelGateSimulators",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "ModelGateCatalogTests",
            dependencies: ["ModelGateCatalog", "ModelGateCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(
            name: "MLflowAdapterTests",
            dependencies: ["ModelGateTestKit", "MLflowAdapter", "ModelGateAdapterKit", "ModelGateTransport", "ModelGateCredentials", "ModelGateCore"],
            swiftSettings: strict),
        .testTarget(
            name: "AzureMLAdapterTests",
            dependencies: [
                "ModelGateTestKit",
                "AzureMLAdapter", "ModelGateSimulators", "ModelGateServices", "ModelGateCatalog", "ModelGateCredentials",
                "ModelGateTransport", "ModelGateCore", "ModelGateAdapterKit", "ModelGateRegistries", "ModelGateConfig",
                "ModelGateSigning", .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SageMakerAdapterTests",
            dependencies: [
                "ModelGateSimulators", "ModelGateTestKit",
                "SageMakerAdapter", "ModelGateAdapterKit", "ModelGateTransport", "ModelGateCredentials", "ModelGateCore",
                "ModelGateServices", "ModelGateCatalog", "ModelGateRegistries", "ModelGateConfig",
            ],
            swiftSettings: strict),
        // An in-memory registry for tests of the services and the server (not shipped).
        .target(
            name: "ModelGateTestKit",
            dependencies: ["ModelGateCore", "ModelGateAdapterKit", "ModelGateServices", "ModelGateSimulators"],
            path: "Tests/TestKit", swiftSettings: strict),
        .testTarget(
            name: "ModelGateServicesTests",
            dependencies: [
                "ModelGateServices", "ModelGateCatalog", "ModelGateAdapterKit", "ModelGateConfig", "ModelGateCore",
                "MLflowAdapter", "ModelGateTransport", "ModelGateTestKit",
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strict),
        .testTarget(
            name: "VertexAdapterTests",
            dependencies: [
                "ModelGateTestKit",
                "VertexAdapter", "ModelGateSimulators", "ModelGateServices", "ModelGateCatalog", "ModelGateCredentials",
                "ModelGateTransport", "ModelGateCore", "ModelGateAdapterKit", "ModelGateSigning", "ModelGateRegistries",
                "ModelGateConfig",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "WandBAdapterTests",
            dependencies: [
                "ModelGateTestKit",
                "WandBAdapter", "ModelGateSimulators", "ModelGateServices", "ModelGateCatalog", "ModelGateCredentials",
                "ModelGateTransport", "ModelGateCore", "ModelGateAdapterKit", "ModelGateRegistries", "ModelGateConfig",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "GitLabAdapterTests",
            dependencies: [
                "ModelGateTestKit",
                "GitLabAdapter", "MLflowAdapter", "ModelGateSimulators", "ModelGateServices", "ModelGateCatalog",
                "ModelGateCredentials", "ModelGateTransport", "ModelGateCore", "ModelGateAdapterKit", "ModelGateRegistries",
                "ModelGateConfig", .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "ModelGateSimulatorsTests",
            dependencies: [
                "ModelGateSimulators", "ModelGateTransport", "ModelGateCore",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict),
        // The same requests against the real peers (mlflow server, moto) and the simulators, compared.
        .testTarget(
            name: "SimulatorConformanceTests",
            dependencies: [
                "ModelGateTestKit",
                "ModelGateSimulators", "ModelGateRegistries", "ModelGateConfig", "ModelGateAdapterKit", "ModelGateCore",
                "ModelGateTransport", "ModelGateCredentials", "ModelGateSigning", "MLflowAdapter", "SageMakerAdapter",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict),
        .testTarget(name: "ModelGateConfigTests", dependencies: ["ModelGateConfig", "ModelGateCore"], swiftSettings: strict),
        .testTarget(
            name: "MigrationTests",
            dependencies: [
                "ModelGateTestKit",
                "modelgate", "ModelGateServices", "ModelGateRegistries", "ModelGateConfig", "ModelGateSimulators", "ModelGateCatalog",
                "ModelGateAdapterKit", "ModelGateCore", "ModelGateTransport", .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "ModelGateServerTests",
            dependencies: [
                "ModelGateServer", "ModelGateCatalog", "ModelGateConfig", "ModelGateCore", "ModelGateServices",
                "ModelGateAdapterKit", "ModelGateSimulators", "ModelGateTestKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "ModelGateCLITests",
            dependencies: ["ModelGateTestKit", "modelgate", "ModelGateCore", "ModelGateCatalog"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)

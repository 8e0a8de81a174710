// swift-tools-version: 6.0
// spfflow: probabilistic climate-emulator ensembles (SPF) with a cached, resumable DAG engine.
import PackageDescription

/// Release code is compiled for a portable CPU baseline, so one binary runs on every node of a
/// cluster and computes the same there: x86-64-v3 (AVX2, FMA, BMI2: every x86-64 server of the last
/// decade) unless SPFFLOW_CPU says otherwise: `native` for the build machine alone (measured by
/// `spfflow bench tensor --native-binary`; it can die with SIGILL on an older node), `x86-64-v4`,
/// or `x86-64` for any x86-64. Objects record the target (`spfflow.build_target`). Other
/// architectures build for their baseline.
let cpuTarget = Context.environment["SPFFLOW_CPU"].flatMap { $0.isEmpty ? nil : $0 } ?? "x86-64-v3"
let cpuDefine = "SPFFLOW_TARGET_" + String(cpuTarget.uppercased().map { $0 == "-" ? "_" : $0 })
/// The psABI levels (x86-64-v2 … v4) are `-march` names to clang, not CPU names to swiftc: Swift's
/// code generation takes its target features from the Clang importer, so `-Xcc -march=` sets them.
let cpuTargetFlags = cpuTarget.hasPrefix("x86-64-v") ? ["-Xcc", "-march=" + cpuTarget] : ["-target-cpu", cpuTarget]
#if arch(x86_64)
let cpuFlags: [SwiftSetting] = [
    .unsafeFlags(cpuTargetFlags, .when(configuration: .release)),
    .define(cpuDefine, .when(configuration: .release)),
]
#else
let cpuFlags: [SwiftSetting] = []
#endif

let package = Package(
    name: "spfflow",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "spfflow", targets: ["spfflow"]),
        // The same commands with the engine tests' `test.*` kinds (TestKinds), which `spfflow` does not link:
        // what the tests run manifests of those kinds with, and `bench engine` times.
        .executable(name: "spfflow-test-kinds", targets: ["spfflow-test-kinds"]),
        // The libraries, for the fuzz targets (Fuzz/Package.swift) and other tools built beside spfflow.
        .library(name: "SPFFlowLibraries", targets: ["SPFEngine", "ClimateVocabulary", "ClimateData", "TensorCore", "SPFModel", "Evaluation", "Pipelines"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System libraries, from Debian's -dev packages.
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5-serial",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CNetCDF", path: "Sources/CNetCDF", pkgConfig: "netcdf",
                       providers: [.apt(["libnetcdf-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "COpenSSLCrypto", path: "Sources/COpenSSLCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        // glibc's <malloc.h> (malloc_trim), which Swift's Glibc module leaves out.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        // The Zstandard HDF5 filter (registered id 32015) and the chunk codec helpers.
        .target(name: "CH5Zstd", dependencies: ["CHDF5", "CZstd"], path: "Sources/CH5Zstd"),
        // Products against an operand packed once (a frozen model's weights): AVX-512, AVX2 and portable kernels
        // chosen at run time, which give the same bits (each element one chain of fused multiply-adds in order).
        .target(name: "CPackedGEMM", path: "Sources/CPackedGEMM"),

        // Libraries.
        .target(name: "SPFEngine",
                dependencies: ["CHDF5", "CZstd", "CH5Zstd", "COpenSSLCrypto", "CMalloc",
                               .product(name: "Yams", package: "Yams")],
                swiftSettings: cpuFlags),
        .target(name: "ClimateData", dependencies: ["CNetCDF", "CHDF5"], swiftSettings: cpuFlags),
        .target(name: "TensorCore", dependencies: ["COpenBLAS", "CPackedGEMM"], swiftSettings: cpuFlags),
        // The domain types the libraries share (the timescale), without dependencies; SPFModel and Evaluation re-export it.
        .target(name: "ClimateVocabulary", swiftSettings: cpuFlags),
        .target(name: "SPFModel", dependencies: ["TensorCore", "ClimateVocabulary", "CMalloc"], swiftSettings: cpuFlags),
        // Skill metrics (RMSE, CRPS, spread-skill, NRMSE), cheap baselines, report rendering.
        .target(name: "Evaluation", dependencies: ["ClimateVocabulary"], swiftSettings: cpuFlags),

        // Node kinds: where the engine meets the libraries.
        .target(name: "Pipelines",
                dependencies: ["SPFEngine", "ClimateVocabulary", "ClimateData", "TensorCore", "SPFModel", "Evaluation"],
                path: "Pipelines", swiftSettings: cpuFlags),

        // The command.
        // What the command and the benchmarks share: engine errors to exit statuses, manifest options, option choices.
        .target(name: "CommandSupport",
                dependencies: ["SPFEngine", "Pipelines", "TensorCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                swiftSettings: cpuFlags),
        // `spfflow bench`: benchmarks that print `figure` lines, beside their peers (PyTorch, CDO, libzstd).
        .target(name: "SPFBenchmarks",
                dependencies: ["CommandSupport", "SPFEngine", "Pipelines", "ClimateData", "TensorCore", "SPFModel", "Evaluation",
                               .product(name: "ArgumentParser", package: "swift-argument-parser")],
                swiftSettings: cpuFlags),
        // The commands (`SPFFlow` and its subcommands), for both executables.
        .target(name: "SPFFlowCommand",
                dependencies: ["CommandSupport", "SPFBenchmarks", "SPFEngine", "Pipelines", "ClimateData", "TensorCore",
                               "SPFModel", "Evaluation", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                path: "Sources/spfflow", swiftSettings: cpuFlags),
        .executableTarget(name: "spfflow", dependencies: ["SPFFlowCommand"], path: "Sources/spfflow-main", swiftSettings: cpuFlags),

        // Test support: the small real kinds the engine's tests run (`test.*`), and the command built with them.
        .target(name: "TestKinds", dependencies: ["SPFEngine", "Pipelines"], swiftSettings: cpuFlags),
        .executableTarget(name: "spfflow-test-kinds", dependencies: ["SPFFlowCommand", "CommandSupport", "TestKinds"],
                          path: "Sources/spfflow-test-kinds", swiftSettings: cpuFlags),

        .testTarget(name: "SPFEngineTests", dependencies: ["SPFEngine", "Pipelines", "TestKinds"]),
        .testTarget(name: "ClimateDataTests", dependencies: ["ClimateData"]),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"]),
        .testTarget(name: "SPFModelTests", dependencies: ["SPFModel", "TensorCore"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation"]),
        .testTarget(name: "PipelinesTests", dependencies: ["Pipelines", "SPFEngine", "ClimateData", "TestKinds"]),
    ]
)

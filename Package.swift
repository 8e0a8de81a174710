// swift-tools-version: 6.0
// spfflow: probabilistic climate-emulator ensembles (SPF) with a cached, resumable DAG engine.
import PackageDescription

/// Release code is built for the CPU it runs on when SPFFLOW_NATIVE=1 (the Makefile sets it):
/// AVX2/FMA on the machines this runs on, baseline x86-64 otherwise.
let nativeFlags: [SwiftSetting] =
    Context.environment["SPFFLOW_NATIVE"] == "1"
    ? [.unsafeFlags(["-target-cpu", "native"], .when(configuration: .release))] : []

let package = Package(
    name: "spfflow",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "spfflow", targets: ["spfflow"]),
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

        // Libraries.
        .target(name: "SPFEngine",
                dependencies: ["CHDF5", "CZstd", "CH5Zstd", "COpenSSLCrypto", "CMalloc",
                               .product(name: "Yams", package: "Yams")],
                swiftSettings: nativeFlags),
        .target(name: "ClimateData", dependencies: ["CNetCDF", "CHDF5"], swiftSettings: nativeFlags),
        .target(name: "TensorCore", dependencies: ["COpenBLAS"], swiftSettings: nativeFlags),
        .target(name: "SPFModel", dependencies: ["TensorCore"], swiftSettings: nativeFlags),
        // Skill metrics (RMSE, CRPS, spread-skill, NRMSE), cheap baselines, report rendering.
        .target(name: "Evaluation", swiftSettings: nativeFlags),

        // Node kinds: where the engine meets the libraries.
        .target(name: "Pipelines",
                dependencies: ["SPFEngine", "ClimateData", "TensorCore", "SPFModel", "Evaluation"],
                path: "Pipelines", swiftSettings: nativeFlags),

        // The command.
        .executableTarget(name: "spfflow",
                          dependencies: ["SPFEngine", "Pipelines", "ClimateData", "TensorCore", "SPFModel", "Evaluation",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: nativeFlags),

        .testTarget(name: "SPFEngineTests", dependencies: ["SPFEngine", "Pipelines"]),
        .testTarget(name: "ClimateDataTests", dependencies: ["ClimateData"]),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"]),
        .testTarget(name: "SPFModelTests", dependencies: ["SPFModel", "TensorCore"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation"]),
        .testTarget(name: "PipelinesTests", dependencies: ["Pipelines", "SPFEngine", "ClimateData"]),
    ]
)

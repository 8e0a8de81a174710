// swift-tools-version: 6.0
// libFuzzer targets for spfflow's two parsers of user input: the manifest loader and the CF netCDF
// reader. Built apart from the main package, with the fuzzer sanitizer, by `make fuzz`:
//   swift build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
import PackageDescription

let package = Package(
    name: "spfflow-fuzz",
    dependencies: [.package(name: "spfflow", path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .executableTarget(name: "FuzzManifest",
                          dependencies: ["CFuzzDriver", .product(name: "SPFFlowLibraries", package: "spfflow")]),
        .executableTarget(name: "FuzzCF",
                          dependencies: ["CFuzzDriver", .product(name: "SPFFlowLibraries", package: "spfflow")]),
    ]
)

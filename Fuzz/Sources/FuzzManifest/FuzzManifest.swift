import CFuzzDriver
import Foundation
import Pipelines
import SPFEngine

/// One libFuzzer input: the bytes as a manifest's YAML text, loaded and expanded with the real node
/// kinds (every check that runs when a manifest loads). Errors are the expected outcome; a crash,
/// trap or hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let url = URL(fileURLWithPath: "/nonexistent/fuzz/manifest.yaml")
    let loader = ManifestLoader(registry: NodeKindRegistry.registry, environment: ["HOME": "/nonexistent"])
    if let manifest = try? loader.load(text: text, file: "fuzz.yaml", url: url) {
        _ = NodeGraph(manifest)
    }
    return 0
}

/// The entry point SwiftPM links as `main` for this target: libFuzzer's driver with the target above.
@_cdecl("FuzzManifest_main")
public func fuzzManifestMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzManifest(data, size)
    }
}

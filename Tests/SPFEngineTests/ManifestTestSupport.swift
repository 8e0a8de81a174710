import Foundation
import Pipelines
import SPFEngine
import TestKinds

/// Loads manifest text as if it were the file `test.yaml` in a temporary directory.
func loadManifest(_ text: String, environment: [String: String] = [:]) throws -> Manifest {
    let loader = ManifestLoader(registry: TestKindRegistry.registry, environment: environment)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-manifest-tests")
    return try loader.load(text: text, file: "test.yaml", url: dir.appendingPathComponent("test.yaml"))
}

/// The EngineError a manifest produces (nil if it loads).
func manifestError(_ text: String) -> EngineError? {
    do {
        _ = try loadManifest(text)
        return nil
    } catch let e as EngineError {
        return e
    } catch {
        return EngineError(.usage, "unexpected error type: \(error)")
    }
}

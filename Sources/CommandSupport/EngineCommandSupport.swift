import ArgumentParser
import Foundation
import Pipelines
import SPFEngine

/// Turns engine errors into one clear message on stderr and the exit status (2 usage/manifest, 1 otherwise).
public func reportingEngineErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as EngineError {
        StandardStreams.error("spfflow: \(e.description)\n")
        throw ExitCode(e.isUsageError ? 2 : 1)
    } catch let e as ExitCode {
        throw e
    } catch {
        StandardStreams.error("spfflow: error: \(error)\n")
        throw ExitCode(1)
    }
}

/// Options shared by commands that read a manifest against a cache.
public struct ManifestOptions: ParsableArguments {
    /// Makes the options (ArgumentParser fills them in).
    public init() {}

    @Argument(help: "The manifest (YAML).")
    public var manifest: String

    @Option(name: .long, help: "Cache directory (overrides SPFFLOW_CACHE and the manifest's `cache:`).")
    public var cache: String?

    /// Loads the manifest (printing its warnings to standard error) and opens its cache.
    public func session(cleanLeftovers: Bool = true) throws -> EngineSession {
        let session = try EngineSession(manifestPath: manifest, cacheOverride: cache, registry: CommandKinds.registry, cleanLeftovers: cleanLeftovers)
        for warning in session.manifest.warnings { StandardStreams.error(warning + "\n") }
        return session
    }
}

import ArgumentParser
import CommandSupport
import Foundation
import Pipelines
import SPFEngine

/// `spfflow cache ls | verify | gc`: inspect, check and prune the content-addressed object cache.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Inspect (ls), check (verify) and prune (gc) the object cache.",
        subcommands: [CacheListCommand.self, CacheVerifyCommand.self, CacheGCCommand.self])
}

/// Where the cache is: `--cache`, else `SPFFLOW_CACHE`, else the `--manifest`'s cache directory,
/// else `.spfflow/cache` in the current directory.
struct CacheLocation: ParsableArguments {
    @Option(name: .long, help: "Cache directory (default: $SPFFLOW_CACHE, else the manifest's, else .spfflow/cache).")
    var cache: String?

    @Option(name: .long, help: "A manifest whose cache directory to use (when --cache and SPFFLOW_CACHE are not set).")
    var manifest: String?

    /// The resolved cache directory.
    func url() throws -> URL {
        if let cache, !cache.isEmpty { return URL(fileURLWithPath: cache) }
        if let env = ProcessInfo.processInfo.environment["SPFFLOW_CACHE"], !env.isEmpty { return URL(fileURLWithPath: env) }
        if let manifest {
            return try reportingEngineErrors {
                try ManifestLoader(registry: CommandKinds.registry).load(path: manifest).cacheDirectory(override: nil)
            }
        }
        return URL(fileURLWithPath: ".spfflow/cache")
    }

    /// Opens the store; a missing cache directory is a usage error (exit 2), never created by inspection.
    func open(cleanLeftovers: Bool) throws -> ObjectStore {
        let url = try url()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            StandardStreams.error("spfflow: no cache directory at \(url.path) (use --cache, SPFFLOW_CACHE or --manifest)\n")
            throw ExitCode(2)
        }
        do {
            return try ObjectStore(root: url, cleanLeftovers: cleanLeftovers)
        } catch {
            StandardStreams.error("spfflow: cannot open cache \(url.path): \(error)\n")
            throw ExitCode(1)
        }
    }
}

import ArgumentParser
import Foundation
import SPFEngine

/// `spfflow cache ls | verify | gc`: inspect, check and prune the content-addressed object cache.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Inspect (ls), check (verify) and prune (gc) the object cache.",
        subcommands: [CacheListCommand.self, CacheVerifyCommand.self, CacheGCCommand.self])
}

/// Where the cache is: `--cache`, else `SPFFLOW_CACHE`, else `.spfflow/cache` in the current directory.
struct CacheLocation: ParsableArguments {
    @Option(name: .long, help: "Cache directory (default: $SPFFLOW_CACHE, else .spfflow/cache).")
    var cache: String?

    /// The resolved cache directory.
    var url: URL {
        let path = cache ?? ProcessInfo.processInfo.environment["SPFFLOW_CACHE"] ?? ".spfflow/cache"
        return URL(fileURLWithPath: path)
    }

    /// Opens the store; a missing cache directory is a usage error (exit 2), never created by inspection.
    func open(cleanLeftovers: Bool) throws -> ObjectStore {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("no cache directory at \(url.path) (use --cache or SPFFLOW_CACHE)")
        }
        return try ObjectStore(root: url, cleanLeftovers: cleanLeftovers)
    }
}

/// Formats a byte count as B, KB, MB, GB or TB (powers of 1000, one decimal).
func formatBytes(_ bytes: Int64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB", "PB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1000 && unit < units.count - 1 {
        value /= 1000
        unit += 1
    }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
}

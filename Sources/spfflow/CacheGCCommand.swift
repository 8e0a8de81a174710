import ArgumentParser
import CommandSupport
import Foundation
import SPFEngine

/// A byte count given as an integer with an optional K/M/G/T suffix (powers of 1000; KiB/MiB/GiB/TiB
/// for powers of 1024).
struct ByteCount: ExpressibleByArgument {
    /// Bytes.
    let bytes: Int64

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).uppercased()
        let suffixes: [(String, Double)] = [("TIB", 1_099_511_627_776), ("GIB", 1_073_741_824), ("MIB", 1_048_576), ("KIB", 1024),
                                            ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3),
                                            ("T", 1e12), ("G", 1e9), ("M", 1e6), ("K", 1e3), ("B", 1)]
        var scale = 1.0
        var number = text
        for (suffix, factor) in suffixes where text.hasSuffix(suffix) {
            scale = factor
            number = String(text.dropLast(suffix.count))
            break
        }
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value >= 0, value * scale < 9e18 else { return nil }
        bytes = Int64(value * scale)
    }
}

/// `spfflow cache gc`: keep what the last N runs reached, delete the rest, then fit a byte budget.
struct CacheGCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Delete objects not reachable from the last N runs; with --max-bytes, evict until the cache fits.")

    @OptionGroup var location: CacheLocation

    @Option(name: .long, help: "Keep objects reachable from this many most recent runs.")
    var keepRuns: Int = 5

    @Option(name: .long, help: "Byte budget for the objects kept (e.g. 500G, 2TiB); evicts older runs' cheapest objects first.")
    var maxBytes: ByteCount?

    @Option(name: .long, help: "Never delete objects committed within this many seconds (a run in progress).")
    var protectRecent: Double = 3600

    @Flag(name: .long, help: "Print what would be deleted without deleting.")
    var dryRun = false

    func validate() throws {
        guard keepRuns >= 0 else { throw ValidationError("--keep-runs must be >= 0") }
        guard protectRecent >= 0 else { throw ValidationError("--protect-recent must be >= 0") }
    }

    func run() throws {
        let store = try location.open(cleanLeftovers: !dryRun)
        let report = try store.garbageCollect(keepRuns: keepRuns, maxBytes: maxBytes?.bytes,
                                              protectRecentSeconds: protectRecent, dryRun: dryRun)
        for key in report.deleted { print("\(dryRun ? "would delete" : "deleted") \(key)") }
        for key in report.deletedCheckpoints { print("\(dryRun ? "would delete" : "deleted") stale checkpoint \(key)") }
        print("kept runs: \(report.keptRuns.isEmpty ? "none" : report.keptRuns.joined(separator: " "))")
        print("\(dryRun ? "would free" : "freed") \(formatBytes(report.freedBytes)) in \(report.deleted.count) objects; "
              + "\(formatBytes(report.remainingBytes)) remain"
              + (report.protectedRecent > 0 ? "; \(report.protectedRecent) recent unreferenced objects protected" : ""))
    }
}

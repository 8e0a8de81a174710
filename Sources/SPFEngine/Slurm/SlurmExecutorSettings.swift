import Foundation

/// The settings of `spfflow run --executor slurm` (value type; the CLI fills it from its options).
public struct SlurmExecutorSettings: Sendable {
    /// The spfflow binary the jobs run (must be reachable from the compute nodes).
    public var binary: String
    /// Seconds between polls of the queue.
    public var pollInterval: Double = 2
    /// Extra attempts for a failed node.
    public var retries: Int = 0
    /// Memory factor per retry attempt.
    public var retryMemoryFactor: Double = 1
    /// Wall-time factor per retry attempt.
    public var retryTimeFactor: Double = 1
    /// `%N` throttle of job arrays (0: none).
    public var arrayThrottle: Int = 32
    /// Seconds to wait for a commit record to become visible after a job ended.
    public var commitGrace: Double = 30
    /// Ask on a terminal before cancelling jobs on Ctrl-C.
    public var askBeforeCancel: Bool = true

    /// Settings with defaults for `binary`.
    public init(binary: String) { self.binary = binary }

    /// The absolute path of the running executable (what jobs should run by default).
    public static var currentExecutable: String {
        // try?: without /proc the path the command was started with serves
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        let arg0 = CommandLine.arguments.first ?? "spfflow"
        return arg0.hasPrefix("/") ? arg0 : FileManager.default.currentDirectoryPath + "/" + arg0
    }

    /// The run-unique job name for a manifest on a cache: the same for every driver of that pair, so a
    /// restarted driver finds the jobs an earlier one left in the queue.
    public static func jobName(manifestPath: String, cacheDirectory: URL) -> String {
        "spf-" + SHA256.hex(of: URL(fileURLWithPath: manifestPath).standardizedFileURL.path + "\n" + cacheDirectory.standardizedFileURL.path).prefix(12)
    }
}

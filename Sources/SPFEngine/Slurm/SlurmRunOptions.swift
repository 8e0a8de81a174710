import Foundation

/// How the Slurm driver runs: the run-unique job name, where scripts/records/logs go, the command each
/// job runs, polling and retry policy.
public struct SlurmRunOptions: Sendable {
    /// The job name every job of this run carries; one `squeue --name` per poll lists them all.
    public var jobName: String
    /// Directory (on the shared file system) for batch scripts, submission records and job logs.
    public var workDirectory: URL
    /// The command a job runs, before the node id (e.g. `[spfflow, "exec-node", "--cache", dir, manifest]`).
    public var command: [String]
    /// Extra environment exported by the batch script.
    public var environment: [(String, String)]
    /// Seconds between polls.
    public var pollInterval: Double
    /// Extra attempts after a failed one (0: none). A job cancelled by a user is never retried.
    public var retries: Int
    /// Memory multiplied by this per retry attempt (1: unchanged).
    public var memoryGrowth: Double
    /// Wall time multiplied by this per retry attempt (1: unchanged).
    public var timeGrowth: Double
    /// At most this many tasks of one array run at once (`%N`); 0: no throttle.
    public var arrayThrottle: Int
    /// Seconds to keep looking for a node's commit record after its job finished "successfully" or left
    /// the queue (shared file systems show new files late); failed jobs get one more poll only.
    public var commitGrace: Double
    /// Whether to ask on a terminal before cancelling jobs on Ctrl-C.
    public var askBeforeCancel: Bool
    /// Seconds (and at least two polls) a job Slurm shows RUNNING must stay known dead (its process gone)
    /// before the driver cancels it and counts it LOST: a process that crashed is normally seen ended
    /// by Slurm well within this.
    public var lostGrace: Double = 3

    /// Makes options with defaults: poll every 2 s, no retries, growth 1, throttle 32, grace 30 s.
    public init(jobName: String, workDirectory: URL, command: [String], environment: [(String, String)] = [],
                pollInterval: Double = 2, retries: Int = 0, memoryGrowth: Double = 1, timeGrowth: Double = 1,
                arrayThrottle: Int = 32, commitGrace: Double = 30, askBeforeCancel: Bool = true) {
        self.jobName = jobName
        self.workDirectory = workDirectory
        self.command = command
        self.environment = environment
        self.pollInterval = pollInterval
        self.retries = retries
        self.memoryGrowth = memoryGrowth
        self.timeGrowth = timeGrowth
        self.arrayThrottle = arrayThrottle
        self.commitGrace = commitGrace
        self.askBeforeCancel = askBeforeCancel
    }

    /// Batch scripts.
    var scriptsDirectory: URL { workDirectory.appendingPathComponent("scripts") }
    /// One JSON record per submission (token -> nodes, keys, attempt, job id).
    var submissionsDirectory: URL { workDirectory.appendingPathComponent("submissions") }
    /// Job output (stdout and stderr).
    var logsDirectory: URL { workDirectory.appendingPathComponent("logs") }
}

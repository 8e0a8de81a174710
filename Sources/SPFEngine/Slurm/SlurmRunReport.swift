/// What a Slurm run did: which nodes committed, which failed (with job id and log), which could not
/// run because an input failed, and how many scheduler calls it cost.
public struct SlurmRunReport: Sendable {
    /// A node that failed on the cluster.
    public struct FailedNode: Sendable, Equatable, CustomStringConvertible {
        /// The node id.
        public var node: String
        /// The Slurm job id of its last attempt (`123` or `120_4` for an array task).
        public var jobID: String
        /// The job's output file.
        public var logPath: String
        /// The last state Slurm reported (or `UNKNOWN` once the job left the queue).
        public var state: String
        /// Attempts made.
        public var attempts: Int

        /// `node (slurm job J, STATE after N attempts): log PATH`.
        public var description: String {
            "\(node) (slurm job \(jobID), \(state) after \(attempts) attempt\(attempts == 1 ? "" : "s")): log \(logPath)"
        }
    }

    /// Nodes whose commit record exists at the end.
    public var committed: [String]
    /// Nodes that failed.
    public var failed: [FailedNode]
    /// Nodes not run because an input failed.
    public var blocked: [String]
    /// Nodes that were already running under an earlier driver of this run and were waited for.
    public var adopted: [String]
    /// Submissions: `sbatch` calls made by this driver, and node ids submitted (with repeats for retries).
    public var submissions: Int
    /// Node ids submitted by this driver (a node appears once per attempt).
    public var submittedNodes: [String]
    /// Polls made.
    public var polls: Int
    /// Scheduler calls by program.
    public var schedulerCalls: [String: Int]

    /// True when every node committed.
    public var succeeded: Bool { failed.isEmpty && blocked.isEmpty }
}

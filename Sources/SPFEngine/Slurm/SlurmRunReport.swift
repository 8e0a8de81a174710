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
        /// What Slurm says about the end: the state and what it means, the exit status or signal, the
        /// limit it hit, the node (e.g. `OUT_OF_MEMORY: killed by the out-of-memory handler: it used more
        /// than its memory limit --mem 200M, exit code 0:125, on localhost`).
        public var reason: String
        /// Where `reason` came from: `sacct`, `scontrol` or `squeue`.
        public var reasonSource: String
        /// Polls that saw the job over before the driver settled it (1: noticed on the first poll after it ended;
        /// 0 for a job found LOST while Slurm still showed it running).
        public var noticedAfterPolls: Int
        /// How soon it was noticed, for people (`noticed 1 poll after the job ended`).
        public var noticed: String

        /// Makes a record; `reason` defaults to `state`.
        public init(node: String, jobID: String, logPath: String, state: String, attempts: Int, reason: String? = nil,
                    reasonSource: String = "squeue", noticedAfterPolls: Int = 0, noticed: String = "") {
            self.node = node
            self.jobID = jobID
            self.logPath = logPath
            self.state = state
            self.attempts = attempts
            self.reason = reason ?? state
            self.reasonSource = reasonSource
            self.noticedAfterPolls = noticedAfterPolls
            self.noticed = noticed
        }

        /// `node (slurm job J, REASON, after N attempts): log PATH`.
        public var description: String {
            "\(node) (slurm job \(jobID), \(reason), after \(attempts) attempt\(attempts == 1 ? "" : "s")): log \(logPath)"
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

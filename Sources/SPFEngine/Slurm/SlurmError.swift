/// A failure of the Slurm executor or of a Slurm command, with the node and job it concerns.
public struct SlurmError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// A Slurm command (`sbatch`, `squeue`, `scancel`, `sinfo`) is not on PATH.
        case commandNotFound
        /// A Slurm command exited non-zero or timed out.
        case commandFailed
        /// A Slurm command printed something this code cannot read.
        case unexpectedOutput
        /// A manifest-derived value cannot be passed to Slurm (e.g. it contains a NUL byte).
        case invalidValue
        /// A resource spec in the manifest is malformed (memory, time, cpus...).
        case invalidResources
        /// One or more nodes failed on the cluster.
        case nodesFailed
        /// The run was interrupted (SIGINT/SIGTERM) and its jobs were cancelled.
        case interrupted
    }

    /// What went wrong.
    public let code: Code
    /// Human-readable message with context.
    public let message: String
    /// The node concerned, when there is one.
    public var node: String?
    /// The Slurm job id concerned, when there is one.
    public var jobID: String?

    /// Makes an error.
    public init(_ code: Code, _ message: String, node: String? = nil, jobID: String? = nil) {
        self.code = code
        self.message = message
        self.node = node
        self.jobID = jobID
    }

    /// `message` prefixed with the node and job id when known.
    public var description: String {
        var prefix = ""
        if let node { prefix += "node '\(node)': " }
        if let jobID { prefix += "slurm job \(jobID): " }
        return prefix + message
    }
}

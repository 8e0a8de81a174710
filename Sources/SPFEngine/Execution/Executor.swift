import Foundation

/// One node that is ready to compute, as the scheduler hands it to an executor.
/// Every upstream output it reads is committed in the cache before `execute` is called.
public struct NodeJob: Sendable {
    /// Node id in the expanded manifest.
    public let nodeID: String
    /// The node's kind name.
    public let kind: String
    /// The node key (also the lease key).
    public let key: String
    /// Output name -> object key; the node is done when every one is committed.
    public let objects: [String: String]
    /// Threads the node may use (its share of `--jobs`).
    public let threads: Int
    /// Absolute path of the manifest (what `spfflow exec-node` is given).
    public let manifestPath: String
    /// The cache directory (what `spfflow exec-node --cache` is given).
    public let cacheDirectory: URL
    /// The run this job belongs to (`spfflow exec-node --run-id`).
    public let runID: String
    /// Where the node's log goes.
    public let logFile: URL
    /// True when `--force` asked for this node to be recomputed even if cached.
    public let force: Bool
    /// The run as far as it got when this job was made (see `RunSnapshot`), built on demand; an in-process
    /// executor hands it to the node as `NodeContext.runSnapshot`. Not part of the node's key.
    public let runSnapshot: @Sendable () -> RunSnapshot?

    /// Makes a job.
    public init(nodeID: String, kind: String, key: String, objects: [String: String], threads: Int, manifestPath: String,
                cacheDirectory: URL, runID: String, logFile: URL, force: Bool,
                runSnapshot: @escaping @Sendable () -> RunSnapshot? = { nil }) {
        self.nodeID = nodeID
        self.kind = kind
        self.key = key
        self.objects = objects
        self.threads = threads
        self.manifestPath = manifestPath
        self.cacheDirectory = cacheDirectory
        self.runID = runID
        self.logFile = logFile
        self.force = force
        self.runSnapshot = runSnapshot
    }

    /// The command line that computes exactly this node into the cache (what a batch job runs).
    public func execNodeArguments(binary: String) -> [String] {
        [binary, "exec-node", manifestPath, nodeID, "--cache", cacheDirectory.path, "--run-id", runID] + (force ? ["--force"] : [])
    }
}

/// How a job ended.
public enum NodeOutcome: Sendable, Equatable {
    /// This executor computed and committed the node's outputs.
    case computed
    /// Another process (a concurrent run) committed them while this one waited for the node's lease.
    case computedElsewhere
    /// The node failed; the message says why (the log has details).
    case failed(String)
}

/// Receives live events from running nodes (the run's progress display and logs).
public protocol NodeEventSink: Sendable {
    /// A node reported progress (fraction in 0...1).
    func progress(node: String, fraction: Double, message: String)
    /// A node is waiting for another process that holds its lease.
    func waiting(node: String, holder: String)
}

/// Runs ready nodes. The scheduler (`RunScheduler`) decides what is ready and calls `execute` from up to
/// `capacity` threads at once (a job that asks for T threads takes min(T, capacity) of those slots);
/// the executor computes the node into the cache and returns when its outputs are committed or it failed.
///
/// Contract for implementations (the local executor, and a Slurm executor that submits
/// `job.execNodeArguments(binary:)` with `sbatch` and waits for it):
/// - `execute` blocks until the node is done; it never throws: failures are `.failed(message)`.
/// - Success means every object key in `job.objects` has a commit record in `job.cacheDirectory`
///   (the scheduler re-checks this; an executor that returns `.computed` without it gets the node failed).
/// - The node's log is written to `job.logFile`.
/// - Progress can be reported through `events` when the executor can observe it (the local one does).
public protocol Executor: Sendable {
    /// A short name for records and messages, e.g. "local" or "slurm".
    var name: String { get }
    /// Maximum thread slots in flight at once (`--jobs` for the local executor).
    var capacity: Int { get }
    /// Computes one node into the cache (blocking).
    func execute(_ job: NodeJob, events: any NodeEventSink) -> NodeOutcome
    /// Called once before the first `execute` with every job the run will schedule (dependency order) and,
    /// per node id, the ids among them it reads. Executors that submit ahead (Slurm: `afterok`
    /// dependencies, job arrays) use it; the default does nothing.
    func prepare(_ jobs: [NodeJob], upstream: [String: [String]])
}

extension Executor {
    /// Default: nothing to prepare.
    public func prepare(_ jobs: [NodeJob], upstream: [String: [String]]) {}
}

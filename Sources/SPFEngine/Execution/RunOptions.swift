/// Options of `spfflow run`.
public struct RunOptions: Sendable {
    /// Thread slots (default: one per core).
    public var jobs: Int
    /// Keep running independent nodes after a failure.
    public var keepGoing: Bool
    /// Run only these nodes and what they need (empty = everything).
    public var until: [String]
    /// Recompute these nodes even if cached.
    public var force: [String]
    /// Live progress style.
    public var progress: ProgressMode
    /// Seconds between plain progress lines.
    public var progressInterval: Double
    /// Print one line per cached node (otherwise a count).
    public var showCached: Bool
    /// Memory (MiB) the nodes in flight may ask for together, from their `resources.memory` (nil: no limit).
    /// A node that would take the sum past it waits for running nodes to finish; a node that asks for more than
    /// the whole limit fails the run before anything starts. Nodes without `resources.memory` count as 0.
    public var memoryLimitMB: Int?

    /// Makes options.
    public init(jobs: Int, keepGoing: Bool = false, until: [String] = [], force: [String] = [],
                progress: ProgressMode = .auto, progressInterval: Double = 10, showCached: Bool = true,
                memoryLimitMB: Int? = nil) {
        self.jobs = jobs
        self.keepGoing = keepGoing
        self.until = until
        self.force = force
        self.progress = progress
        self.progressInterval = progressInterval
        self.showCached = showCached
        self.memoryLimitMB = memoryLimitMB
    }
}

/// The outcome of `spfflow run`.
public struct RunSummary: Sendable {
    /// The run record as saved.
    public let record: RunRecord
    /// Failed nodes with their absolute log paths.
    public let failures: [(node: String, log: String, error: String)]
    /// True when every requested node is cached or computed.
    public var succeeded: Bool { record.state == .succeeded }
}

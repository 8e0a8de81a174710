import Foundation

/// What happened to one node in a run (or what a plan expects to happen).
public enum NodeStatus: String, Codable, Sendable {
    /// Not started yet (a run still in progress, or stopped before it).
    case pending
    /// Its outputs were already in the cache.
    case cached
    /// Computed by this run.
    case ran
    /// Another process computed it while this run waited on its lease.
    case computedElsewhere = "computed-elsewhere"
    /// Failed; see `error` and the log.
    case failed
    /// Not run because an upstream node failed.
    case skipped
    /// Not needed (outside `--until`).
    case notRequested = "not-requested"
}

/// One node's entry in a run record: its key components (so `plan` can explain a later change),
/// what happened, how long it took, and where its log is.
public struct NodeRunEntry: Codable, Sendable {
    /// Node id.
    public var id: String
    /// Node key.
    public var key: String
    /// Everything the key was computed from.
    public var components: KeyComponents
    /// Non-key params (canonical JSON), recorded for information.
    public var nonKeyParams: [String: String]
    /// Output name -> object key.
    public var objects: [String: String]
    /// What happened.
    public var status: NodeStatus
    /// Why the node ran (plan reason), when it ran.
    public var reason: String?
    /// Wall seconds (computing or checking).
    public var seconds: Double?
    /// The node's log, relative to the cache directory.
    public var log: String?
    /// The error, when it failed.
    public var error: String?
}

/// A run record, `runs/<run-id>/run.json` under the cache: the manifest, the command, timing, and every node.
public struct RunRecord: Codable, Sendable {
    /// Overall state of a run.
    public enum State: String, Codable, Sendable {
        /// Still going (or killed: see `pid`).
        case running
        /// Every requested node is cached or ran.
        case succeeded
        /// At least one node failed.
        case failed
    }

    /// Sortable id, `YYYYMMDD-HHMMSS-<pid>-<rand>`.
    public var id: String
    /// `run` or `exec-node`.
    public var command: String
    /// The manifest's name.
    public var manifestName: String
    /// The manifest file (absolute).
    public var manifestPath: String
    /// Host and PID of the process that wrote the record.
    public var host: String
    /// PID.
    public var pid: Int32
    /// Start time.
    public var startedAt: Date
    /// End time, when finished.
    public var endedAt: Date?
    /// State.
    public var state: State
    /// Parallel jobs.
    public var jobs: Int
    /// The executor's name.
    public var executor: String
    /// Nodes in manifest order.
    public var nodes: [NodeRunEntry]
}

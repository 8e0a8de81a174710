import Foundation

/// A read-only view of the run a node is part of, taken when the node starts: every node of the
/// manifest that is finished by then (found in the cache, computed, or failed) with its kind, the
/// nodes it reads and its wall time. A report node uses it to draw the DAG with what was cached and
/// what ran, and the run's timings.
///
/// The snapshot is **not** part of the node's cache key (nothing about it is hashed), so a node's
/// output does not change because an upstream node came from the cache this time. Consequently a
/// cached output that was built from a snapshot (e.g. a report) shows the run that produced it, not
/// a later run that found it in the cache.
///
/// Available through `NodeContext.runSnapshot` when the node runs in the process that schedules the
/// run (the local executor); nil for a node computed on its own (`spfflow exec-node`, batch jobs).
public struct RunSnapshot: Sendable, Equatable {
    /// What happened to a finished node.
    public enum Status: String, Sendable, Equatable {
        /// Its outputs were in the cache when the run planned it (or a concurrent run computed them).
        case cached
        /// This run computed it.
        case ran
        /// This run tried to compute it and it failed.
        case failed
        /// The node the snapshot was taken for, which is running now (its seconds are 0).
        case running
    }

    /// One finished node.
    public struct Node: Sendable, Equatable {
        /// Node id in the expanded manifest.
        public var id: String
        /// Its kind's registered name.
        public var kind: String
        /// Ids of the nodes it reads (sorted, deduplicated).
        public var inputs: [String]
        /// What happened to it.
        public var status: Status
        /// Wall seconds this run spent on it (0 for a node found in the cache).
        public var seconds: Double

        /// Makes a node entry.
        public init(id: String, kind: String, inputs: [String], status: Status, seconds: Double) {
            self.id = id
            self.kind = kind
            self.inputs = inputs
            self.status = status
            self.seconds = seconds
        }
    }

    /// The run's id (as in `runs/<id>/run.json`).
    public var runID: String
    /// The manifest's name.
    public var manifestName: String
    /// When the run started.
    public var startedAt: Date
    /// When the snapshot was taken (the node's start).
    public var takenAt: Date
    /// Every node of the manifest finished when the snapshot was taken, in manifest order, and the
    /// node it was taken for (status `running`).
    public var nodes: [Node]

    /// Makes a snapshot.
    public init(runID: String, manifestName: String, startedAt: Date, takenAt: Date, nodes: [Node]) {
        self.runID = runID
        self.manifestName = manifestName
        self.startedAt = startedAt
        self.takenAt = takenAt
        self.nodes = nodes
    }
}

extension RunSnapshot {
    /// The snapshot of a run record: cached, computed-elsewhere, ran and failed nodes, and node
    /// `current` as running; other pending, skipped and not-requested nodes are left out.
    package init(record: RunRecord, manifest: Manifest, current: Int?, takenAt: Date = Date()) {
        var nodes: [Node] = []
        for (i, entry) in record.nodes.enumerated() where i < manifest.nodes.count {
            var status = Status.running
            if i != current {
                switch entry.status {
                case .cached, .computedElsewhere: status = .cached
                case .ran: status = .ran
                case .failed: status = .failed
                case .pending, .skipped, .notRequested: continue
                }
            }
            let n = manifest.nodes[i]
            nodes.append(Node(id: n.id, kind: n.kindName, inputs: n.upstreamIDs, status: status,
                              seconds: status == .ran || status == .failed ? entry.seconds ?? 0 : 0))
        }
        self.init(runID: record.id, manifestName: record.manifestName, startedAt: record.startedAt, takenAt: takenAt, nodes: nodes)
    }
}

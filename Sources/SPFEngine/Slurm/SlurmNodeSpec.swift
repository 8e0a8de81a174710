/// One node the Slurm driver must get committed: its id, cache key, array group, the nodes of the
/// same run it waits for, and its resources.
public struct SlurmNodeSpec: Sendable, Hashable {
    /// The node id (passed to the job as the task argument).
    public var id: String
    /// The node's cache key: a job of an earlier driver of the same run is adopted only for the same key.
    public var key: String
    /// Nodes with equal group, resources and upstream set are submitted together as one job array
    /// (e.g. the manifest template a matrix expanded from).
    public var group: String
    /// Ids of the nodes of this run that this node reads (nodes already committed are left out).
    public var upstream: [String]
    /// What the node asks of the cluster.
    public var resources: SlurmResources

    /// Makes a spec.
    public init(id: String, key: String, group: String, upstream: [String], resources: SlurmResources) {
        self.id = id
        self.key = key
        self.group = group
        self.upstream = upstream
        self.resources = resources
    }
}

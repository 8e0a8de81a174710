import SPFEngine

/// `test.run-snapshot`: records what `NodeContext.runSnapshot` showed when the node started, one line
/// per node `<id> <kind> <status> <inputs comma-separated>` in attribute `snapshot` (empty without one).
public struct RecordRunSnapshot: NodeKind {
    /// Kind name.
    public static let name = "test.run-snapshot"
    /// Implementation version.
    public static let version = 1
    /// Summary.
    public static let summary = "Records the run snapshot the node sees (engine tests)."
    /// Inputs.
    public static let inputs = [InputSpec("after", list: true, doc: "nodes to run after (not read)")]
    /// Makes the kind.
    public init() {}

    /// Writes attribute `snapshot` and dataset `nodes` [1] (how many nodes the snapshot lists).
    public func run(_ context: NodeContext) throws {
        let snapshot = context.runSnapshot
        let lines = snapshot?.nodes.map { "\($0.id) \($0.kind) \($0.status.rawValue) \($0.inputs.joined(separator: ","))" } ?? []
        let out = try context.output()
        try out.setAttribute("snapshot", lines.joined(separator: "\n"))
        try out.setAttribute("run", snapshot?.runID ?? "")
        try out.write("nodes", shape: [1], values: [Int64(lines.count)])
    }
}

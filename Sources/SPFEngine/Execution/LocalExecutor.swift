import Foundation

/// The local executor: computes nodes in this process, up to `capacity` thread slots at once
/// (`--jobs`, default one per core). Each node sees the job's run snapshot as `NodeContext.runSnapshot`.
public struct LocalExecutor: Executor {
    /// "local".
    public let name = "local"
    /// Thread slots.
    public let capacity: Int
    private let runner: NodeRunner

    package init(runner: NodeRunner, capacity: Int) {
        self.runner = runner
        self.capacity = max(1, capacity)
    }

    /// Computes the node in-process.
    public func execute(_ job: NodeJob, events: any NodeEventSink) -> NodeOutcome {
        guard let index = runner.graph.manifest.index[job.nodeID] else { return .failed("unknown node \(job.nodeID)") }
        return runner.compute(index: index, runID: job.runID, logFile: job.logFile, threads: job.threads, force: job.force, events: events,
                              runSnapshot: job.runSnapshot)
    }
}

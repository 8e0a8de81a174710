import Foundation

/// The local executor: computes nodes in this process, up to `capacity` thread slots at once
/// (`--jobs`, default one per core). Each node sees the job's run snapshot as `NodeContext.runSnapshot`.
/// Nodes of kinds that ask for it (``NodeKind/runsInOwnProcess``) run through `isolation`, one
/// `spfflow exec-node` process each, when the executor has one.
public struct LocalExecutor: Executor {
    /// "local".
    public let name = "local"
    /// Thread slots.
    public let capacity: Int
    private let runner: NodeRunner
    /// Runs the nodes whose kinds ask for their own process.
    private let isolation: ProcessExecutor?

    package init(runner: NodeRunner, capacity: Int, isolation: ProcessExecutor? = nil) {
        self.runner = runner
        self.capacity = max(1, capacity)
        self.isolation = isolation
    }

    /// Computes the node in-process.
    public func execute(_ job: NodeJob, events: any NodeEventSink) -> NodeOutcome {
        guard let index = runner.graph.manifest.index[job.nodeID] else { return .failed("unknown node \(job.nodeID)") }
        if let isolation, runner.graph.manifest.nodes[index].kind.runsInOwnProcess {
            return isolation.execute(job, events: events)
        }
        return runner.compute(index: index, runID: job.runID, logFile: job.logFile, threads: job.threads, force: job.force, events: events,
                              runSnapshot: job.runSnapshot)
    }
}

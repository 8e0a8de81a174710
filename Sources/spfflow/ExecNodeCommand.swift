import ArgumentParser
import CommandSupport
import Foundation
import SPFEngine

/// `spfflow exec-node MANIFEST NODE`: computes exactly one node into the cache (what batch jobs run).
struct ExecNodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec-node",
        abstract: "Compute exactly one node into the cache; its inputs must already be cached.")

    @OptionGroup var manifest: ManifestOptions

    @Argument(help: "The node id (after expansion).")
    var node: String

    @Option(name: .long, help: "The parent run's id (the log goes into that run's logs/).")
    var runId: String?

    @Option(name: .long, help: "Threads for the node (default: the kind's request, at most one per core).")
    var threads: Int?

    @Flag(name: .long, help: "Recompute even if cached.")
    var force = false

    func run() throws {
        let result = try reportingEngineErrors { () throws -> EngineSession.ExecNodeResult in
            let session = try manifest.session()
            let i = try session.nodeIndex(node, option: "exec-node")
            let n = threads ?? min(session.manifest.nodes[i].threads, ProcessInfo.processInfo.activeProcessorCount)
            return try session.execNode(node, runID: runId, force: force, threads: max(1, n))
        }
        switch result {
        case .cached: print("cached    \(node)")
        case .computed: print("ran       \(node)")
        case .computedElsewhere: print("cached    \(node)  (computed by a concurrent process)")
        case .failed(let message, let log):
            StandardStreams.error("spfflow: node '\(node)' failed: \(message)\n  log: \(log)\n")
            throw ExitCode(1)
        }
    }
}

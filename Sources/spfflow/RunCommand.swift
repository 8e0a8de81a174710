import ArgumentParser
import CommandSupport
import Foundation
import SPFEngine

/// `spfflow run MANIFEST`: computes every node that is not cached, in parallel, resuming from the cache.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a manifest: compute what is not cached (in parallel), print per-node results, write a run record.")

    @OptionGroup var manifest: ManifestOptions

    @Option(name: [.short, .long], help: "Thread slots for nodes at once (default: one per core).")
    var jobs: Int?

    @Flag(name: .long, help: "Keep computing independent nodes after a failure.")
    var keepGoing = false

    @Option(name: .long, help: "Stop after this node (and what it needs); repeatable.")
    var until: [String] = []

    @Option(name: .long, help: "Recompute this node even if cached; repeatable.")
    var force: [String] = []

    @Option(name: .long, help: "Progress display.")
    var progress: ProgressMode = .auto

    @Option(name: .long, help: "Seconds between plain progress lines.")
    var progressInterval: Double = 10

    @Flag(name: .long, help: "Print a count instead of one line per cached node.")
    var quietCached = false

    @Option(name: .long, help: ArgumentHelp(
        "Memory the nodes running at once may ask for together (e.g. 8G; local and process executors).",
        discussion: "A node's request is its `resources.memory` (nodes without one count as 0); a node waits until it fits beside the running ones. Default: no limit."))
    var memory: String?

    @Option(name: .long, help: "Where the nodes run: in this process, one process per node, or one Slurm job per node.")
    var executor: ExecutorChoice = .local

    @OptionGroup var slurm: SlurmCommandOptions

    func run() throws {
        let (session, summary) = try reportingEngineErrors { () throws -> (EngineSession, RunSummary) in
            if let jobs, jobs < 1 { throw EngineError(.usage, "--jobs must be at least 1") }
            let memoryLimitMB = try memory.map { text in
                do { return try SlurmResources.parseMemoryMB(text) } catch let error as SlurmError {
                    throw EngineError(.usage, "--memory: \(error.message)")
                }
            }
            if memoryLimitMB != nil && executor == .slurm {
                throw EngineError(.usage, "--memory is for the local and process executors; on Slurm each node's resources.memory is its --mem request")
            }
            let session = try manifest.session()
            let options = RunOptions(jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, keepGoing: keepGoing,
                                     until: until, force: force, progress: progress, progressInterval: progressInterval,
                                     showCached: !quietCached, memoryLimitMB: memoryLimitMB)
            if executor == .slurm { return (session, try runOnSlurm(session: session, options: options, slurm: slurm)) }
            let factory = executor.factory
            // try?: without /proc (not Linux) the path the command was started with serves as well
            let binary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let chosen = try factory.make(ExecutorSetup(session: session, jobs: options.jobs, binary: binary))
            return (session, try session.run(options: options, executor: chosen))
        }
        // The headline figures nodes stored on their outputs (attribute `figures`), whether they ran or were cached.
        if summary.succeeded {
            let lines = session.outputAttributeLines("figures", of: summary.record)
            if !lines.isEmpty { StandardStreams.out(lines.joined(separator: "\n") + "\n") }
        }
        if !summary.succeeded {
            for f in summary.failures {
                StandardStreams.error("spfflow: node '\(f.node)' failed: \(f.error)\n  log: \(f.log)\n")
            }
            if summary.failures.isEmpty {
                StandardStreams.error("spfflow: run \(summary.record.id) did not complete\n")
            }
            throw ExitCode(1)
        }
    }
}

import ArgumentParser
import Foundation
import SPFEngine

/// The options of `spfflow run --executor slurm`.
struct SlurmCommandOptions: ParsableArguments {
    @Option(name: .long, help: "Slurm: seconds between polls of the queue (one squeue call per poll).")
    var slurmPoll: Double = 2

    @Option(name: .long, help: "Slurm: extra attempts for a failed node (a job cancelled by a user is not retried).")
    var retries: Int = 0

    @Option(name: .long, help: "Slurm: multiply a node's memory by this on each retry.")
    var retryMemoryFactor: Double = 1

    @Option(name: .long, help: "Slurm: multiply a node's wall time by this on each retry.")
    var retryTimeFactor: Double = 1

    @Option(name: .long, help: "Slurm: at most this many tasks of one job array at once (%N; 0 = no limit).")
    var arrayThrottle: Int = 32

    @Option(name: .long, help: "Slurm: seconds to wait for a node's commit record after its job ended (shared file systems).")
    var commitGrace: Double = 30

    @Option(name: .long, help: "Slurm: the spfflow binary jobs run (default: this one; must be visible on the compute nodes).")
    var slurmSpfflow: String?

    @Flag(name: .long, help: "Slurm: on Ctrl-C cancel the run's jobs without asking.")
    var noCancelPrompt = false

    /// The executor settings these options describe.
    func settings() throws -> SlurmExecutorSettings {
        guard slurmPoll > 0, retries >= 0, retryMemoryFactor >= 1, retryTimeFactor >= 1, arrayThrottle >= 0, commitGrace >= 0 else {
            throw EngineError(.usage, "--slurm-poll must be > 0, --retries/--array-throttle/--commit-grace >= 0, retry factors >= 1")
        }
        var s = SlurmExecutorSettings(binary: slurmSpfflow ?? SlurmExecutorSettings.currentExecutable)
        s.pollInterval = slurmPoll
        s.retries = retries
        s.retryMemoryFactor = retryMemoryFactor
        s.retryTimeFactor = retryTimeFactor
        s.arrayThrottle = arrayThrottle
        s.commitGrace = commitGrace
        s.askBeforeCancel = !noCancelPrompt
        return s
    }
}

extension RunCommand {
    /// Runs the manifest with the Slurm executor, then waits for the jobs still settling and prints
    /// the scheduler figures and each failed node with its job id and log.
    func runOnSlurm(session: EngineSession, options: RunOptions, slurm: SlurmCommandOptions) throws -> RunSummary {
        guard options.force.isEmpty else {
            throw EngineError(.usage, "--force is not supported with --executor slurm (run `spfflow exec-node --force` for that node)")
        }
        let client = SlurmClient()
        if let reason = client.unavailableReason() {
            throw EngineError(.usage, "--executor slurm: no Slurm controller answers (\(reason)); scripts/slurm-local.sh start runs one on this machine")
        }
        let executor = SlurmExecutor(session: session, settings: try slurm.settings(), client: client) { line in
            StandardStreams.out(line + "\n")
        }
        let summary = try session.run(options: options, executor: executor)
        let (report, _) = executor.finish()
        if let report {
            let calls = report.schedulerCalls.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let perPoll = report.polls > 0 ? Double(report.schedulerCalls["squeue", default: 0]) / Double(report.polls) : 0
            print("slurm: job name \(executor.jobName): \(report.submissions) submission(s) for \(report.submittedNodes.count) node attempt(s), \(report.adopted.count) adopted, \(report.polls) poll(s), \(String(format: "%.2f", perPoll)) squeue call(s) per poll; calls: \(calls)")
            for f in report.failed {
                let noticed = f.noticed.isEmpty ? "" : "; " + f.noticed
                StandardStreams.error("spfflow: node '\(f.node)' failed on Slurm: job \(f.jobID) \(f.reason) (from \(f.reasonSource)), after \(f.attempts) attempt\(f.attempts == 1 ? "" : "s")\(noticed); job output \(f.logPath)\n")
            }
        }
        return summary
    }
}

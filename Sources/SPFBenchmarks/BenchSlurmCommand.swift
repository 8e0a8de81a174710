import ArgumentParser
import CommandSupport
import Foundation
import Pipelines
import SPFEngine

/// `spfflow bench slurm`: the overhead of running trivial nodes through Slurm against the local
/// executor (a chain, where every hop waits for the previous job, and a fan-out submitted as one job
/// array), and the scheduler calls each poll costs. Needs a Slurm controller (scripts/slurm-local.sh start).
struct BenchSlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Per-node overhead of the Slurm executor vs local for trivial nodes; scheduler calls per poll.")

    @Option(name: .long, help: "Nodes in the chain and in the fan-out.")
    var nodes: Int = 12

    @Option(name: .long, help: "Seconds between polls of the queue.")
    var poll: Double = 0.25

    func run() throws {
        guard nodes >= 2, poll > 0 else { throw ValidationError("--nodes must be >= 2 and --poll > 0") }
        try CommandKinds.requireTestKinds(for: "spfflow bench slurm")
        let client = SlurmClient()
        if let reason = client.unavailableReason() {
            throw ValidationError("no Slurm controller answers (\(reason)); run scripts/slurm-local.sh start first")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-bench-slurm-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // try?: the benchmark's scratch folder
        defer { try? FileManager.default.removeItem(at: dir) }

        var chain = "name: bench-chain\nnodes:\n  - id: c0\n    kind: test.generate\n    params: {count: 1}\n"
        for i in 1..<nodes {
            chain += "  - id: c\(i)\n    kind: test.scale\n    inputs: {data: c\(i - 1)}\n"
        }
        let fan = "name: bench-fan\nnodes:\n  - id: f-${i}\n    kind: test.generate\n    over: {i: [\((0..<nodes).map { "\"\($0)\"" }.joined(separator: ", "))]}\n    seed: \"${i}\"\n    params: {count: 1}\n"
        let chainURL = dir.appendingPathComponent("chain.yaml")
        let fanURL = dir.appendingPathComponent("fan.yaml")
        try chain.write(to: chainURL, atomically: true, encoding: .utf8)
        try fan.write(to: fanURL, atomically: true, encoding: .utf8)

        var figures: [(String, Double, String)] = []
        for (label, url) in [("chain", chainURL), ("fanout", fanURL)] {
            let local = try timeRun(manifest: url, cache: dir.appendingPathComponent("\(label)-local"), slurm: nil)
            var settings = SlurmExecutorSettings(binary: SlurmExecutorSettings.currentExecutable)
            settings.pollInterval = poll
            settings.commitGrace = 5
            settings.askBeforeCancel = false
            let slurm = try timeRun(manifest: url, cache: dir.appendingPathComponent("\(label)-slurm"), slurm: settings)
            let n = Double(nodes)
            figures.append(("slurm_\(label)_local_per_node", local.seconds / n, "s"))
            figures.append(("slurm_\(label)_slurm_per_node", slurm.seconds / n, "s"))
            figures.append(("slurm_\(label)_overhead_per_node", (slurm.seconds - local.seconds) / n, "s"))
            if let report = slurm.report {
                let squeue = Double(report.schedulerCalls["squeue", default: 0])
                figures.append(("slurm_\(label)_polls", Double(report.polls), "polls"))
                figures.append(("slurm_\(label)_squeue_calls_per_poll", report.polls > 0 ? squeue / Double(report.polls) : 0, "calls"))
                figures.append(("slurm_\(label)_sbatch_calls_per_node", Double(report.schedulerCalls["sbatch", default: 0]) / n, "calls"))
                figures.append(("slurm_\(label)_sacct_calls", Double(report.schedulerCalls["sacct", default: 0]), "calls"))
            }
        }
        for (name, value, unit) in figures {
            print("figure \(name) = \(String(format: "%.3f", value)) \(unit)")
        }
    }

    /// Runs the manifest on a fresh cache (local executor, or Slurm with `slurm`); wall seconds and the Slurm report.
    private func timeRun(manifest: URL, cache: URL, slurm: SlurmExecutorSettings?) throws -> (seconds: Double, report: SlurmRunReport?) {
        let session = try EngineSession(manifestPath: manifest.path, cacheOverride: cache.path, registry: CommandKinds.registry)
        let options = RunOptions(jobs: ProcessInfo.processInfo.activeProcessorCount, progress: .none, showCached: false)
        let started = Date()
        if let slurm {
            let executor = SlurmExecutor(session: session, settings: slurm) { _ in }
            let summary = try session.run(options: options, executor: executor)
            let (report, error) = executor.finish()
            guard summary.succeeded else { throw ValidationError("the Slurm run of \(manifest.lastPathComponent) failed: \(error ?? "see \(cache.path)")") }
            return (Date().timeIntervalSince(started), report)
        }
        let summary = try session.run(options: options)
        guard summary.succeeded else { throw ValidationError("the local run of \(manifest.lastPathComponent) failed") }
        return (Date().timeIntervalSince(started), nil)
    }
}

import ArgumentParser
import CommandSupport
import Foundation
import Pipelines
import SPFEngine

/// `spfflow bench ensemble`: peak memory and throughput of the nightly ensemble path (load a model,
/// stage nodes per member block, streaming merge and export) for a small and a large ensemble, each
/// run in its own child process that reports its peak RSS (VmHWM). Prints
/// `figure ensemble_peak_rss_ratio` (large / small; target ≤ 1.2), `figure member_years_per_s` and, with
/// `--largest`, `figure ensemble_peak_rss_ratio_<largest>` (largest / large, e.g. 10,000 against 1,000 members).
struct BenchEnsembleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ensemble",
        abstract: "Peak RSS of 1,000 vs 100 streamed members and member-years per second of the nightly path; prints figures.")

    @Option(help: "Trained model file (spf.load-model `file`); default: train one with the smoke manifest.")
    var model: String?
    @Option(help: "Manifest that trains the model (node `train-spf`) when --model is not given.")
    var trainManifest: String = "Manifests/smoke.yaml"
    @Option(help: "ESM of the model to emulate.") var esm: String = "CESM2"
    @Option(help: "Members of the small ensemble.") var small: Int = 100
    @Option(help: "Members of the large ensemble.") var large: Int = 1000
    @Option(help: "Members of the largest ensemble (against --large; 0: not run).") var largest: Int = 10000
    @Option(help: "Members per block (stage node).") var block: Int = 100
    @Option(help: "Years of the monthly product (trajectory length; 1 keeps the bench to minutes on 2 cores).") var years: Int = 1
    @Option(help: "First year of the product.") var firstYear: Int = 2085
    @Option(help: "Work directory (default: a new temporary directory, removed afterwards).") var workdir: String?
    @Option(help: .hidden) var childManifest: String?
    @Option(help: .hidden) var childCache: String?

    func run() throws {
        if let childManifest, let childCache { return try runChild(manifest: childManifest, cache: childCache) }
        guard small > 0, large > 0, block > 0, small % block == 0, large % block == 0, largest >= 0, largest % block == 0 else {
            throw ValidationError("--small and --large must be positive multiples of --block (--largest too, or 0)")
        }
        let fm = FileManager.default
        let temporary = workdir == nil
        let dir = URL(fileURLWithPath: workdir ?? fm.temporaryDirectory.appendingPathComponent("spfflow-bench-ensemble-\(getpid())").path)
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        // try?: the benchmark's scratch folder
        defer { if temporary { try? fm.removeItem(at: dir) } }
        let modelFile = try model ?? trainModel(dir: dir)
        print("config: model \(modelFile), \(esm), monthly \(firstYear)+\(years)y, blocks of \(block) members, \(small) vs \(large) members, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        var results: [(rssKiB: Double, wall: Double)] = []
        for members in [small, large] + (largest > 0 ? [largest] : []) {
            let manifest = dir.appendingPathComponent("ensemble-\(members).yaml")
            try ensembleManifest(modelFile: modelFile, members: members).write(to: manifest, atomically: true, encoding: .utf8)
            let cache = dir.appendingPathComponent("cache-\(members)")
            // try?: the benchmark's scratch cache (it may not exist yet)
            try? fm.removeItem(at: cache)
            let fields = try BenchChildProcess.run(["bench", "ensemble", "--child-manifest", manifest.path, "--child-cache", cache.path])
            guard let rss = fields["peak_rss_kib"], let wall = fields["wall_s"] else {
                throw ValidationError("child run of \(members) members gave no peak_rss_kib and wall_s: \(fields)")
            }
            print("members \(members): peak RSS \(String(format: "%.1f", rss / 1024)) MiB, wall \(String(format: "%.1f", wall)) s")
            results.append((rss, wall))
            // try?: the benchmark's scratch cache (it may not exist yet)
            try? fm.removeItem(at: cache)
        }
        print("figure ensemble_peak_rss_ratio = \(String(format: "%.3f", results[1].rssKiB / results[0].rssKiB)) x")
        print("figure member_years_per_s = \(String(format: "%.2f", Double(years * large) / results[1].wall)) member-years/s")
        if largest > 0 {
            print("figure ensemble_peak_rss_ratio_\(largest) = \(String(format: "%.3f", results[2].rssKiB / results[1].rssKiB)) x")
        }
    }

    /// Trains the tiny model of `trainManifest` in a cache under `dir` and exports it to `dir/model.h5`.
    private func trainModel(dir: URL) throws -> String {
        let cache = dir.appendingPathComponent("train-cache")
        print("training a model: \(trainManifest) --until train-spf")
        _ = try BenchChildProcess.output(["run", trainManifest, "--cache", cache.path, "--until", "train-spf", "--progress", "none"])
        let store = try ObjectStore(root: cache, cleanLeftovers: false)
        guard let record = store.records().filter({ $0.node == "train-spf" && ($0.output ?? "out") == "out" }).max(by: { $0.time < $1.time }) else {
            throw ValidationError("no train-spf output in \(cache.path)")
        }
        let file = dir.appendingPathComponent("model.h5")
        // try?: an earlier model file may not exist; writing the new one reports real failures
        try? FileManager.default.removeItem(at: file)
        let writer = try ObjectWriter(creating: file)
        try LoadModel.copyModel(try LoadModel.lookup(record.key, in: store), to: writer)
        try writer.close()
        return file.path
    }

    /// The nightly path for one scenario: load, forcing, stage chains per block, merge, export.
    private func ensembleManifest(modelFile: String, members: Int) -> String {
        let blocks = stride(from: 0, to: members, by: block).map(String.init).joined(separator: ", ")
        return """
        name: bench-ensemble-\(members)
        defaults: {seed: 11}
        axes: {block: [\(blocks)]}
        nodes:
          - {id: model, kind: spf.load-model, params: {file: "\(modelFile)"}}
          - {id: forcing, kind: climate.align-forcings, params: {experiment: ssp245, calendar: noleap, first_year: 2015, last_year: 2100, forcings: [co2_cumulative, ch4, so2, bc, aod, erf_slow]}}
          - id: decadal-b${block}
            kind: spf.stage
            over: [block]
            inputs: {model: model, forcing: forcing}
            params: {stage: 0, target: monthly, source_id: \(esm), scenario: ssp245, start_year: \(firstYear), years: \(years), member_start: "${block}", member_count: \(block)}
          - id: yearly-b${block}
            kind: spf.stage
            over: [block]
            inputs: {model: model, forcing: forcing, previous: "decadal-b${block}"}
            params: {stage: 1, target: monthly, source_id: \(esm), scenario: ssp245, start_year: \(firstYear), years: \(years)}
          - id: monthly-b${block}
            kind: spf.stage
            over: [block]
            inputs: {model: model, forcing: forcing, previous: "yearly-b${block}"}
            params: {stage: 2, target: monthly, source_id: \(esm), scenario: ssp245, start_year: \(firstYear), years: \(years)}
          - id: merge
            kind: spf.merge
            inputs: {model: model, states: "monthly-b${block}", forcing: forcing}
            params: {timescale: monthly, start_year: \(firstYear), years: \(years)}
          - {id: export, kind: spf.export, inputs: {products: merge}, params: {calendars: {\(esm): noleap}}}

        """
    }

    /// Child mode: runs the manifest in this process, then prints its peak RSS and wall time.
    private func runChild(manifest: String, cache: String) throws {
        let started = Date()
        let summary = try reportingEngineErrors { () throws -> RunSummary in
            let session = try EngineSession(manifestPath: manifest, cacheOverride: cache, registry: CommandKinds.registry)
            let options = RunOptions(jobs: ProcessInfo.processInfo.activeProcessorCount, progress: ProgressMode.none)
            let executor = try ExecutorFactory.local.make(ExecutorSetup(session: session, jobs: options.jobs, binary: CommandLine.arguments[0]))
            return try session.run(options: options, executor: executor)
        }
        guard summary.succeeded else {
            throw ValidationError("ensemble run failed: \(summary.failures.map { "\($0.node): \($0.error)" }.joined(separator: "; "))")
        }
        let wall = Date().timeIntervalSince(started)
        print("child peak_rss_kib=\(BenchChildProcess.status("VmHWM")) wall_s=\(wall)")
    }
}

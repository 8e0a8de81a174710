import ArgumentParser
import Foundation
import SPFModel
import TensorCore

/// `spfflow bench scaling`: how cost grows from today's 11.25° grid to ClimateBench's 2°.
///
/// Figures:
/// - `train_step_ms_<grid>`, `train_peak_rss_mib_<grid>` (and `train_step_rss_mib_<grid>`, the step's own
///   memory over the trainer's data and weights) for r32x16, r72x36 (patch 4) and r144x96 (patch 8),
///   each grid in its own child process; `train_step_ratio_<grid>`, `train_peak_rss_ratio_<grid>` against
///   r32x16 and `train_time_vs_work_r144x96` = time ratio / backbone-FLOP ratio.
/// - `data_peak_rss_ratio`: training peak RSS on a shard set ten times larger than the small one (more runs; the
///   fields stream from the shards through a `--data-cache-mib` cache), with `data_train_peak_rss_mib_small`,
///   `…_large`, and `data_peak_rss_ratio_in_memory`, the same ratio with every field read into memory (as before
///   streaming); see ``ScalingData``.
/// - `attention_ms_t2592`, `attention_peak_mib_t2592`, `attention_mem_vs_t648` (child processes).
/// - `sampling_gemm_share_stage<k>` (cblas_sgemm alone on a pass's GEMM work over the pass) and
///   `sampling_products_vs_sgemm_stage<k>` (over the pass's own products alone), see ``SamplingGEMMShare``, on
///   the default model.
/// - `training_products_vs_sgemm_r144x96`: a 2° training step's layer products on the packed kernels (chained, as
///   `spf.train` runs them) over the same products on cblas_sgemm, same run, alternating (`--parts layers`, also in
///   the default parts; see ``ScalingLayerProducts``), with `training_products_ms_r144x96` and
///   `training_products_sgemm_ms_r144x96`.
/// - With torch importable: `train_step_vs_torch_r144x96`, `sample_pass_vs_torch_r144x96` (this binary's
///   time over PyTorch's, alternating rounds; see ``TorchComparison``).
struct BenchScalingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaling",
        abstract: "Training step time and memory from 11.25° to 2°, attention memory, sampling GEMM share, PyTorch ratios; prints figures.")

    @Option(help: "Threads.") var threads = 2
    @Option(help: "Backbone preset of the training and sampling figures.") var model = "small"
    @Option(help: "Examples per training step (stages round-robin).") var batch = 6
    @Option(help: "Timed training steps per grid (the mean is reported).") var steps = 3
    @Option(help: "Untimed warm-up steps per grid.") var warmup = 1
    @Option(help: "Grids of the training figures (r32x16, r72x36, r144x96).") var grids = "r32x16,r72x36,r144x96"
    @Option(help: "Members of one sampling block (the gemm-share figures).") var members = 100
    @Option(help: "Stages of the gemm-share figures.") var gemmStages = "0,1,2"
    @Option(help: "PyTorch reference script.") var torchReference = "bench/torch_reference.py"
    @Option(help: "The Python that runs it.") var python = "python3"
    @Option(help: TorchMKLCodePath.help) var torchMkl: TorchMKLCodePath = .intel
    @Option(help: "Alternating rounds against PyTorch.") var rounds = 2
    @Option(help: "Parts to run: training, data, attention, gemm, layers, torch.") var parts = "training,data,attention,gemm,layers,torch"
    @Option(help: "Grid of the data-streaming figures.") var dataGrid = "r32x16"
    @Option(help: "Runs of the small shard set (the large one has ten times as many).") var dataRuns = 8
    @Option(help: "Years per run of the data-streaming shards.") var dataYears = 100
    @Option(help: "Training steps per data-streaming child (after one warm-up step).") var dataSteps = 30
    // 32 MiB is below the small shard set's 38 MiB of fields, so both sets fill the budget and the ratio measures
    // growth with the data. At 64 MiB the small set does not fill it and the ratio mostly measures the budget.
    @Option(help: "MiB of the trainer's data cache (spf.train's data_cache_mib) in the data-streaming figures; below the small set's fields (38 MiB at the defaults), so both sets fill it.") var dataCacheMib = 32
    @Option(help: .hidden) var childTrain: String?
    @Option(help: .hidden) var childData: String?
    @Flag(help: .hidden) var childDataInMemory = false
    @Option(help: .hidden) var childAttention: Int?

    func validate() throws {
        guard threads >= 1, batch >= 1, steps >= 1, warmup >= 0, members >= 1, rounds >= 1 else {
            throw ValidationError("threads, batch, steps, members and rounds must be ≥ 1 (warm-up ≥ 0)")
        }
        for g in grids.split(separator: ",") + [Substring(dataGrid)] where ScalingGrid.named(String(g)) == nil {
            throw ValidationError("unknown grid '\(g)' (r32x16, r72x36, r144x96)")
        }
        guard dataRuns >= 1, dataYears >= 10, dataSteps >= 1, dataCacheMib >= 0 else {
            throw ValidationError("--data-runs and --data-steps must be ≥ 1, --data-years ≥ 10 (a decade window), --data-cache-mib ≥ 0")
        }
    }

    func run() throws {
        if let name = childTrain, let grid = ScalingGrid.named(name) {
            return try ScalingTraining.runChild(grid, model: model, batch: batch, steps: steps, warmup: warmup, threads: threads)
        }
        if let dir = childData, let grid = ScalingGrid.named(dataGrid) {
            return try ScalingData.runChild(directory: URL(fileURLWithPath: dir), grid: grid, model: model, batch: batch, steps: dataSteps,
                                            warmup: 1, threads: threads, cacheMiB: dataCacheMib, inMemory: childDataInMemory)
        }
        if let tokens = childAttention { return try ScalingAttention.runChild(tokens: tokens, threads: threads, repeats: 3) }
        let wanted = Set(parts.split(separator: ",").map(String.init))
        print("config: \(threads) threads, model \(model), batch \(batch), \(steps) timed steps after \(warmup), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        if wanted.contains("training") { try training() }
        if wanted.contains("data") { try data() }
        if wanted.contains("attention") { try attention() }
        if wanted.contains("gemm") { try gemmShare() }
        if wanted.contains("layers") { try layerProducts() }
        if wanted.contains("torch") { try torch() }
    }

    func fig(_ name: String, _ value: Double, _ unit: String, _ format: String = "%.3f") {
        print("figure \(name) = \(String(format: format, value)) \(unit)")
    }

    private func training() throws {
        var results: [String: [String: Double]] = [:]
        for name in grids.split(separator: ",").map(String.init) {
            guard let g = ScalingGrid.named(name) else { continue }
            let r = try BenchChildProcess.run(["bench", "scaling", "--child-train", name, "--model", model, "--batch", "\(batch)",
                                               "--steps", "\(steps)", "--warmup", "\(warmup)", "--threads", "\(threads)"])
            results[name] = r
            let (c, p) = try ScalingTraining.configuration(g, model: model)
            print("grid \(name): \(g.height)x\(g.width), patch \(g.patch), forcing patch \(g.forcingPatch), token grids ×\((0..<3).map { c.tokenGridFactor(stage: $0, pyramid: p) }), monthly item \(Int(r["monthly_item_tokens"] ?? 0)) field tokens, \(String(format: "%.1f", r["gflop"] ?? 0)) backbone GFLOP per step, \(Int(r["parameters"] ?? 0)) parameters")
            fig("train_step_ms_\(name)", r["step_ms"] ?? 0, "ms", "%.1f")
            fig("train_peak_rss_mib_\(name)", (r["peak_rss_kib"] ?? 0) / 1024, "MiB", "%.1f")
            fig("train_step_rss_mib_\(name)", ((r["peak_rss_kib"] ?? 0) - (r["base_rss_kib"] ?? 0)) / 1024, "MiB", "%.1f")
        }
        guard let small = results["r32x16"] else { return }
        for (name, r) in results.sorted(by: { $0.key < $1.key }) where name != "r32x16" {
            let time = (r["step_ms"] ?? 0) / max(small["step_ms"] ?? 1, 1e-9)
            let work = (r["gflop"] ?? 0) / max(small["gflop"] ?? 1, 1e-9)
            fig("train_step_ratio_\(name)", time, "x")
            fig("train_work_ratio_\(name)", work, "x")
            fig("train_peak_rss_ratio_\(name)", (r["peak_rss_kib"] ?? 0) / max(small["peak_rss_kib"] ?? 1, 1), "x")
            fig("train_time_vs_work_\(name)", time / max(work, 1e-9), "ratio")
        }
    }

    private func data() throws {
        guard let grid = ScalingGrid.named(dataGrid) else { return }
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("spfflow-bench-data-\(getpid())")
        defer { try? fm.removeItem(at: root) }
        var rss: [String: Double] = [:]
        for (name, shards) in [("small", 1), ("large", 10)] {
            let dir = root.appendingPathComponent(name)
            let bytes = try ScalingData.writeShards(grid, shards: shards, runsPerShard: dataRuns, years: dataYears, into: dir)
            let fieldMiB = String(format: "%.0f", Double(bytes) / 1_048_576)
            if name == "small", bytes < dataCacheMib * 1_048_576 {
                print("note: the small set's \(fieldMiB) MiB of fields do not fill the \(dataCacheMib) MiB cache, so data_peak_rss_ratio includes the budget filling up; pass a --data-cache-mib below it to measure growth with the data alone")
            }
            for inMemory in [false, true] {
                var args = ["bench", "scaling", "--child-data", dir.path, "--data-grid", dataGrid, "--model", model, "--batch", "\(batch)",
                            "--data-steps", "\(dataSteps)", "--threads", "\(threads)", "--data-cache-mib", "\(dataCacheMib)"]
                if inMemory { args.append("--child-data-in-memory") }
                let r = try BenchChildProcess.run(args)
                let peak = (r["peak_rss_kib"] ?? 0) / 1024
                rss["\(name)\(inMemory ? "-memory" : "")"] = peak
                print("data \(name): \(Int(r["runs"] ?? 0)) runs of \(dataYears) years at \(dataGrid) (\(fieldMiB) MiB of fields in \(shards) shard\(shards == 1 ? "" : "s")), \(inMemory ? "all in memory" : "streamed, cache \(dataCacheMib) MiB (\(String(format: "%.1f", r["cached_mib"] ?? 0)) MiB held at the end)"): \(dataSteps) steps of \(String(format: "%.1f", r["step_ms"] ?? 0)) ms, peak RSS \(String(format: "%.1f", peak)) MiB")
            }
            try? fm.removeItem(at: dir)
        }
        fig("data_train_peak_rss_mib_small", rss["small"] ?? 0, "MiB", "%.1f")
        fig("data_train_peak_rss_mib_large", rss["large"] ?? 0, "MiB", "%.1f")
        fig("data_peak_rss_ratio", (rss["large"] ?? 0) / max(rss["small"] ?? 1, 1e-9), "x")
        fig("data_peak_rss_ratio_in_memory", (rss["large-memory"] ?? 0) / max(rss["small-memory"] ?? 1, 1e-9), "x")
    }

    private func attention() throws {
        var res: [Int: [String: Double]] = [:]
        for t in [648, 2592] {
            res[t] = try BenchChildProcess.run(["bench", "scaling", "--child-attention", "\(t)", "--threads", "\(threads)"])
            print("attention T \(t) (d 128, 2 heads, batch 4, forward + backward): \(String(format: "%.1f", res[t]?["ms"] ?? 0)) ms, \(String(format: "%.1f", res[t]?["peak_mib"] ?? 0)) MiB")
        }
        fig("attention_ms_t2592", res[2592]?["ms"] ?? 0, "ms", "%.1f")
        fig("attention_peak_mib_t2592", res[2592]?["peak_mib"] ?? 0, "MiB", "%.1f")
        fig("attention_peak_mib_t648", res[648]?["peak_mib"] ?? 0, "MiB", "%.1f")
        fig("attention_mem_vs_t648", (res[2592]?["peak_mib"] ?? 0) / max(res[648]?["peak_mib"] ?? 1, 1e-9), "x")
    }

    private func gemmShare() throws {
        // The default manifest's model: 16 × 32, patch 4 (forcing patch = patch, as spf.train sets it).
        let g = ScalingGrid(name: "r32x16", height: 16, width: 32, patch: 4, forcingPatch: 4)
        let (c, p) = try ScalingTraining.configuration(g, model: model)
        let clock = GEMMClock()
        let network = try MMDiT(config: c, pyramid: p, seed: 1, threads: threads, gemmClock: clock)
        // Before passes were sized by tokens: 16 items per pass at every stage.
        let fixed = try MMDiT(config: c, pyramid: p, seed: 1, itemsPerChunk: 16, tokensPerChunk: 0, threads: threads, gemmClock: clock)
        // Frozen for inference, as spf.stage's models are (weights packed once, kept across passes).
        network.parameters.freezeForInference()
        fixed.parameters.freezeForInference()
        let before = try SamplingGEMMShare.measure(model: fixed, clock: clock, stage: 0, members: members, threads: threads, repeats: 5)
        print(String(format: "sampling stage 0 in passes of 16 members (before): pass %.1f ms, its products %.1f ms, cblas_sgemm alone %.1f ms: share %.3f, its products %.3f",
                     before.passMs, before.gemmMs, before.sgemmMs, before.share, before.productShare))
        for stage in gemmStages.split(separator: ",").compactMap({ Int($0) }) where stage >= 0 && stage < p.stageCount {
            let r = try SamplingGEMMShare.measure(model: network, clock: clock, stage: stage, members: members, threads: threads, repeats: 5)
            print(String(format: "sampling stage %d: %d members × %d tokens, %.2f GFLOP per pass, pass %.1f ms (%.1f GFLOP/s), its products %.1f ms (%.1f GFLOP/s), cblas_sgemm alone %.1f ms (%.1f GFLOP/s)",
                         stage, r.items, r.tokensPerItem, r.gflop, r.passMs, r.gflop / r.passMs * 1e3, r.gemmMs, r.gflop / r.gemmMs * 1e3,
                         r.sgemmMs, r.gflop / r.sgemmMs * 1e3))
            fig("sampling_gemm_share_stage\(stage)", r.share, "ratio")
            fig("sampling_products_vs_sgemm_stage\(stage)", r.productShare, "ratio")
        }
    }

    private func layerProducts() throws {
        let r = try ScalingLayerProducts.measure(threads: threads, rounds: 5)
        let blas = " (OpenBLAS \(BLASInfo.coreName) kernels)"
        print(String(format: "training layer products r144x96 (%d products, %.2f GFLOP per step): chained on the packed kernels %.1f ms (%.1f GFLOP/s), ",
                     r.products, r.gflop, r.chainMs, r.gflop / r.chainMs * 1e3)
              + "cblas_sgemm\(blas) " + String(format: "%.1f ms (%.1f GFLOP/s)", r.sgemmMs, r.gflop / r.sgemmMs * 1e3))
        fig("training_products_ms_r144x96", r.chainMs, "ms", "%.1f")
        fig("training_products_sgemm_ms_r144x96", r.sgemmMs, "ms", "%.1f")
        fig("training_products_vs_sgemm_r144x96", r.chainMs / max(r.sgemmMs, 1e-9), "ratio")
    }

    private func torch() throws {
        guard TorchComparison.torchImportable(python: python) else {
            print("torch is not importable by \(python): no PyTorch figures")
            return
        }
        guard FileManager.default.fileExists(atPath: torchReference) else {
            print("\(torchReference) not found (run from the repository or pass --torch-reference): no PyTorch figures")
            return
        }
        let cmp = TorchComparison(threads: threads)
        var own: [Bool: [Double]] = [:], theirs: [Bool: [Double]] = [:], sgemm: [Double] = []
        var codePath = "?"
        for _ in 0..<rounds {
            for sample in [false, true] {
                own[sample, default: []].append(try cmp.swiftMs(sample: sample))
                let run = try cmp.torchRun(script: torchReference, python: python, sample: sample, mkl: torchMkl)
                theirs[sample, default: []].append(try run.figure(TorchComparison.torchFigure(sample: sample)))
                if let gflops = try? run.figure("torch_sgemm_gflops_1t") { sgemm.append(gflops) }
                codePath = run.line(startingWith: TorchMKLCodePath.scriptLinePrefix) ?? codePath
            }
        }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        print("PyTorch's MKL code path: \(codePath)")
        if !sgemm.isEmpty { fig("torch_sgemm_gflops_1t", median(sgemm), "GFLOP/s", "%.1f") }
        for (sample, name) in [(false, "train_step"), (true, "sample_pass")] {
            let a = median(own[sample] ?? [0]), b = median(theirs[sample] ?? [1])
            print("\(name) r144x96 MM-DiT (depth \(cmp.depth), d \(cmp.width), \(cmp.heads) heads, \(cmp.latentTokens) + \(cmp.contextTokens) tokens, batch \(sample ? cmp.sampleBatch : cmp.trainBatch)): this binary \(String(format: "%.1f", a)) ms, PyTorch \(String(format: "%.1f", b)) ms")
            fig("mmdit_\(name)_ms_r144x96", a, "ms", "%.1f")
            fig("torch_mmdit_\(name)_ms_r144x96", b, "ms", "%.1f")
            fig("\(name)_vs_torch_r144x96", a / b, "ratio")
        }
    }
}

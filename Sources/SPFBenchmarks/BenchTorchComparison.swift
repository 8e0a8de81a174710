import Dispatch
import Foundation
import TensorCore

/// The PyTorch figures of `spfflow bench scaling`: the MM-DiT backbone at the 2° shapes (one monthly
/// stage-2 item of r144x96 with patch 8 and forcing patch 16: 12 × 216 field tokens and 12 × 54 forcing
/// tokens), timed here and by `bench/torch_reference.py` in alternating rounds.
///
/// Training: forward, MSE on the field stream, backward and AdamW of the block stack (batch 2);
/// sampling: one forward pass (batch 4; PyTorch under `torch.inference_mode`). Same widths, heads,
/// MLP ratio, QK-RMSNorm and joint attention on both sides.
struct TorchComparison {
    var depth = 4, width = 128, heads = 4, mlpRatio = 4
    var latentTokens = 12 * 216, contextTokens = 12 * 54
    var trainBatch = 2, sampleBatch = 4
    var steps = 3, warmup = 1
    var threads: Int

    /// Median milliseconds of a training step (`sample` false) or a forward pass (`sample` true) here.
    func swiftMs(sample: Bool) throws -> Double {
        let batch = sample ? sampleBatch : trainBatch
        let config = try MMDiTConfiguration(width: width, heads: heads, mlpRatio: mlpRatio, conditionWidth: width,
                                            hasContext: true, qkNorm: true)
        var layout = ParameterLayout()
        let stack = try MMDiTStack("blocks", depth: depth, configuration: config, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 1)
        var rng = RandomStream(seed: 2)
        for block in stack.blocks {
            rng.fillNormal(store.value(block.latent.modulation.weight), std: 0.02)
            if let cs = block.context { rng.fillNormal(store.value(cs.modulation.weight), std: 0.02) }
        }
        let optimizer = AdamW(layout: layout, configuration: try AdamWConfiguration(weightDecay: 0.01))
        let ws = Workspace()
        let buffers = MMDiTStack.Buffers(stack, batch: batch, latentTokens: latentTokens, contextTokens: contextTokens,
                                         workspace: ws)
        let x = ws.allocate([batch, latentTokens, width]), cx = ws.allocate([batch, contextTokens, width])
        let target = ws.allocate([batch, latentTokens, width]), gradient = ws.allocate([batch, latentTokens, width])
        let dContext = ws.allocate([batch, contextTokens, width])
        let condition = ws.allocate([batch, width]), dCondition = ws.allocate([batch, width])
        rng.fillNormal(x)
        rng.fillNormal(cx)
        rng.fillNormal(target)
        rng.fillNormal(condition)
        let ctx = ComputeContext(threads: threads)
        // A sampling pass runs as spf.stage's does: on a model frozen for inference (weights packed once).
        if sample { store.freezeForInference() }
        func run() {
            if !sample { store.zeroGradients() }
            stack.forward(latent: x, context: cx, condition: condition, rotary: nil, buffers: buffers, parameters: store,
                          context: ctx)
            guard !sample else { return }
            _ = MSELoss.forwardBackward(prediction: buffers.latentOutput, target: target, gradient: gradient, context: ctx)
            dContext.zero()
            dCondition.zero()
            stack.backward(latentGradient: gradient, contextGradient: dContext, condition: condition,
                           conditionGradient: dCondition, rotary: nil, buffers: buffers, parameters: store, context: ctx)
            optimizer.update(store, learningRate: 1e-4, context: ctx)
        }
        for _ in 0..<warmup { run() }
        let times = (0..<steps).map { _ -> Double in
            let t0 = DispatchTime.now().uptimeNanoseconds
            run()
            return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        }.sorted()
        return times[times.count / 2]
    }

    /// The script's run on the same shapes: its time is ``torchFigure(sample:)``; it also prints which MKL code path
    /// ran (``TorchMKLCodePath/scriptLinePrefix``) and `figure torch_sgemm_gflops_1t`.
    func torchRun(script: String, python: String, sample: Bool, mkl: TorchMKLCodePath) throws -> PeerOutput {
        let args = [python, script, "--threads", "\(threads)", "--depth", "\(depth)", "--width", "\(width)",
                    "--heads", "\(heads)", "--tokens", "\(latentTokens)", "--context-tokens", "\(contextTokens)",
                    "--batch", "\(sample ? sampleBatch : trainBatch)", "--steps", "\(steps)", "--warmup", "\(warmup)",
                    "--qk-norm", "--mode", sample ? "sample" : "train"] + mkl.scriptArguments
        return try BenchPeers.run(executable: "/usr/bin/env", arguments: args)
    }

    /// The name of the script's time figure.
    static func torchFigure(sample: Bool) -> String { sample ? "torch_sample_pass_ms" : "torch_train_step_ms" }

    /// Whether `python` can import torch.
    static func torchImportable(python: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", "import torch"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}

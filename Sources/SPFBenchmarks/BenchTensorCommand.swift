import ArgumentParser
import Dispatch
import Glibc
import SPFEngine
import TensorCore

/// `spfflow bench tensor`: times one DiT training step (forward + backward + AdamW) on the tensor core.
///
/// Figures: `train_step_ms` (median over the timed steps), `step_gflops` (matrix-product FLOPs of
/// the step / step time), `gemm_share_of_sgemm` (that rate over cblas_sgemm's own rate on exactly
/// the step's GEMM shapes, timed in the same run) and `non_gemm_ms` (step time minus the time
/// cblas_sgemm alone needs for those GEMMs).
struct BenchTensorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tensor",
        abstract: "Time a DiT training step on the tensor core (figures: train_step_ms, step_gflops, gemm_share_of_sgemm, non_gemm_ms).")

    @Option(help: "Threads (BLAS threads for GEMMs, Dispatch workers for the other kernels).") var threads = 2
    @Option(help: "Transformer blocks.") var depth = 4
    @Option(help: "Model width D.") var width = 256
    @Option(help: "Attention heads.") var heads = 4
    @Option(help: "MLP hidden width as a multiple of D.") var mlpRatio = 4
    @Option(help: "Tokens per sample.") var tokens = 216
    @Option(help: "Batch size.") var batch = 8
    @Option(help: "Timed steps (the median is reported).") var steps = 12
    @Option(help: "Untimed warm-up steps.") var warmup = 3
    @Option(help: "How single GEMMs use the threads: splitRows (rows over workers, 1 BLAS thread each) or blasThreads.")
    var gemmThreading: ComputeContext.GEMMThreading = .splitRows
    @Flag(help: "Also time the step on one thread (a quiet reference for the multi-thread figure).") var singleThreadFigure = false
    @Flag(help: "Print per-phase and per-kernel timings (diagnostics, not figures).") var details = false
    @Option(help: ArgumentHelp("Another spfflow binary timed on the same step in alternating rounds, e.g. a SPFFLOW_CPU=native build.",
                               discussion: "Prints native_train_step_ms and native_vs_portable_train_step (its time over this binary's)."))
    var nativeBinary: String?
    @Option(help: ArgumentHelp("PyTorch's reference script (bench/torch_reference.py) timed on the same step in alternating rounds.",
                               discussion: "Prints torch_train_step_ms and train_step_vs_torch (this binary's time over PyTorch's)."))
    var torchReference: String?
    @Option(help: "The Python that runs --torch-reference.") var python = "python3"
    @Option(help: TorchMKLCodePath.help) var torchMkl: TorchMKLCodePath = .intel
    @Option(help: "Alternating rounds with --native-binary and --torch-reference.") var rounds = 3

    func validate() throws {
        guard threads >= 1, depth >= 1, steps >= 1, warmup >= 0, batch >= 1, tokens >= 1, rounds >= 1 else {
            throw ValidationError("threads, depth, steps, batch and tokens must be ≥ 1 (warm-up ≥ 0)")
        }
    }

    func run() throws {
        let config = try MMDiTConfiguration(width: width, heads: heads, mlpRatio: mlpRatio, conditionWidth: width,
                                            hasContext: false, qkNorm: false)
        var layout = ParameterLayout()
        let stack = try MMDiTStack("blocks", depth: depth, configuration: config, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 1)
        // adaLN-Zero starts at zero; give the modulation small weights so every branch is active.
        var rng = RandomStream(seed: 2)
        for block in stack.blocks { rng.fillNormal(store.value(block.latent.modulation.weight), std: 0.02) }
        let optimizer = AdamW(layout: layout, configuration: try AdamWConfiguration(weightDecay: 0.01))
        let workspace = Workspace()
        let buffers = MMDiTStack.Buffers(stack, batch: batch, latentTokens: tokens, contextTokens: 0, workspace: workspace)
        let x = workspace.allocate([batch, tokens, width]), target = workspace.allocate([batch, tokens, width])
        let condition = workspace.allocate([batch, width]), dCondition = workspace.allocate([batch, width])
        let gradient = workspace.allocate([batch, tokens, width])
        rng.fillNormal(x)
        rng.fillNormal(target)
        rng.fillNormal(condition)

        func step(_ ctx: ComputeContext) -> Double {
            store.zeroGradients()
            dCondition.zero()
            stack.forward(latent: x, context: nil, condition: condition, rotary: nil, buffers: buffers,
                          parameters: store, context: ctx)
            let loss = MSELoss.forwardBackward(prediction: buffers.latentOutput, target: target, gradient: gradient,
                                               context: ctx)
            stack.backward(latentGradient: gradient, contextGradient: nil, condition: condition,
                           conditionGradient: dCondition, rotary: nil, buffers: buffers, parameters: store, context: ctx)
            optimizer.update(store, learningRate: 1e-4, context: ctx)
            return loss
        }
        func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
        func timeStep(_ ctx: ComputeContext) -> Double {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = step(ctx)
            return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        }

        let ctx = ComputeContext(threads: threads, gemmThreading: gemmThreading)
        if details {
            KernelTimings.report(stack: stack, buffers: buffers, store: store, optimizer: optimizer, x: x, target: target,
                                 condition: condition, dCondition: dCondition, gradient: gradient, context: ctx)
        }
        let shapes = stack.trainingStepGEMMs(batch: batch, latentTokens: tokens, contextTokens: 0)
        let flops = shapes.reduce(0) { $0 + $1.flops }
        let replay = SGEMMReplay(shapes: shapes, context: ctx)
        for _ in 0..<warmup { _ = step(ctx); _ = replay.replay() }
        var stepTimes: [Double] = [], sgemmTimes: [Double] = []
        for _ in 0..<steps {
            stepTimes.append(timeStep(ctx))
            sgemmTimes.append(replay.replay())
        }
        // Steps and replays alternate, so pairs see the same machine conditions: the share and the
        // non-GEMM time are medians over pairs (robust when other processes load the machine).
        let stepMs = median(stepTimes), sgemmMs = median(sgemmTimes)
        let stepGflops = flops / (stepMs * 1e6)
        let sgemmGflops = flops / (sgemmMs * 1e6)
        let share = median(zip(sgemmTimes, stepTimes).map { $0 / $1 })
        let nonGemmMs = median(zip(stepTimes, sgemmTimes).map { $0 - $1 })
        print("config: \(depth) blocks, D \(width), \(heads) heads, MLP ×\(mlpRatio), T \(tokens), B \(batch), float32, \(threads) threads, \(layout.parameterCount) parameters")
        print(String(format: "matrix FLOPs per step: %.2f G; cblas_sgemm alone on the step's GEMMs (median of %d replays): %.1f ms (%.1f GFLOP/s)",
                     flops / 1e9, steps, sgemmMs, sgemmGflops))
        print(String(format: "figure train_step_ms = %.1f ms", stepMs))
        print(String(format: "figure step_gflops = %.1f GFLOP/s", stepGflops))
        print(String(format: "figure gemm_share_of_sgemm = %.3f ratio", share))
        print(String(format: "figure non_gemm_ms = %.1f ms", nonGemmMs))
        if details {
            // CPU time (all threads) per step and per GEMM replay: robust to other load on the machine.
            func cpuMs() -> Double {
                var u = rusage()
                getrusage(RUSAGE_SELF.rawValue, &u)
                return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3
            }
            for c in [ComputeContext.serial, ctx] {
                let r = SGEMMReplay(shapes: shapes, context: c)
                let c0 = cpuMs()
                for _ in 0..<steps { _ = step(c) }
                let c1 = cpuMs()
                for _ in 0..<steps { _ = r.replay() }
                let c2 = cpuMs()
                print(String(format: "cpu time per step, %d thread(s): step %.1f ms, GEMM replay %.1f ms, difference %.1f ms",
                             c.threads, (c1 - c0) / Double(steps), (c2 - c1) / Double(steps), (c1 - c0 - (c2 - c1)) / Double(steps)))
            }
        }
        let peers = BenchPeers(nativeBinary: nativeBinary, torchScript: torchReference, python: python)
        if !peers.isEmpty {
            let shape = ["--threads", "\(threads)", "--depth", "\(depth)", "--width", "\(width)", "--heads", "\(heads)",
                         "--tokens", "\(tokens)", "--batch", "\(batch)", "--steps", "\(steps)", "--warmup", "\(warmup)"]
            var own: [Double] = [], native: [Double] = [], torch: [Double] = []
            var codePath: String?
            for _ in 0..<rounds {
                own.append(median((0..<steps).map { _ in timeStep(ctx) }))
                if let binary = peers.nativeBinary {
                    native.append(try BenchPeers.figure("train_step_ms", executable: binary,
                                                        arguments: ["bench", "tensor", "--mlp-ratio", "\(mlpRatio)"] + shape))
                }
                if let script = peers.torchScript {
                    let run = try BenchPeers.run(executable: "/usr/bin/env",
                                                 arguments: [peers.python, script] + shape + torchMkl.scriptArguments)
                    torch.append(try run.figure("torch_train_step_ms"))
                    codePath = run.line(startingWith: TorchMKLCodePath.scriptLinePrefix) ?? codePath
                }
            }
            let ownMs = median(own)
            print("side by side, \(rounds) alternating rounds: this build (\(HostCPU.buildTarget)) \(own.map { String(format: "%.1f", $0) }.joined(separator: ", ")) ms"
                  + (native.isEmpty ? "" : "; native \(native.map { String(format: "%.1f", $0) }.joined(separator: ", ")) ms")
                  + (torch.isEmpty ? "" : "; PyTorch \(torch.map { String(format: "%.1f", $0) }.joined(separator: ", ")) ms"))
            print(String(format: "figure portable_train_step_ms = %.1f ms", ownMs))
            if !native.isEmpty {
                print(String(format: "figure native_train_step_ms = %.1f ms", median(native)))
                print(String(format: "figure native_vs_portable_train_step = %.3f ratio", median(native) / ownMs))
            }
            if !torch.isEmpty {
                print("PyTorch's MKL code path: \(codePath ?? "?")")
                print(String(format: "figure torch_train_step_ms = %.1f ms", median(torch)))
                print(String(format: "figure train_step_vs_torch = %.3f ratio", ownMs / median(torch)))
            }
        }
        if singleThreadFigure {
            for _ in 0..<warmup { _ = step(.serial) }
            print(String(format: "figure train_step_ms_1thread = %.1f ms", median((0..<steps).map { _ in timeStep(.serial) })))
        }
    }
}

/// cblas_sgemm alone on exactly the GEMM calls of one step, replayed in order.
///
/// Single products use whichever is faster for that shape (chosen once, best of 3): OpenBLAS's own
/// `context.threads` threads, or rows split over workers with one BLAS thread each; batched
/// products (attention heads) are split over workers with one BLAS thread each. A replay is timed
/// like a step, interleaved with the steps, so both see the same machine conditions.
struct SGEMMReplay {
    let shapes: [GEMMShape]
    let modes: [ComputeContext.GEMMThreading]
    let context: ComputeContext
    /// The context of each single product's mode, made once (a context's worker threads live as long as it does).
    let singleProductContexts: [ComputeContext.GEMMThreading: ComputeContext]
    let a: Tensor, b: Tensor, c: Tensor

    init(shapes: [GEMMShape], context: ComputeContext) {
        self.shapes = shapes
        self.context = context
        let singles = Dictionary(uniqueKeysWithValues: [ComputeContext.GEMMThreading.blasThreads, .splitRows].map {
            ($0, ComputeContext(threads: context.threads, gemmThreading: $0))
        })
        singleProductContexts = singles
        let maxA = shapes.map { $0.m * $0.k * $0.count }.max() ?? 1
        let maxB = shapes.map { $0.k * $0.n * $0.count }.max() ?? 1
        let maxC = shapes.map { $0.m * $0.n * $0.count }.max() ?? 1
        let a = Tensor(zeros: [maxA]), b = Tensor(zeros: [maxB]), c = Tensor(zeros: [maxC])
        self.a = a; self.b = b; self.c = c
        var rng = RandomStream(seed: 3)
        rng.fillUniform(a, low: -1, high: 1)
        rng.fillUniform(b, low: -1, high: 1)
        var chosen: [String: ComputeContext.GEMMThreading] = [:]
        var modes: [ComputeContext.GEMMThreading] = []
        for s in shapes {
            let key = "\(s.m)x\(s.n)x\(s.k)x\(s.count)\(s.transposeA)\(s.transposeB)"
            if chosen[key] == nil {
                if s.count > 1 { chosen[key] = .splitRows } else {
                    var best = (Double.infinity, ComputeContext.GEMMThreading.blasThreads)
                    for mode in [ComputeContext.GEMMThreading.blasThreads, .splitRows] {
                        let t = KernelTimings.best(3) {
                            SGEMMReplay.run(s, context: context, singleProductContext: singles[mode] ?? context, a: a, b: b, c: c)
                        }
                        if t < best.0 { best = (t, mode) }
                    }
                    chosen[key] = best.1
                }
            }
            modes.append(chosen[key] ?? .blasThreads)
        }
        self.modes = modes
    }

    /// Runs every call once; returns milliseconds.
    func replay() -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        for (s, mode) in zip(shapes, modes) {
            SGEMMReplay.run(s, context: context, singleProductContext: singleProductContexts[mode] ?? context, a: a, b: b, c: c)
        }
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
    }

    /// One call: a single product with `singleProductContext` (its GEMM threading), a batched one over `context`'s workers.
    static func run(_ s: GEMMShape, context: ComputeContext, singleProductContext: ComputeContext, a: Tensor, b: Tensor, c: Tensor) {
        let ta: Transpose = s.transposeA ? .transposed : .none, tb: Transpose = s.transposeB ? .transposed : .none
        let lda = s.transposeA ? s.m : s.k, ldb = s.transposeB ? s.k : s.n
        if s.count == 1 {
            GEMM.multiply(ta, tb, m: s.m, n: s.n, k: s.k, a: a.data, lda: lda, b: b.data, ldb: ldb, c: c.data, ldc: s.n,
                          context: singleProductContext)
        } else {
            context.setSingleThreadedBLAS()
            let pa = a.data, pb = b.data, pc = c.data
            context.parallelFor(s.count) { range in
                for i in range {
                    GEMM.multiply(ta, tb, m: s.m, n: s.n, k: s.k, a: pa + i * s.m * s.k, lda: lda,
                                  b: pb + i * s.k * s.n, ldb: ldb, c: pc + i * s.m * s.n, ldc: s.n)
                }
            }
        }
    }
}

/// Diagnostics for `--details`: time of each phase of the step and of single kernels.
enum KernelTimings {
    static func best(_ reps: Int = 5, _ body: () -> Void) -> Double {
        body()
        var b = Double.infinity
        for _ in 0..<reps {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            b = min(b, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        return b
    }

    static func report(stack: MMDiTStack, buffers: MMDiTStack.Buffers, store: ParameterStore, optimizer: AdamW,
                       x: Tensor, target: Tensor, condition: Tensor, dCondition: Tensor, gradient: Tensor,
                       context ctx: ComputeContext) {
        let fwd = best { stack.forward(latent: x, context: nil, condition: condition, rotary: nil, buffers: buffers, parameters: store, context: ctx) }
        let bwd = best {
            _ = MSELoss.forwardBackward(prediction: buffers.latentOutput, target: target, gradient: gradient, context: ctx)
            stack.backward(latentGradient: gradient, contextGradient: nil, condition: condition, conditionGradient: dCondition,
                           rotary: nil, buffers: buffers, parameters: store, context: ctx)
        }
        let opt = best { optimizer.update(store, learningRate: 1e-6, context: ctx) }
        let zero = best { store.zeroGradients() }
        print(String(format: "phase forward %.1f ms, loss+backward %.1f ms, adamw %.1f ms, zero grads %.1f ms", fwd, bwd, opt, zero))
        guard let scratch = buffers.scratch else { return }
        let a = buffers.activations[0].latent, s = scratch.latent
        let block = stack.blocks[0], att = buffers.activations[0].attention
        var lines: [(String, Double)] = []
        lines.append(("gelu forward", best { GELU.forward(a.hidden, into: a.activated, context: ctx) }))
        lines.append(("gelu backward", best { GELU.backward(s.hidden, input: a.hidden, inputGradient: s.hidden, context: ctx) }))
        lines.append(("layernorm forward", best { block.norm.forward(x, into: a.normed1, rstd: a.rstd1, context: ctx) }))
        lines.append(("layernorm backward", best { block.norm.backward(s.normed, output: a.normed1, rstd: a.rstd1, inputGradient: s.branch, context: ctx) }))
        lines.append(("modulate forward", best { AdaLN.modulate(a.normed1, modulation: a.modulation, shift: 0, scale: 1, into: a.modulated1, context: ctx) }))
        lines.append(("modulate backward", best { AdaLN.modulateBackward(s.normed, input: a.normed1, modulation: a.modulation, gradient: s.modulation, shift: 0, scale: 1, inputGradient: s.normed, context: ctx) }))
        lines.append(("gated residual forward", best { AdaLN.gatedResidual(x, a.projected, modulation: a.modulation, gate: 2, into: a.afterAttention, context: ctx) }))
        lines.append(("gated residual backward", best { AdaLN.gatedResidualBackward(gradient, branch: a.projected, modulation: a.modulation, gradient: s.modulation, gate: 2, branchGradient: s.branch, context: ctx) }))
        lines.append(("attention forward", best { block.attention.forward(latentQKV: a.qkv, contextQKV: nil, rotary: nil, saved: att, latentOut: a.attention, contextOut: nil, parameters: store, context: ctx) }))
        lines.append(("attention backward", best { block.attention.backward(latentDOut: s.attention, contextDOut: nil, latentQKV: a.qkv, contextQKV: nil, rotary: nil, saved: att, scratch: scratch.attention, latentDQKV: s.qkv, contextDQKV: nil, parameters: store, context: ctx) }))
        lines.append(("fc1 forward", best { block.latent.fc1.forward(a.modulated2, into: a.hidden, parameters: store, context: ctx) }))
        lines.append(("fc1 backward", best { block.latent.fc1.backward(s.hidden, input: a.modulated2, inputGradient: s.normed, parameters: store, context: ctx) }))
        // fc1-shaped GEMM: OpenBLAS threads vs rows split over workers with one BLAS thread each.
        let xin = a.modulated2, w = store.valuePointer(block.latent.fc1.weight), out = a.hidden
        let n = xin.count / 256, oc = 1024
        if let bias = block.latent.fc1.bias {
            let gb = store.gradientPointer(bias)
            lines.append(("fc1 bias gradient (column sums)", best(9) {
                ColumnSum.accumulate(s.hidden.data, rows: n, columns: oc, into: gb, context: ctx)
            }))
        }
        for mode in [ComputeContext.GEMMThreading.blasThreads, .splitRows] {
            let mctx = ComputeContext(threads: ctx.threads, gemmThreading: mode)
            lines.append(("fc1 gemm, \(mode.rawValue)", best(9) {
                GEMM.multiply(.none, .transposed, m: n, n: oc, k: 256, a: xin.data, lda: 256, b: w, ldb: 256, c: out.data,
                              ldc: oc, context: mctx)
            }))
        }
        for (name, ms) in lines { print(String(format: "kernel %@ %.3f ms", name, ms)) }
    }
}

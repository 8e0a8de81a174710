import COpenBLAS

/// A fixed MM-DiT training problem whose bytes after a few steps show whether this machine's kernels
/// give the same result on every thread count (`spfflow doctor`, and the tests under each OpenBLAS
/// core type).
///
/// Two MM-DiT blocks (width 128, 2 heads, MLP ×4, latent and context streams, rotary positions) on
/// a batch of 2 × (200 latent + 40 context) tokens: large enough that every GEMM of the step is cut
/// into several ``GEMMRowBlocks`` and every element-wise kernel into several chunks. Each step is
/// forward, MSE loss, backward, gradient clipping and AdamW.
public struct DeterminismProbe: Sendable {
    /// Training steps taken.
    public var steps: Int
    /// Samples in the batch.
    public var batch: Int
    /// Latent tokens per sample.
    public var latentTokens: Int
    /// Context tokens per sample.
    public var contextTokens: Int

    /// The probe's default problem.
    public init(steps: Int = 2, batch: Int = 2, latentTokens: Int = 200, contextTokens: Int = 40) {
        self.steps = max(1, steps)
        self.batch = max(1, batch)
        self.latentTokens = max(1, latentTokens)
        self.contextTokens = max(0, contextTokens)
    }

    /// What one run of the probe produced.
    public struct Outcome: Sendable, Equatable {
        /// Loss before each step's update.
        public var losses: [Double]
        /// FNV-1a 64-bit digest of the parameters, the last gradients and AdamW's two moments, in
        /// that order, as raw float bytes.
        public var digest: UInt64
        /// The parameters after the last step.
        public var parameters: [Float]

        /// The digest as 16 hex digits.
        public var digestHex: String {
            let hex = String(digest, radix: 16)
            return String(repeating: "0", count: max(0, 16 - hex.count)) + hex
        }
    }

    /// Runs the problem from the same seed on `context`'s threads.
    public func run(context: ComputeContext) throws(TensorError) -> Outcome {
        let width = 128
        let configuration = try MMDiTConfiguration(width: width, heads: 2, mlpRatio: 4, conditionWidth: width, hasContext: true)
        var layout = ParameterLayout()
        let stack = try MMDiTStack("probe", depth: 2, configuration: configuration, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 11)
        var rng = RandomStream(seed: 12)
        // adaLN-Zero starts every branch at zero: small modulation weights make every kernel matter.
        for block in stack.blocks {
            rng.fillNormal(store.value(block.latent.modulation.weight), std: 0.02)
            if let context = block.context { rng.fillNormal(store.value(context.modulation.weight), std: 0.02) }
        }
        let optimizer = AdamW(layout: layout, configuration: try AdamWConfiguration(weightDecay: 0.01))
        let workspace = Workspace()
        let buffers = MMDiTStack.Buffers(stack, batch: batch, latentTokens: latentTokens, contextTokens: contextTokens,
                                         workspace: workspace)
        let latent = workspace.allocate([batch, latentTokens, width])
        let contextTokensTensor = workspace.allocate([batch, contextTokens, width])
        let condition = workspace.allocate([batch, width]), target = workspace.allocate([batch, latentTokens, width])
        let gradient = workspace.allocate([batch, latentTokens, width])
        let contextGradient = workspace.allocate([batch, contextTokens, width])
        let conditionGradient = workspace.allocate([batch, width])
        rng.fillNormal(latent)
        rng.fillNormal(contextTokensTensor)
        rng.fillNormal(condition)
        rng.fillNormal(target)
        let rotary = RotaryTable(batch: 1, tokens: latentTokens + contextTokens, headDim: configuration.headDim)
        rotary.setPositions(sample: 0, (0..<(latentTokens + contextTokens)).map { Float($0 % 17) })

        var losses: [Double] = []
        for _ in 0..<steps {
            store.zeroGradients()
            contextGradient.zero()
            conditionGradient.zero()
            stack.forward(latent: latent, context: contextTokensTensor, condition: condition, rotary: rotary,
                          buffers: buffers, parameters: store, context: context)
            losses.append(MSELoss.forwardBackward(prediction: buffers.latentOutput, target: target, gradient: gradient,
                                                  context: context))
            stack.backward(latentGradient: gradient, contextGradient: contextGradient, condition: condition,
                           conditionGradient: conditionGradient, rotary: rotary, buffers: buffers, parameters: store,
                           context: context)
            _ = GradientClipping.clip(store, maxNorm: 1, context: context)
            optimizer.update(store, learningRate: 1e-3, context: context)
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for tensor in [store.values, store.gradients, optimizer.m, optimizer.v, conditionGradient] {
            let p = UnsafeRawPointer(tensor.data)
            for i in 0..<(tensor.count * MemoryLayout<Float>.size) {
                hash = (hash ^ UInt64(p.load(fromByteOffset: i, as: UInt8.self))) &* 0x0000_0100_0000_01b3
            }
        }
        return Outcome(losses: losses, digest: hash, parameters: store.values.toArray())
    }
}

extension DeterminismProbe {
    /// FNV-1a 64-bit digest of a packed-operand product (``GEMM/multiply(m:a:lda:packed:bias:accumulate:c:ldc:context:)``,
    /// 203 × 300 × 257 with a bias, whole and partial tiles and panels) run with `isa` on `threads` threads: every
    /// instruction set this CPU runs must give one digest, on every CPU (`spfflow doctor`).
    public static func packedProductDigest(isa: KernelISA, threads: Int) -> String {
        let (m, n, k) = (203, 300, 257)
        var rng = RandomStream(seed: 21)
        let a = Tensor(zeros: [m, k]), w = Tensor(zeros: [n, k]), bias = Tensor(zeros: [n]), c = Tensor(zeros: [m, n])
        // Uniform values come from the random bits by one multiply-add each (no libm), the same on every CPU.
        rng.fillUniform(a, low: -1, high: 1)
        rng.fillUniform(w, low: -1, high: 1)
        rng.fillUniform(bias, low: -1, high: 1)
        var context = ComputeContext(threads: threads)
        context.kernelISA = isa
        let packed = PackedMatrix(w.data, rows: k, columns: n, ldb: k, transposed: true)
        GEMM.multiply(m: m, a: a.data, lda: k, packed: packed, bias: bias.data, accumulate: false, c: c.data, ldc: n,
                      context: context)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let p = UnsafeRawPointer(c.data)
        for i in 0..<(c.count * MemoryLayout<Float>.size) {
            hash = (hash ^ UInt64(p.load(fromByteOffset: i, as: UInt8.self))) &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: max(0, 16 - hex.count)) + hex
    }
}

/// What OpenBLAS says of itself: its build configuration and the core type whose kernels it chose
/// for this CPU (`OPENBLAS_CORETYPE` overrides the choice).
public enum BLASInfo {
    /// The kernel family in use, e.g. "Haswell", "Zen", "SkylakeX", "Cooperlake".
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's configuration line, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64".
    public static var configuration: String {
        guard let config = openblas_get_config() else { return "unknown" }
        return String(String(cString: config).drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

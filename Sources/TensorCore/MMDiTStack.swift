/// A sequence of MM-DiT blocks sharing one conditioning vector and one rotary table.
public struct MMDiTStack: Sendable {
    /// The blocks, in order.
    public let blocks: [MMDiTBlock]
    /// Their (common) configuration.
    public let configuration: MMDiTConfiguration

    /// Registers `depth` blocks named `name.0`, `name.1`, … in `layout`.
    public init(_ name: String, depth: Int, configuration: MMDiTConfiguration, layout: inout ParameterLayout) throws(TensorError) {
        guard depth > 0 else { throw TensorError(.invalidConfiguration, "a block stack needs depth ≥ 1, got \(depth)") }
        var list: [MMDiTBlock] = []
        for i in 0..<depth { list.append(try MMDiTBlock("\(name).\(i)", configuration: configuration, layout: &layout)) }
        blocks = list
        self.configuration = configuration
    }

    /// Activations, block outputs and backward scratch for one batch shape (allocate once, reuse every step).
    ///
    /// With `keepsEveryBlock` each block keeps its own activations for backward. Without it (activation
    /// checkpointing) all blocks share one set: the forward pass keeps only each block's input, and the
    /// backward pass recomputes a block's forward from that input just before its backward. That costs
    /// one more forward pass of the blocks and keeps one block's activations instead of `depth`; the
    /// recomputed activations are the same bytes, so the gradients are too.
    public struct Buffers: Sendable {
        /// Batch `B`, latent tokens `Th`, context tokens `Tc`.
        public let batch: Int, latentTokens: Int, contextTokens: Int
        /// Whether every block keeps its activations (else one shared set, recomputed in backward).
        public let keepsEveryBlock: Bool
        /// Saved activations: one per block, or the one shared set.
        public let activations: [MMDiTBlock.Activations]
        /// The stack's inputs, `[B, Th, D]` and `[B, Tc, D]`, kept for recomputing the first block (nil when
        /// every block keeps its activations): a copy, or the caller's own input tensors (`keptInputs`).
        public let latentInput: Tensor?, contextInput: Tensor?
        /// Whether `latentInput` / `contextInput` are the caller's own inputs (`keptInputs`), which the forward pass must
        /// then be given.
        public let inputsAreKept: Bool
        /// Output of each block's latent stream, `[B, Th, D]` (the last is the stack's output).
        public let latentStates: [Tensor]
        /// Output of each block's context stream, `[B, Tc, D]` (empty without context).
        public let contextStates: [Tensor]
        /// Backward scratch shared by all blocks (nil for buffers of forward passes only).
        public let scratch: MMDiTBlock.Scratch?

        /// Allocates from `workspace`.
        /// - Parameters:
        ///   - keepsEveryBlock: every block keeps its activations (else one shared set, recomputed in backward).
        ///   - backward: allocate the backward scratch (false for forward-only passes, e.g. sampling).
        ///   - keptInputs: the tensors the caller will pass to ``MMDiTStack/forward(latent:context:condition:rotary:buffers:parameters:context:)``
        ///     and keeps unchanged until the backward pass has run: recomputing the first block reads them there instead
        ///     of a copy.
        public init(_ stack: MMDiTStack, batch: Int, latentTokens: Int, contextTokens: Int, workspace: Workspace,
                    keepsEveryBlock: Bool = true, backward: Bool = true, keptInputs: (latent: Tensor, context: Tensor?)? = nil) {
            let c = stack.configuration
            let tc = c.hasContext ? contextTokens : 0
            self.batch = batch
            self.latentTokens = latentTokens
            self.contextTokens = tc
            self.keepsEveryBlock = keepsEveryBlock
            // Forward-only buffers (sampling) share one set of activations, in their forward-only layout, and keep no
            // copy of the stack's inputs (only the backward's recomputation reads it).
            activations = (keepsEveryBlock ? stack.blocks : [stack.blocks[0]]).map {
                MMDiTBlock.Activations($0, batch: batch, latentTokens: latentTokens, contextTokens: tc, workspace: workspace,
                                       forwardOnly: !backward && !keepsEveryBlock, forBackward: backward)
            }
            let recomputes = backward && !keepsEveryBlock
            precondition(keptInputs == nil || (keptInputs?.context != nil) == c.hasContext,
                         "MMDiTStack.Buffers: kept inputs need a context tensor exactly when the stack has a context stream")
            inputsAreKept = recomputes && keptInputs != nil
            latentInput = recomputes ? keptInputs?.latent ?? workspace.allocate([batch, latentTokens, c.width]) : nil
            contextInput = recomputes && c.hasContext ? keptInputs?.context ?? workspace.allocate([batch, tc, c.width]) : nil
            latentStates = stack.blocks.map { _ in workspace.allocate([batch, latentTokens, c.width]) }
            contextStates = c.hasContext ? stack.blocks.map { _ in workspace.allocate([batch, tc, c.width]) } : []
            // Recomputing, a block's activations are dead after its backward: the scratch reuses those it has consumed.
            scratch = backward ? MMDiTBlock.Scratch(stack.blocks[0], batch: batch, latentTokens: latentTokens, contextTokens: tc,
                                                    workspace: workspace, sharing: recomputes ? activations[0] : nil) : nil
        }

        /// The activations block `index` uses.
        public func activations(of index: Int) -> MMDiTBlock.Activations { activations[keepsEveryBlock ? index : 0] }

        /// Floats of the activations one block keeps for `tokens` tokens (both streams) of width `width` and MLP
        /// width `hidden`: what each block beyond the first adds when every block keeps its own.
        public static func blockActivationFloats(tokens: Int, width: Int, hidden: Int) -> Int {
            tokens * (15 * width + 2 * hidden + 4)
        }

        /// The stack's latent output, `[B, Th, D]`.
        public var latentOutput: Tensor { latentStates[latentStates.count - 1] }
        /// The stack's context output, `[B, Tc, D]` (nil without context).
        public var contextOutput: Tensor? { contextStates.last }
    }

    /// Runs every block; the result is in `buffers.latentOutput` / `buffers.contextOutput`.
    /// - Parameters:
    ///   - latent: `[B, Th, D]`; `context`: `[B, Tc, D]` or nil; `condition`: `[B, Dc]`.
    public func forward(latent: Tensor, context: Tensor?, condition: Tensor, rotary: RotaryTable?, buffers: Buffers,
                        parameters: ParameterStore, context ctx: ComputeContext) {
        if buffers.inputsAreKept {
            precondition(buffers.latentInput?.data == latent.data && buffers.contextInput?.data == context?.data,
                         "MMDiTStack.forward: the buffers keep the caller's inputs (keptInputs), but other tensors were passed")
        } else {
            if let li = buffers.latentInput { li.copy(from: latent) }
            if let ci = buffers.contextInput, let context { ci.copy(from: context) }
        }
        for i in blocks.indices { forwardBlock(i, latent: latent, context: context, condition: condition, rotary: rotary,
                                               buffers: buffers, parameters: parameters, context: ctx) }
    }

    /// Block `i`'s forward from its input (the stack input for block 0, else block `i − 1`'s output).
    private func forwardBlock(_ i: Int, latent: Tensor, context: Tensor?, condition: Tensor, rotary: RotaryTable?,
                              buffers: Buffers, parameters: ParameterStore, context ctx: ComputeContext) {
        blocks[i].forward(latentInput: i == 0 ? latent : buffers.latentStates[i - 1],
                          contextInput: configuration.hasContext ? (i == 0 ? context : buffers.contextStates[i - 1]) : nil,
                          condition: condition, rotary: rotary, activations: buffers.activations(of: i),
                          latentOutput: buffers.latentStates[i],
                          contextOutput: configuration.hasContext ? buffers.contextStates[i] : nil,
                          parameters: parameters, context: ctx)
    }

    /// Backpropagates through every block: `latentGradient` / `contextGradient` hold the output
    /// gradients on entry and the input gradients on return; the conditioning gradient is added
    /// into `conditionGradient`; parameter gradients accumulate in `parameters`.
    public func backward(latentGradient: Tensor, contextGradient: Tensor?, condition: Tensor, conditionGradient: Tensor,
                         rotary: RotaryTable?, buffers: Buffers, parameters: ParameterStore, context ctx: ComputeContext) {
        guard let scratch = buffers.scratch else { preconditionFailure("MMDiTStack.backward: buffers allocated without backward scratch") }
        for i in stride(from: blocks.count - 1, through: 0, by: -1) {
            if !buffers.keepsEveryBlock, let li = buffers.latentInput, i < blocks.count - 1 {
                // Recompute block i's activations (the last block's are still those of the forward pass).
                forwardBlock(i, latent: li, context: buffers.contextInput, condition: condition, rotary: rotary,
                             buffers: buffers, parameters: parameters, context: ctx)
            }
            blocks[i].backward(latentGradient: latentGradient, contextGradient: contextGradient, condition: condition,
                               conditionGradient: conditionGradient, rotary: rotary, activations: buffers.activations(of: i),
                               scratch: scratch, parameters: parameters, context: ctx)
        }
    }

    /// The GEMMs one training step (forward + backward) of this stack runs, as (m, n, k, batched count) per call.
    ///
    /// Used by benchmarks to count matrix FLOPs and to time cblas_sgemm on exactly these shapes.
    public func trainingStepGEMMs(batch b: Int, latentTokens th: Int, contextTokens tc: Int) -> [GEMMShape] {
        let c = configuration, d = c.width, n = b * th, nc = b * (c.hasContext ? tc : 0), tj = th + (c.hasContext ? tc : 0)
        var list: [GEMMShape] = []
        func linear(_ rows: Int, _ input: Int, _ output: Int) {
            guard rows > 0 else { return }
            list.append(GEMMShape(m: rows, n: output, k: input, transposeB: true, phase: .forward))
            list.append(GEMMShape(m: rows, n: input, k: output, phase: .backward))   // dX
            list.append(GEMMShape(m: output, n: input, k: rows, transposeA: true, phase: .backward))   // dW
        }
        for _ in blocks {
            for rows in [n, nc] where rows > 0 {
                linear(b, c.conditionWidth, 6 * d)
                linear(rows, d, 3 * d)
                linear(rows, d, d)
                linear(rows, d, c.hidden)
                linear(rows, c.hidden, d)
            }
            let items = b * c.heads, dh = c.headDim
            list.append(GEMMShape(m: tj, n: tj, k: dh, count: items, transposeB: true, phase: .forward))  // QKᵀ
            list.append(GEMMShape(m: tj, n: dh, k: tj, count: items, phase: .forward))  // PV
            // Backward recomputes the scores tile by tile (memory-efficient attention), then four products.
            list.append(GEMMShape(m: tj, n: tj, k: dh, count: items, transposeB: true, phase: .backward))  // QKᵀ again
            list.append(GEMMShape(m: tj, n: dh, k: tj, count: items, transposeA: true, phase: .backward))  // dV
            list.append(GEMMShape(m: tj, n: tj, k: dh, count: items, transposeB: true, phase: .backward))  // dP
            list.append(GEMMShape(m: tj, n: dh, k: tj, count: items, phase: .backward))  // dQ
            list.append(GEMMShape(m: tj, n: dh, k: tj, count: items, transposeA: true, phase: .backward))  // dK
        }
        return list
    }
}

/// One GEMM call of a step: `count` independent `[m, k] · [k, n]` products.
public struct GEMMShape: Sendable, Equatable {
    /// Whether the call belongs to the forward or the backward pass.
    public enum Phase: Sendable { case forward, backward }
    /// Rows, columns, inner dimension.
    public let m: Int, n: Int, k: Int
    /// Independent products of this shape (heads × batch for attention, 1 otherwise).
    public let count: Int
    /// Whether A, B are used transposed.
    public let transposeA: Bool, transposeB: Bool
    /// Pass the call belongs to.
    public let phase: Phase

    /// A call of `count` products `op(A)[m, k] · op(B)[k, n]`.
    public init(m: Int, n: Int, k: Int, count: Int = 1, transposeA: Bool = false, transposeB: Bool = false, phase: Phase) {
        self.m = m; self.n = n; self.k = k; self.count = count
        self.transposeA = transposeA; self.transposeB = transposeB; self.phase = phase
    }
    /// Floating-point operations `2·m·n·k·count`.
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) * Double(count) }
}

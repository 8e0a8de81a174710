import Foundation
import TensorCore

/// The SPF MM-DiT backbone: a field-token stream and a forcing-token stream with joint attention,
/// QK-RMSNorm, temporal RoPE over physical time, 2-D sin-cos spatial positions consistent across stages,
/// adaLN-Zero driven by flow time + stage + timescale + source-model (+ pooled global forcing) embeddings,
/// final adaLN + linear + unpatchify; plus the prototype's per-token conditioning and mean-field head.
///
/// Built from TensorCore's explicit forward/backward layers: the blocks are an ``MMDiTStack``
/// (field tokens = latent stream, forcing + history tokens = context stream); the SPF-specific parts
/// are ``TokenEmbedding``, ``ConditioningNetwork``, ``FinalLayer`` and ``MeanFieldHead``. All
/// parameters live in one ``ParameterStore``.
public final class MMDiT: VelocityField, @unchecked Sendable {
    /// Backbone configuration.
    public let config: MMDiTConfig
    /// The pyramid the model serves.
    public let pyramid: PyramidConfig
    /// Trainable parameters (values and gradients, one flat buffer each).
    public let parameters: ParameterStore
    /// Items of one sampling pass when ``tokensPerChunk`` is 0.
    public let itemsPerChunk: Int
    /// Tokens (field + context, summed over items) of one sampling pass (at least one item): a pass's memory
    /// follows its tokens, whatever the stage, and the coarse stages' small items share one pass, so every
    /// weight multiplies all their rows in one product instead of being repacked for a few rows per chunk.
    /// 2048 tokens are 2 items of the default grid's monthly stage (12 × (32 + 32) tokens) and 60 members of a block at
    /// its decadal stage (34 tokens each), so every product still has over a thousand rows. 4096 (before) gave the
    /// same throughput with a pass workspace twice as large, which two stage nodes side by side each hold
    /// (`spfflow bench ensemble`: peak RSS of 1,000 against 100 members 1.14–1.16× with 2048, 1.22–1.25× with 4096).
    /// Which items share a pass changes the last bits of their values (not the seeds or the members' independence),
    /// so a change of this default is a version change of the sampling kinds. 0: passes of `itemsPerChunk` items.
    public let tokensPerChunk: Int
    /// Tokens (field + context, summed over items) of one training pass (at least one item): the trainer cuts a
    /// step's group of items of one stage and timescale into passes of ``trainingItemsPerPass(_:)`` items, their
    /// parameter gradients accumulating in turn, so a training pass's memory follows its tokens as a sampling pass's
    /// does. 4096 tokens hold the default 11.25° manifest's `spf` groups (at most 4 monthly items of 768 tokens)
    /// but not its `flat` (8 × 768) and `ar` (8 × 1152) batches; at 2° (3240 tokens per monthly item) the finest
    /// stage trains one item per pass. A split sums the gradients in another order (the last bits move), so this is
    /// a model constant, not a setting (spf.train's version says when it changed). 0: one pass per group.
    public let trainingTokensPerPass: Int
    /// Bytes of block activations a training pass may keep for backward; a pass that would need more keeps one
    /// block's and recomputes each block's forward in backward (activation checkpointing: the same gradients,
    /// about a third more backbone work). Sampling passes always keep one block's. 96 MiB (the small preset's
    /// blocks keep 46 KiB per token): passes up to about 2100 tokens keep every block; at 2° the finest stage's
    /// passes (2700 or 3240 tokens) and the yearly stage's two-item pass (2160) recompute, as do the default
    /// manifest's monthly passes (3072 tokens). Either way gives the same bytes.
    public let activationMemoryLimit: Int
    /// Threads of every kernel (results are bit-identical for any thread count).
    public let computeContext: ComputeContext
    let conditioning: ConditioningNetwork
    let embedding: TokenEmbedding
    let stack: MMDiTStack
    let final: FinalLayer
    let meanField: MeanFieldHead?
    /// Buffer sets of training and loss passes: one, re-carved when the shape changes (a step's groups differ in shape).
    private let pool = PassBufferPool()
    /// Buffer sets of sampling passes: two, so a member block that does not divide into equal passes (100 members at 60
    /// per pass: 60 + 40) keeps a set for its last pass too, and no solver step re-carves and zeroes a workspace.
    private let samplingPool = PassBufferPool(capacity: 2)

    /// Builds and initialises a model from `seed` (Xavier-uniform linears, zero adaLN/output/mean-field head,
    /// N(0, 0.02) embedding tables, unit QK-norm weights).
    /// - Parameters:
    ///   - threads: kernel threads (default: the machine's cores).
    ///   - gemmClock: where the model's matrix products add their time (benchmarks; see ``GEMMClock``), or nil.
    public init(config: MMDiTConfig, pyramid: PyramidConfig, seed: UInt64, itemsPerChunk: Int = 16, tokensPerChunk: Int = 2048,
                trainingTokensPerPass: Int = 4096, activationMemoryLimit: Int = 96 << 20, threads: Int? = nil,
                gemmClock: GEMMClock? = nil) throws {
        try pyramid.validate()
        try config.validate(against: pyramid)
        self.config = config
        self.pyramid = pyramid
        self.itemsPerChunk = max(1, itemsPerChunk)
        self.tokensPerChunk = max(0, tokensPerChunk)
        self.trainingTokensPerPass = max(0, trainingTokensPerPass)
        self.activationMemoryLimit = max(0, activationMemoryLimit)
        let compute = ComputeContext(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        computeContext = gemmClock.map { compute.timingGEMMs(with: $0) } ?? compute
        var layout = ParameterLayout()
        embedding = TokenEmbedding(config: config, layout: &layout)
        conditioning = ConditioningNetwork(config: config, layout: &layout)
        do {
            let block = try MMDiTConfiguration(width: config.width, heads: config.heads, mlpRatio: config.mlpRatio,
                                               conditionWidth: config.width, hasContext: true, qkNorm: true, epsilon: 1e-6)
            stack = try MMDiTStack("blocks", depth: config.depth, configuration: block, layout: &layout)
        } catch {
            throw SPFModelError(.invalidConfiguration, "backbone blocks: \(error)")
        }
        final = FinalLayer(config: config, layout: &layout)
        meanField = config.meanFieldHead ? MeanFieldHead(config: config, layout: &layout) : nil
        parameters = ParameterStore(layout: layout, seed: seed)
    }

    /// Parameter count.
    public var parameterCount: Int { parameters.layout.parameterCount }

    /// Loads parameter values saved under `prefix` + parameter name (e.g. the `ema/…` arrays of a trained model).
    public func loadWeights(_ arrays: [String: (shape: [Int], values: [Float])], prefix: String) throws {
        var state = StateDictionary()
        for slot in parameters.layout.slots {
            guard let a = arrays[prefix + slot.name] else { throw SPFModelError(.invalidState, "missing array \(prefix + slot.name)") }
            state.floats[prefix + slot.name] = StateArray(shape: a.shape, values: a.values)
        }
        do { try parameters.load(state, prefix: prefix) } catch {
            throw SPFModelError(.invalidState, "model weights: \(error)")
        }
    }

    /// Items of one sampling pass for `context`'s item shape: as many as `tokensPerChunk` tokens hold (at least
    /// one), or `itemsPerChunk` when `tokensPerChunk` is 0 (a function of the shapes only, so results do not
    /// depend on threads).
    public func itemsPerPass(_ context: StageContext) -> Int {
        guard tokensPerChunk > 0 else { return itemsPerChunk }
        return max(1, tokensPerChunk / max(tokensPerItem(context), 1))
    }

    /// Items of one training pass for `context`'s item shape: as many as ``trainingTokensPerPass`` tokens hold (at
    /// least one), or `Int.max` (a group in one pass) when it is 0 (a function of the shapes only).
    public func trainingItemsPerPass(_ context: StageContext) -> Int {
        guard trainingTokensPerPass > 0 else { return .max }
        return max(1, trainingTokensPerPass / max(tokensPerItem(context), 1))
    }

    /// Tokens of one item of `context`'s shape: field and forcing tokens of its frames, plus its history's field tokens.
    public func tokensPerItem(_ context: StageContext) -> Int {
        let c = config, field = c.fieldTokensPerFrame(stage: context.stage, pyramid: pyramid)
        let forcing = (c.height / c.forcingPatchSize) * (c.width2D / c.forcingPatchSize)
        return context.shape.frames * (field + forcing) + context.historyFrames * field
    }

    /// Velocity of a batch of latents (no gradient), evaluated in passes of ``itemsPerPass(_:)`` items.
    public func velocity(_ x: [Float], tau: [Double], context: StageContext) throws -> [Float] {
        let s = context.shape
        guard x.count == s.count, tau.count == s.items else {
            throw SPFModelError(.shapeMismatch, "velocity: \(x.count) values / \(tau.count) times for shape \(s.dims)")
        }
        var out = [Float]()
        out.reserveCapacity(x.count)
        var start = 0
        let perPass = itemsPerPass(context)
        while start < s.items {
            let end = min(start + perPass, s.items)
            let sub = context.slice(items: start..<end)
            let batch = try SPFBatch(tau: Array(tau[start..<end]), context: sub, config: config, pyramid: pyramid)
            let chunk = Array(x[(start * s.perItem)..<(end * s.perItem)])
            try withBuffers(batch, context: sub, training: false) { b in
                try load(chunk, into: b.fieldTokens, batch: batch)
                forward(batch, b)
                let tokenField = Tensor(zeros: batch.tokenShape.dims)
                batch.fieldPatching.unpatchify(b.output, into: tokenField, context: computeContext)
                var field = tokenField
                if let grid = batch.tokenGridResampling {
                    field = Tensor(zeros: sub.shape.dims)
                    grid.downsample(tokenField, into: field, context: computeContext)
                }
                out.append(contentsOf: UnsafeBufferPointer(start: field.data, count: field.count))
            }
            start = end
        }
        return out
    }

    /// `weight · mean((v(x, τ) − target)²)` over one batch (no gradient); `target` is `[I, T, C, h, w]`.
    public func loss(x: [Float], target: [Float], tau: [Double], context: StageContext, weight: Float) throws -> Double {
        let batch = try SPFBatch(tau: tau, context: context, config: config, pyramid: pyramid)
        return try withBuffers(batch, context: context, training: true) { b in
            try load(x, into: b.fieldTokens, batch: batch)
            try load(target, into: b.targetTokens, batch: batch)
            forward(batch, b)
            return Double(weight) * MSELoss.forwardBackward(prediction: b.output, target: b.targetTokens, gradient: nil,
                                                            context: computeContext)
        }
    }

    /// Like ``loss(x:target:tau:context:weight:)`` and adds the loss's parameter gradients into
    /// `parameters.gradients` (call `parameters.zeroGradients()` before a step's first batch).
    /// Throws (before touching gradients) when the loss is not finite, or when the model is frozen for sampling.
    public func accumulateGradients(x: [Float], target: [Float], tau: [Double], context: StageContext,
                                    weight: Float) throws -> Double {
        guard !parameters.isFrozenForInference else {
            throw SPFModelError(.invalidState, "training a model frozen for sampling (its packed weights would go stale)")
        }
        let batch = try SPFBatch(tau: tau, context: context, config: config, pyramid: pyramid)
        return try withBuffers(batch, context: context, training: true) { b in
            guard let g = b.gradients else { throw SPFModelError(.invalidState, "training pass without gradient buffers") }
            try load(x, into: b.fieldTokens, batch: batch)
            try load(target, into: b.targetTokens, batch: batch)
            forward(batch, b)
            let loss = Double(weight) * MSELoss.forwardBackward(prediction: b.output, target: b.targetTokens, gradient: g.output,
                                                                scale: weight, context: computeContext)
            guard loss.isFinite else { throw SPFModelError(.numerical, "non-finite loss \(loss)") }
            backward(batch, b, g)
            return loss
        }
    }

    /// Frees the pass buffers kept for reuse (the trainer does between steps, so they are not resident while it builds
    /// the next step's examples); the next pass allocates anew, with the same results.
    package func releaseIdlePassBuffers() {
        pool.releaseIdle()
        samplingPool.releaseIdle()
    }

    /// Buffer sets the sampling passes have built so far (tests: a member block's passes reuse theirs at every solver step).
    package var samplingPassBufferBuilds: Int { samplingPool.builds }

    /// Runs `body` with a buffer set for `batch`, returned to the pool afterwards.
    private func withBuffers<T>(_ batch: SPFBatch, context: StageContext, training: Bool,
                                _ body: (PassBuffers) throws -> T) throws -> T {
        let key = PassBuffers.Key(shape: batch.shape, historyFrames: context.historyFrames, training: training)
        let sets = training ? pool : samplingPool
        let taken = sets.take(key) { Workspace.measure { _ = PassBuffers(batch, model: self, training: training, workspace: $0) } }
        let buffers = taken.buffers ?? PassBuffers(batch, model: self, training: training, workspace: taken.workspace)
        defer { sets.give(buffers, key: key) }
        return try body(buffers)
    }

    /// Patchifies a field `[I, T, C, h, w]` into tokens `[I, Nf, C·p·p]` (upsampled to the token grid first when
    /// the patch does not tile the stage grid).
    private func load(_ field: [Float], into tokens: Tensor, batch: SPFBatch) throws {
        guard field.count == batch.shape.count else {
            throw SPFModelError(.shapeMismatch, "\(field.count) values for latent shape \(batch.shape.dims)")
        }
        var t = try Tensor(shape: batch.shape.dims, values: field)
        if let grid = batch.tokenGridResampling {
            let fine = Tensor(zeros: batch.tokenShape.dims)
            grid.upsample(t, into: fine, context: computeContext)
            t = fine
        }
        batch.fieldPatching.patchify(t, into: tokens, context: computeContext)
    }

    /// Forward pass: `b.fieldTokens` → `b.output` (velocity tokens).
    func forward(_ batch: SPFBatch, _ b: PassBuffers) {
        let p = parameters, ctx = computeContext
        conditioning.forward(batch, a: b.conditioning, parameters: p, context: ctx)
        let e = b.conditioning.condition
        embedding.forward(fieldTokens: b.fieldTokens, batch: batch, condition: e, a: b.tokens, parameters: p, context: ctx)
        stack.forward(latent: b.tokens.latent, context: b.tokens.context, condition: e, rotary: batch.rotary, buffers: b.stack,
                      parameters: p, context: ctx)
        final.forward(b.stack.latentOutput, condition: e, a: b.final, output: b.output, parameters: p, context: ctx)
        if let meanField, let ma = b.meanField {
            meanField.forward(forcing: b.tokens.forcing, condition: e, batch: batch, a: ma, output: b.output, parameters: p,
                              context: ctx)
        }
    }

    /// Backward pass from `g.output`; accumulates parameter gradients.
    func backward(_ batch: SPFBatch, _ b: PassBuffers, _ g: PassBuffers.Gradients) {
        let p = parameters, ctx = computeContext, e = b.conditioning.condition
        g.condition.zero()
        g.context.zero()
        g.tokens.forcing.zero()
        if let meanField, let ma = b.meanField, let ms = g.meanField {
            meanField.backward(g.output, batch: batch, a: ma, s: ms, dForcing: g.tokens.forcing, dCondition: g.condition,
                               parameters: p, context: ctx)
        }
        final.backward(g.output, condition: e, dCondition: g.condition, a: b.final, dH: g.latent,
                       dModulation: g.finalModulation, dSilu: g.finalSilu, parameters: p, context: ctx)
        stack.backward(latentGradient: g.latent, contextGradient: g.context, condition: e, conditionGradient: g.condition,
                       rotary: batch.rotary, buffers: b.stack, parameters: p, context: ctx)
        embedding.backward(dLatent: g.latent, dContext: g.context, fieldTokens: b.fieldTokens, batch: batch, condition: e,
                           dCondition: g.condition, a: b.tokens, s: g.tokens, parameters: p, context: ctx)
        conditioning.backward(g.condition, batch: batch, a: b.conditioning, scratch: g.conditioningScratch, parameters: p,
                              context: ctx)
    }
}

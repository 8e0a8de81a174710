/// One MM-DiT block (SD3 / Pyramid Flow style) as a forward/backward unit.
///
/// Two token streams, latent `h` `[B, Th, D]` and context `c` `[B, Tc, D]` (optional), each with
/// its own weights, share one joint attention; a conditioning vector `e` `[B, Dc]` drives
/// adaLN-Zero on both streams. Per stream `s`:
/// ```
/// (sh₁, sc₁, g₁, sh₂, sc₂, g₂) = Linear_s(SiLU(e))
/// q, k, v = Linear_s(LN(s)·(1+sc₁)+sh₁);  q, k ← RoPE(RMSNorm(q)), RoPE(RMSNorm(k))  (per head)
/// a = JointAttention([q_h; q_c], [k_h; k_c], [v_h; v_c]) split per stream
/// s ← s + g₁·Proj_s(a);  s ← s + g₂·FC2_s(GELU(FC1_s(LN(s)·(1+sc₂)+sh₂)))
/// ```
/// Without a context stream this is the plain adaLN-Zero DiT block.
public struct MMDiTBlock: Sendable {
    /// The block's shape.
    public let configuration: MMDiTConfiguration
    /// Latent-stream weights.
    public let latent: MMDiTStream
    /// Context-stream weights (nil without a context stream).
    public let context: MMDiTStream?
    /// Joint attention (QK-norm weights).
    public let attention: JointAttention
    /// LayerNorm without affine (shared definition; no parameters).
    public let norm: LayerNorm

    /// Registers the block's parameters under `name` (`name.latent.*`, `name.context.*`, `name.attn.*`).
    public init(_ name: String, configuration c: MMDiTConfiguration, layout: inout ParameterLayout) throws(TensorError) {
        configuration = c
        latent = MMDiTStream(name + ".latent", configuration: c, layout: &layout)
        context = c.hasContext ? MMDiTStream(name + ".context", configuration: c, layout: &layout) : nil
        attention = try JointAttention(name + ".attn", width: c.width, heads: c.heads, hasContext: c.hasContext,
                                       qkNorm: c.qkNorm, epsilon: c.epsilon, layout: &layout)
        norm = LayerNorm(features: c.width, epsilon: c.epsilon)
    }

    /// What the forward pass keeps for backward (one per block).
    public struct Activations: Sendable {
        /// Batch `B`, latent tokens `Th`, context tokens `Tc`.
        public let batch: Int, latentTokens: Int, contextTokens: Int
        /// SiLU of the conditioning, `[B, Dc]`.
        public let siluCondition: Tensor
        /// Latent-stream activations.
        public let latent: MMDiTStream.Activations
        /// Context-stream activations (nil without context).
        public let context: MMDiTStream.Activations?
        /// Attention state.
        public let attention: JointAttention.Saved

        /// Allocates for `batch` samples of `latentTokens` (+ `contextTokens`) tokens.
        /// - Parameter forwardOnly: for passes that are never differentiated (see ``MMDiTStream/Activations`` and
        ///   ``JointAttention/Saved``): the same forward output in about half the memory; not for ``backward``.
        /// - Parameter forBackward: whether a backward pass will follow (else attention keeps no scores for it).
        public init(_ block: MMDiTBlock, batch: Int, latentTokens: Int, contextTokens: Int, workspace: Workspace,
                    forwardOnly: Bool = false, forBackward: Bool = true) {
            let c = block.configuration
            self.batch = batch
            self.latentTokens = latentTokens
            self.contextTokens = c.hasContext ? contextTokens : 0
            siluCondition = workspace.allocate([batch, c.conditionWidth])
            latent = MMDiTStream.Activations(c, batch: batch, tokens: latentTokens, workspace: workspace, forwardOnly: forwardOnly)
            context = c.hasContext
                ? MMDiTStream.Activations(c, batch: batch, tokens: contextTokens, workspace: workspace, forwardOnly: forwardOnly) : nil
            attention = JointAttention.Saved(block.attention, batch: batch, latentTokens: latentTokens,
                                             contextTokens: self.contextTokens, workspace: workspace, forwardOnly: forwardOnly,
                                             keepsScores: forBackward ? nil : false)
        }
    }

    /// Backward scratch, shareable by every block of the same configuration and batch shape.
    public struct Scratch: Sendable {
        /// Latent-stream scratch.
        public let latent: MMDiTStream.Scratch
        /// Context-stream scratch.
        public let context: MMDiTStream.Scratch?
        /// Attention scratch.
        public let attention: JointAttention.Scratch
        /// Gradient of SiLU(condition), `[B, Dc]`.
        public let siluCondition: Tensor

        /// Allocates for `batch` samples of `latentTokens` (+ `contextTokens`) tokens.
        /// - Parameter forBackward: whether a backward pass will follow (else attention keeps no scores for it).
        /// - Parameter sharing: the one set of activations that every block recomputes before its backward; the scratch
        ///   then reuses the activations a block's backward has consumed (``MMDiTStream/Scratch/init(_:batch:tokens:workspace:sharing:)``).
        public init(_ block: MMDiTBlock, batch: Int, latentTokens: Int, contextTokens: Int, workspace: Workspace,
                    forBackward: Bool = true, sharing: Activations? = nil) {
            let c = block.configuration
            let tc = c.hasContext ? contextTokens : 0
            latent = MMDiTStream.Scratch(c, batch: batch, tokens: latentTokens, workspace: workspace, sharing: sharing?.latent)
            context = c.hasContext
                ? MMDiTStream.Scratch(c, batch: batch, tokens: tc, workspace: workspace, sharing: sharing?.context) : nil
            attention = JointAttention.Scratch(block.attention, batch: batch, latentTokens: latentTokens,
                                               contextTokens: tc, workspace: workspace)
            siluCondition = workspace.allocate([batch, c.conditionWidth])
        }
    }

    /// Forward pass.
    /// - Parameters:
    ///   - latentInput: `[B, Th, D]`; `contextInput`: `[B, Tc, D]` (nil without context).
    ///   - condition: `[B, Dc]`.
    ///   - rotary: table over the `Th + Tc` joint tokens, or nil.
    ///   - latentOutput: `[B, Th, D]`; `contextOutput`: `[B, Tc, D]` (may alias the inputs).
    public func forward(latentInput x: Tensor, contextInput cx: Tensor?, condition e: Tensor, rotary: RotaryTable?,
                        activations a: Activations, latentOutput: Tensor, contextOutput: Tensor?,
                        parameters p: ParameterStore, context ctx: ComputeContext) {
        let c = configuration
        precondition(x.count == a.batch * a.latentTokens * c.width && latentOutput.count == x.count,
                     "MMDiT block: latent \(x.shape) / output \(latentOutput.shape) vs B \(a.batch), Th \(a.latentTokens), D \(c.width)")
        precondition(e.count == a.batch * c.conditionWidth, "MMDiT block: condition \(e.shape) is not [\(a.batch), \(c.conditionWidth)]")
        precondition(c.hasContext == (cx != nil) && c.hasContext == (contextOutput != nil),
                     "MMDiT block: context input/output must be given exactly when the block has a context stream")
        SiLU.forward(e, into: a.siluCondition, context: ctx)
        latent.forwardToQKV(x, siluCondition: a.siluCondition, norm: norm, a: a.latent, parameters: p, context: ctx)
        if let cs = context, let ca = a.context, let cx {
            precondition(cx.count == a.batch * a.contextTokens * c.width && contextOutput?.count == cx.count,
                         "MMDiT block: context \(cx.shape) vs B \(a.batch), Tc \(a.contextTokens)")
            cs.forwardToQKV(cx, siluCondition: a.siluCondition, norm: norm, a: ca, parameters: p, context: ctx)
        }
        attention.forward(latentQKV: a.latent.qkv, contextQKV: a.context?.qkv, rotary: rotary, saved: a.attention,
                          latentOut: a.latent.attention, contextOut: a.context?.attention, parameters: p, context: ctx)
        latent.forwardFromAttention(x, norm: norm, a: a.latent, output: latentOutput, parameters: p, context: ctx)
        if let cs = context, let ca = a.context, let cx, let contextOutput {
            cs.forwardFromAttention(cx, norm: norm, a: ca, output: contextOutput, parameters: p, context: ctx)
        }
    }

    /// Backward pass: `latentGradient` (and `contextGradient`) hold the output gradients on entry
    /// and the input gradients on return (in place); the conditioning's gradient is added into
    /// `conditionGradient`; parameter gradients are accumulated in `parameters`.
    /// - Parameters:
    ///   - latentGradient: `[B, Th, D]`; `contextGradient`: `[B, Tc, D]`.
    ///   - condition: `[B, Dc]` forward input; `conditionGradient`: `[B, Dc]` (accumulated).
    public func backward(latentGradient dh: Tensor, contextGradient dc: Tensor?, condition e: Tensor,
                         conditionGradient de: Tensor, rotary: RotaryTable?, activations a: Activations, scratch s: Scratch,
                         parameters p: ParameterStore, context ctx: ComputeContext) {
        precondition(dh.count == a.batch * a.latentTokens * configuration.width, "MMDiT backward: latent gradient \(dh.shape)")
        precondition(configuration.hasContext == (dc != nil), "MMDiT backward: context gradient must be given exactly when the block has a context stream")
        precondition(!a.attention.forwardOnly, "MMDiT backward: the activations were allocated forward-only (they keep no saved state)")
        precondition(de.count == e.count, "MMDiT backward: condition gradient \(de.shape) vs condition \(e.shape)")
        latent.backwardToAttention(dh, norm: norm, a: a.latent, s: s.latent, parameters: p, context: ctx)
        if let cs = context, let ca = a.context, let sc = s.context, let dc {
            cs.backwardToAttention(dc, norm: norm, a: ca, s: sc, parameters: p, context: ctx)
        }
        attention.backward(latentDOut: s.latent.attention, contextDOut: s.context?.attention,
                           latentQKV: a.latent.qkv, contextQKV: a.context?.qkv, rotary: rotary, saved: a.attention,
                           scratch: s.attention, latentDQKV: s.latent.qkv, contextDQKV: s.context?.qkv,
                           parameters: p, context: ctx)
        latent.backwardFromQKV(dh, siluCondition: a.siluCondition, dSiluCondition: s.siluCondition, accumulateCondition: false,
                               norm: norm, a: a.latent, s: s.latent, parameters: p, context: ctx)
        if let cs = context, let ca = a.context, let sc = s.context, let dc {
            cs.backwardFromQKV(dc, siluCondition: a.siluCondition, dSiluCondition: s.siluCondition, accumulateCondition: true,
                               norm: norm, a: ca, s: sc, parameters: p, context: ctx)
        }
        SiLU.backward(s.siluCondition, input: e, inputGradient: de, accumulate: true, context: ctx)
    }
}

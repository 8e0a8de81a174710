/// The per-stream weights of an MM-DiT block: adaLN-Zero modulation, QKV and output projections, MLP.
public struct MMDiTStream: Sendable {
    /// `Linear(Dc → 6D)` on SiLU(condition), zero-initialised: shift₁, scale₁, gate₁, shift₂, scale₂, gate₂.
    public let modulation: Linear
    /// `Linear(D → 3D)`: packed q, k, v.
    public let qkv: Linear
    /// `Linear(D → D)`: attention output projection.
    public let projection: Linear
    /// `Linear(D → F)`: MLP in.
    public let fc1: Linear
    /// `Linear(F → D)`: MLP out.
    public let fc2: Linear

    /// Registers the stream's parameters under `name` in `layout`.
    public init(_ name: String, configuration c: MMDiTConfiguration, layout: inout ParameterLayout) {
        modulation = Linear(name + ".adaln", inFeatures: c.conditionWidth, outFeatures: 6 * c.width, zeroInit: true,
                            layout: &layout)
        qkv = Linear(name + ".qkv", inFeatures: c.width, outFeatures: 3 * c.width, layout: &layout)
        projection = Linear(name + ".proj", inFeatures: c.width, outFeatures: c.width, layout: &layout)
        fc1 = Linear(name + ".fc1", inFeatures: c.width, outFeatures: c.hidden, layout: &layout)
        fc2 = Linear(name + ".fc2", inFeatures: c.hidden, outFeatures: c.width, layout: &layout)
    }

    /// What the forward pass keeps for one stream (shapes for `B` samples of `T` tokens).
    public struct Activations: Sendable {
        /// LayerNorm outputs and 1/σ: `[B, T, D]`, `[B·T]` (before attention, before MLP).
        public let normed1: Tensor, rstd1: Tensor, normed2: Tensor, rstd2: Tensor
        /// Modulated inputs of qkv and fc1, `[B, T, D]`.
        public let modulated1: Tensor, modulated2: Tensor
        /// Packed projections `[B, T, 3D]`.
        public let qkv: Tensor
        /// Attention output (heads concatenated) and its projection, `[B, T, D]`.
        public let attention: Tensor, projected: Tensor
        /// Residual stream after the attention branch, `[B, T, D]`.
        public let afterAttention: Tensor
        /// MLP pre-activation and GELU output `[B, T, F]`; MLP output `[B, T, D]`.
        public let hidden: Tensor, activated: Tensor, mlpOut: Tensor
        /// adaLN modulation `[B, 6D]`.
        public let modulation: Modulation
        /// Allocated for passes that are never differentiated: the LayerNorm outputs are not stored (see `init`).
        public let forwardOnly: Bool

        /// Allocates from `workspace`.
        /// - Parameter forwardOnly: for passes that are never differentiated (sampling): tensors whose values are dead
        ///   before another one is written share storage, `[B, T, 7D + F + 1]` instead of `[B, T, 11D + 2F + 2]`. The
        ///   forward computes the same values in the same order, so its output is the same to the bit; ``backward``
        ///   must not be given such activations. Each step of ``forwardToQKV`` / ``forwardFromAttention`` reads one
        ///   tensor and writes another: `normed1`, `projected` and `normed2` share one `[B, T, D]` (each is read once,
        ///   by the next step, before the following one is written), `modulated1`, `modulated2` and `mlpOut` another
        ///   (`modulated1` is dead once `qkv` is computed, `modulated2` once `hidden` is), `rstd1` and `rstd2` one, and
        ///   the GELU writes `activated` over `hidden` (an elementwise map, safe in place). The LayerNorms do not store
        ///   their outputs at all (``ModulatedLayerNorm`` normalises and modulates each row in one pass, the same bits):
        ///   `normed1` and `normed2` are `projected`'s storage and hold no LayerNorm values.
        public init(_ c: MMDiTConfiguration, batch b: Int, tokens t: Int, workspace w: Workspace, forwardOnly: Bool = false) {
            let d = c.width
            self.forwardOnly = forwardOnly
            modulation = Modulation(w.allocate([b, 6 * d]), chunks: 6, width: d)
            qkv = w.allocate([b, t, 3 * d])
            attention = w.allocate([b, t, d])
            afterAttention = w.allocate([b, t, d])
            if forwardOnly {
                let normed = w.allocate([b, t, d]), modulated = w.allocate([b, t, d]), rstd = w.allocate([b * t])
                let hidden = w.allocate([b, t, c.hidden])
                normed1 = normed; projected = normed; normed2 = normed
                modulated1 = modulated; modulated2 = modulated; mlpOut = modulated
                rstd1 = rstd; rstd2 = rstd
                self.hidden = hidden; activated = hidden
            } else {
                normed1 = w.allocate([b, t, d]); rstd1 = w.allocate([b * t])
                normed2 = w.allocate([b, t, d]); rstd2 = w.allocate([b * t])
                modulated1 = w.allocate([b, t, d]); modulated2 = w.allocate([b, t, d])
                projected = w.allocate([b, t, d])
                hidden = w.allocate([b, t, c.hidden]); activated = w.allocate([b, t, c.hidden])
                mlpOut = w.allocate([b, t, d])
            }
        }
    }

    /// Backward scratch for one stream (shareable by all blocks of one batch shape).
    public struct Scratch: Sendable {
        /// Gradient of a gated branch output, `[B, T, D]`.
        public let branch: Tensor
        /// Gradient of the MLP hidden layer, `[B, T, F]`.
        public let hidden: Tensor
        /// Gradient of a modulated/normalised input, `[B, T, D]`.
        public let normed: Tensor
        /// Gradient of the attention output, `[B, T, D]`.
        public let attention: Tensor
        /// Gradient of the packed projections, `[B, T, 3D]`.
        public let qkv: Tensor
        /// Gradient of the modulation, `[B, 6D]`.
        public let modulation: Modulation

        /// Allocates from `workspace`.
        /// - Parameter sharing: the stream's activations when they are the one set that every block recomputes just
        ///   before its backward (activation checkpointing): then a block's activations are dead after its backward, and
        ///   the scratch reuses the ones its backward has consumed, in this order (``backwardToAttention``,
        ///   ``backwardFromQKV``): `hidden` is `activated` (fc2 takes its weight gradient from the GELU output before its
        ///   input gradient is written over it), `normed` is `modulated2` (likewise fc1's input; `modulated1`, read by the
        ///   qkv projection's backward, stays apart), `branch` is `afterAttention` (never read in backward), `attention` is
        ///   `projected` (last read by the second LayerNorm's backward, just before the projection's backward writes
        ///   `attention`), and `qkv` lies in `hidden` when `F ≥ 3D` (the pre-activation is last read by GELU's backward,
        ///   before attention's backward writes `qkv`). The same values in the same order: `[B, T, 6D + F]` less.
        public init(_ c: MMDiTConfiguration, batch b: Int, tokens t: Int, workspace w: Workspace, sharing a: Activations? = nil) {
            let d = c.width
            modulation = Modulation(w.allocate([b, 6 * d]), chunks: 6, width: d)
            if let a {
                normed = a.modulated2
                precondition(a.hidden.count == b * t * c.hidden && a.afterAttention.count == b * t * d,
                             "MMDiTStream.Scratch: shared activations \(a.hidden.shape) are not for [\(b), \(t)]")
                hidden = a.activated; branch = a.afterAttention; attention = a.projected
                qkv = c.hidden >= 3 * d ? a.hidden.view(at: 0, shape: [b, t, 3 * d]) : w.allocate([b, t, 3 * d])
            } else {
                normed = w.allocate([b, t, d])
                branch = w.allocate([b, t, d]); hidden = w.allocate([b, t, c.hidden])
                attention = w.allocate([b, t, d]); qkv = w.allocate([b, t, 3 * d])
            }
        }
    }

    /// First half of the forward pass: modulation, LN and modulate (fused), qkv projection.
    func forwardToQKV(_ x: Tensor, siluCondition: Tensor, norm: LayerNorm, a: Activations,
                      parameters p: ParameterStore, context ctx: ComputeContext) {
        modulation.forward(siluCondition, into: a.modulation.values, parameters: p, context: ctx)
        ModulatedLayerNorm.forward(x, branch: nil, gate: 0, residual: nil, norm: norm, normed: a.forwardOnly ? nil : a.normed1,
                                   rstd: a.rstd1, modulation: a.modulation, shift: 0, scale: 1, modulated: a.modulated1,
                                   context: ctx)
        qkv.forward(a.modulated1, into: a.qkv, parameters: p, context: ctx)
    }

    /// Second half: output projection, gated residual + LN + modulate (fused), MLP, gated residual.
    func forwardFromAttention(_ x: Tensor, norm: LayerNorm, a: Activations, output: Tensor,
                              parameters p: ParameterStore, context ctx: ComputeContext) {
        projection.forward(a.attention, into: a.projected, parameters: p, context: ctx)
        ModulatedLayerNorm.forward(x, branch: a.projected, gate: 2, residual: a.afterAttention, norm: norm,
                                   normed: a.forwardOnly ? nil : a.normed2, rstd: a.rstd2, modulation: a.modulation,
                                   shift: 3, scale: 4, modulated: a.modulated2, context: ctx)
        fc1.forward(a.modulated2, into: a.hidden, parameters: p, context: ctx)
        GELU.forward(a.hidden, into: a.activated, context: ctx)
        fc2.forward(a.activated, into: a.mlpOut, parameters: p, context: ctx)
        AdaLN.gatedResidual(a.afterAttention, a.mlpOut, modulation: a.modulation, gate: 5, into: output, context: ctx)
    }

    /// Backward of ``forwardFromAttention``: `dOut` (in place) becomes the gradient of the
    /// residual stream before the attention branch's residual add; fills `s.attention`.
    func backwardToAttention(_ dOut: Tensor, norm: LayerNorm, a: Activations, s: Scratch,
                             parameters p: ParameterStore, context ctx: ComputeContext) {
        s.modulation.values.zero()
        AdaLN.gatedResidualBackward(dOut, branch: a.mlpOut, modulation: a.modulation, gradient: s.modulation, gate: 5,
                                    branchGradient: s.branch, context: ctx)
        // With shared scratch `s.hidden` is `a.activated` (Linear takes the weight gradient first), `s.normed` is `a.modulated2`.
        fc2.backward(s.branch, input: a.activated, inputGradient: s.hidden, parameters: p, context: ctx)
        if let bias = fc1.bias {
            // GELU's backward adds fc1's bias gradient (Σ over rows) in the same pass.
            GELU.backward(s.hidden, input: a.hidden, addingColumnSumsInto: p.gradientPointer(bias), context: ctx)
            fc1.backward(s.hidden, input: a.modulated2, inputGradient: s.normed, biasGradient: false, parameters: p, context: ctx)
        } else {
            GELU.backward(s.hidden, input: a.hidden, inputGradient: s.hidden, context: ctx)
            fc1.backward(s.hidden, input: a.modulated2, inputGradient: s.normed, parameters: p, context: ctx)
        }
        ModulatedLayerNorm.backward(s.normed, normed: a.normed2, rstd: a.rstd2, norm: norm, modulation: a.modulation,
                                    gradient: s.modulation, shift: 3, scale: 4, inputGradient: dOut, branch: a.projected,
                                    gate: 2, branchGradient: s.branch, context: ctx)
        projection.backward(s.branch, input: a.attention, inputGradient: s.attention, parameters: p, context: ctx)
    }

    /// Backward of ``forwardToQKV`` given `s.qkv`: `dOut` (in place) becomes the block input's
    /// gradient; the conditioning's gradient (before SiLU) is added into `dSiluCondition`.
    func backwardFromQKV(_ dOut: Tensor, siluCondition: Tensor, dSiluCondition: Tensor, accumulateCondition: Bool,
                         norm: LayerNorm, a: Activations, s: Scratch, parameters p: ParameterStore, context ctx: ComputeContext) {
        qkv.backward(s.qkv, input: a.modulated1, inputGradient: s.normed, parameters: p, context: ctx)
        ModulatedLayerNorm.backward(s.normed, normed: a.normed1, rstd: a.rstd1, norm: norm, modulation: a.modulation,
                                    gradient: s.modulation, shift: 0, scale: 1, inputGradient: dOut, branch: nil, gate: 0,
                                    branchGradient: nil, context: ctx)
        modulation.backward(s.modulation.values, input: siluCondition, inputGradient: dSiluCondition,
                            accumulate: accumulateCondition, parameters: p, context: ctx)
    }
}

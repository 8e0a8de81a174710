import TensorCore

/// The two token streams entering the MM-DiT blocks: patch embeddings of the field latent
/// (`field_embed`), the forcing patches (`forcing_embed`) and, for the autoregressive baseline,
/// the history patches (`history_embed`), each plus its fixed 2-D sin-cos positions; the
/// context stream is the forcing tokens followed by the history tokens of each item. With
/// per-token conditioning, `Linear(e)` (`token_cond`) is added to every token of both streams.
struct TokenEmbedding: Sendable {
    /// Field patch embedding `C·p·p → D`.
    let field: Linear
    /// Forcing patch embedding `Cf·pf·pf → D`.
    let forcing: Linear
    /// History patch embedding `C·p·p → D` (autoregressive baseline only).
    let history: Linear?
    /// Per-token conditioning `D → D` (nil when disabled).
    let tokenCondition: Linear?

    /// Registers the parameters.
    init(config c: MMDiTConfig, layout: inout ParameterLayout) {
        let d = c.width, patch = c.channels * c.patchSize * c.patchSize
        field = Linear("field_embed", inFeatures: patch, outFeatures: d, layout: &layout)
        forcing = Linear("forcing_embed", inFeatures: c.forcingPixelChannels * c.forcingPatchSize * c.forcingPatchSize,
                         outFeatures: d, layout: &layout)
        history = c.historyStream ? Linear("history_embed", inFeatures: patch, outFeatures: d, layout: &layout) : nil
        tokenCondition = c.conditionEveryToken ? Linear("token_cond", inFeatures: d, outFeatures: d, layout: &layout) : nil
    }

    /// What the forward pass produces and keeps, for one batch.
    struct Activations {
        /// Field stream entering the blocks, `[I, Nf, D]`.
        let latent: Tensor
        /// Context stream entering the blocks, `[I, Nc, D]`.
        let context: Tensor
        /// Embedded forcing tokens with positions (before token conditioning), `[I, Nfc, D]`.
        let forcing: Tensor
        /// Embedded history tokens with positions, `[I, Nh, D]` (nil without history).
        let history: Tensor?
        /// `token_cond(e)`, `[I, D]`.
        let tokenCondition: Tensor

        init(_ b: SPFBatch, width d: Int, workspace w: Workspace) {
            latent = w.allocate([b.items, b.fieldTokens, d])
            context = w.allocate([b.items, b.contextTokens, d])
            forcing = w.allocate([b.items, b.forcingTokens, d])
            history = b.historyTokens > 0 ? w.allocate([b.items, b.historyTokens, d]) : nil
            tokenCondition = w.allocate([b.items, d])
        }
    }

    /// Backward scratch.
    struct Scratch {
        /// Gradient of the forcing tokens `[I, Nfc, D]` (the mean-field head adds its part first).
        let forcing: Tensor
        /// Gradient of the history tokens `[I, Nh, D]`.
        let history: Tensor?
        /// Gradient of `token_cond(e)`, `[I, D]`.
        let tokenCondition: Tensor

        init(_ b: SPFBatch, width d: Int, workspace w: Workspace) {
            forcing = w.allocate([b.items, b.forcingTokens, d])
            history = b.historyTokens > 0 ? w.allocate([b.items, b.historyTokens, d]) : nil
            tokenCondition = w.allocate([b.items, d])
        }
    }

    /// Embeds `fieldTokens` (`[I, Nf, C·p·p]`) and the batch's context patches; `condition` is `e` `[I, D]`.
    func forward(fieldTokens: Tensor, batch b: SPFBatch, condition: Tensor, a: Activations,
                 parameters p: ParameterStore, context ctx: ComputeContext) {
        field.forward(fieldTokens, into: a.latent, parameters: p, context: ctx)
        Self.addPositions(b.fieldPositions, to: a.latent, context: ctx)
        forcing.forward(b.forcingPatches, into: a.forcing, parameters: p, context: ctx)
        Self.addPositions(b.forcingPositions, to: a.forcing, context: ctx)
        if let history, let hp = b.historyPatches, let ha = a.history, let pos = b.historyPositions {
            history.forward(hp, into: ha, parameters: p, context: ctx)
            Self.addPositions(pos, to: ha, context: ctx)
        }
        Self.concatenate(a.forcing, a.history, into: a.context, items: b.items)
        if let tokenCondition {
            tokenCondition.forward(condition, into: a.tokenCondition, parameters: p, context: ctx)
            TokenGroups.broadcastAdd(a.tokenCondition, into: a.latent, context: ctx)
            TokenGroups.broadcastAdd(a.tokenCondition, into: a.context, context: ctx)
        }
    }

    /// Accumulates parameter gradients from the streams' gradients `dLatent` `[I, Nf, D]` and
    /// `dContext` `[I, Nc, D]`; `s.forcing` must already hold the mean-field head's gradient of the
    /// forcing tokens (or zeros). The conditioning's gradient is added into `dCondition`.
    func backward(dLatent: Tensor, dContext: Tensor, fieldTokens: Tensor, batch b: SPFBatch, condition: Tensor,
                  dCondition: Tensor, a: Activations, s: Scratch, parameters p: ParameterStore, context ctx: ComputeContext) {
        if let tokenCondition {
            s.tokenCondition.zero()
            TokenGroups.broadcastAddBackward(dLatent, vectorGradient: s.tokenCondition, context: ctx)
            TokenGroups.broadcastAddBackward(dContext, vectorGradient: s.tokenCondition, context: ctx)
            tokenCondition.backward(s.tokenCondition, input: condition, inputGradient: dCondition, accumulate: true,
                                    parameters: p, context: ctx)
        }
        field.backward(dLatent, input: fieldTokens, inputGradient: nil, parameters: p, context: ctx)
        Self.split(dContext, forcing: s.forcing, history: s.history, items: b.items)
        forcing.backward(s.forcing, input: b.forcingPatches, inputGradient: nil, parameters: p, context: ctx)
        if let history, let hp = b.historyPatches, let dh = s.history {
            history.backward(dh, input: hp, inputGradient: nil, parameters: p, context: ctx)
        }
    }

    /// `x[i, t, :] += positions[t, :]` for every item `i`.
    static func addPositions(_ positions: Tensor, to x: Tensor, context ctx: ComputeContext) {
        let per = positions.count, px = x.data, pp = positions.data
        precondition(per > 0 && x.count % per == 0, "positions \(positions.shape) do not tile \(x.shape)")
        ctx.parallelFor(x.count / per) { items in
            for i in items {
                let dst = px + i * per
                for j in 0..<per { dst[j] += pp[j] }
            }
        }
    }

    /// `context[i] = [forcing[i]; history[i]]` per item.
    static func concatenate(_ forcing: Tensor, _ history: Tensor?, into context: Tensor, items: Int) {
        let nf = forcing.count / items, nh = (history?.count ?? 0) / items
        for i in 0..<items {
            (context.data + i * (nf + nh)).update(from: forcing.data + i * nf, count: nf)
            if let history { (context.data + i * (nf + nh) + nf).update(from: history.data + i * nh, count: nh) }
        }
    }

    /// Backward of ``concatenate(_:_:into:items:)``: adds the forcing part into `forcing`, copies the history part.
    static func split(_ dContext: Tensor, forcing: Tensor, history: Tensor?, items: Int) {
        let nf = forcing.count / items, nh = (history?.count ?? 0) / items
        for i in 0..<items {
            let src = dContext.data + i * (nf + nh), dst = forcing.data + i * nf
            for j in 0..<nf { dst[j] += src[j] }
            if let history { (history.data + i * nh).update(from: src + nf, count: nh) }
        }
    }
}

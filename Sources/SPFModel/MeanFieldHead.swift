import TensorCore

/// The zero-initialised forcing-to-field (mean-field) head: per frame, the forcing tokens are
/// averaged, `e` is added, and `Linear(SiLU(·))` (`mean_field`) predicts a full-grid field
/// `[C, H, W]`; block means bring it to the token grid, it is patchified like the field tokens and
/// added to the output with weight `1 − τ` per item.
struct MeanFieldHead: Sendable {
    /// `Linear(D → C·H·W)`, zero-initialised.
    let projection: Linear

    /// Registers `mean_field`.
    init(config c: MMDiTConfig, layout: inout ParameterLayout) {
        projection = Linear("mean_field", inFeatures: c.width, outFeatures: c.channels * c.height * c.width2D, zeroInit: true,
                            layout: &layout)
    }

    /// What the forward pass keeps (for `I` items of `T` frames).
    struct Activations {
        /// Pooled forcing plus `e`, `[I·T, D]`, and its SiLU.
        let conditioned: Tensor, activated: Tensor
        /// Full-grid prediction `[I, T, C, H, W]`.
        let full: Tensor
        /// Its block means on the token grid `[I, T, C, r·h, r·w]`.
        let coarse: Tensor
        /// Weighted tokens `[I, Nf, C·p·p]`.
        let tokens: Tensor

        init(_ b: SPFBatch, config c: MMDiTConfig, workspace w: Workspace) {
            conditioned = w.allocate([b.items * b.frames, c.width]); activated = w.allocate([b.items * b.frames, c.width])
            full = w.allocate([b.items, b.frames, c.channels, c.height, c.width2D])
            coarse = w.allocate(b.tokenShape.dims)
            tokens = w.allocate([b.items, b.fieldTokens, c.channels * c.patchSize * c.patchSize])
        }

        /// Backward scratch beside the forward activations `a`: gradients of `conditioned` and `activated` of its own,
        /// and the field-sized gradients (`full`, `coarse`, `tokens`, which grow with the grid: 3.8 MiB per monthly
        /// item at 2°) in `a`'s buffers, dead once the forward pass has added the head's tokens to the output
        /// (``MeanFieldHead/backward(_:batch:a:s:dForcing:dCondition:parameters:context:)`` reads only `a.activated` and
        /// `a.conditioned`).
        init(gradientsOver a: Activations, _ b: SPFBatch, config c: MMDiTConfig, workspace w: Workspace) {
            conditioned = w.allocate([b.items * b.frames, c.width]); activated = w.allocate([b.items * b.frames, c.width])
            full = a.full
            coarse = a.coarse
            tokens = a.tokens
        }
    }

    /// Adds the head's tokens into `out` (`[I, Nf, C·p·p]`), from the embedded forcing tokens `forcing` `[I, Nfc, D]`.
    func forward(forcing: Tensor, condition e: Tensor, batch b: SPFBatch, a: Activations, output out: Tensor,
                 parameters p: ParameterStore, context ctx: ComputeContext) {
        TokenGroups.mean(forcing, into: a.conditioned, context: ctx)
        TokenGroups.broadcastAdd(e, into: a.conditioned, context: ctx)
        SiLU.forward(a.conditioned, into: a.activated, context: ctx)
        projection.forward(a.activated, into: a.full.reshaped([b.items * b.frames, projection.outFeatures]),
                           parameters: p, context: ctx)
        b.meanFieldResampling.downsample(a.full, into: a.coarse, context: ctx)
        b.fieldPatching.patchify(a.coarse, into: a.tokens, context: ctx)
        TokenGroups.scale(a.tokens, by: b.meanFieldWeights, context: ctx)
        Residual.forward(out, a.tokens, into: out, context: ctx)
    }

    /// Backward from the output gradient `dOut`: adds into `dForcing` (`[I, Nfc, D]`) and `dCondition` (`[I, D]`).
    /// `s` holds `tokens`, `coarse`, `full`, `activated`- and `conditioned`-shaped gradients (overwritten); its field-sized
    /// tensors may be `a`'s own (``Activations/init(gradientsOver:_:config:workspace:)``).
    func backward(_ dOut: Tensor, batch b: SPFBatch, a: Activations, s: Activations, dForcing: Tensor, dCondition: Tensor,
                  parameters p: ParameterStore, context ctx: ComputeContext) {
        s.tokens.copy(from: dOut)
        TokenGroups.scale(s.tokens, by: b.meanFieldWeights, context: ctx)
        b.fieldPatching.unpatchify(s.tokens, into: s.coarse, context: ctx)
        b.meanFieldResampling.downsampleBackward(s.coarse, into: s.full, context: ctx)
        projection.backward(s.full.reshaped([b.items * b.frames, projection.outFeatures]), input: a.activated,
                            inputGradient: s.activated, parameters: p, context: ctx)
        SiLU.backward(s.activated, input: a.conditioned, inputGradient: s.conditioned, context: ctx)
        TokenGroups.broadcastAddBackward(s.conditioned, vectorGradient: dCondition, context: ctx)
        TokenGroups.meanBackward(s.conditioned, tokenGradient: dForcing, context: ctx)
    }
}

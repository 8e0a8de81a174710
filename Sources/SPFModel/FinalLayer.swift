import TensorCore

/// The output layer of the field stream: `out = Linear(LN(h)·(1 + scale) + shift)` with
/// `(shift, scale) = Linear(SiLU(e))`; both linears zero-initialised (adaLN-Zero), output width `C·p·p`.
struct FinalLayer: Sendable {
    /// `Linear(D → 2D)` on SiLU(e): shift, scale.
    let modulation: Linear
    /// `Linear(D → C·p·p)`.
    let output: Linear
    /// LayerNorm without affine.
    let norm: LayerNorm

    /// Registers `final.adaln` and `final.out`.
    init(config c: MMDiTConfig, layout: inout ParameterLayout) {
        let d = c.width
        modulation = Linear("final.adaln", inFeatures: d, outFeatures: 2 * d, zeroInit: true, layout: &layout)
        output = Linear("final.out", inFeatures: d, outFeatures: c.channels * c.patchSize * c.patchSize, zeroInit: true,
                        layout: &layout)
        norm = LayerNorm(features: d, epsilon: 1e-6)
    }

    /// What the forward pass keeps, for `I` items of `N` tokens.
    struct Activations {
        /// SiLU(e) `[I, D]`; modulation `[I, 2D]`.
        let siluCondition: Tensor, modulation: Modulation
        /// LayerNorm output `[I, N, D]` and 1/σ `[I·N]`; modulated input of the output linear `[I, N, D]`.
        let normed: Tensor, rstd: Tensor, modulated: Tensor

        init(items: Int, tokens: Int, width d: Int, workspace w: Workspace) {
            siluCondition = w.allocate([items, d])
            modulation = Modulation(w.allocate([items, 2 * d]), chunks: 2, width: d)
            normed = w.allocate([items, tokens, d]); rstd = w.allocate([items * tokens])
            modulated = w.allocate([items, tokens, d])
        }
    }

    /// `out` `[I, N, C·p·p]` from the last field-stream state `h` `[I, N, D]` and `e` `[I, D]`.
    func forward(_ h: Tensor, condition e: Tensor, a: Activations, output out: Tensor,
                 parameters p: ParameterStore, context ctx: ComputeContext) {
        SiLU.forward(e, into: a.siluCondition, context: ctx)
        modulation.forward(a.siluCondition, into: a.modulation.values, parameters: p, context: ctx)
        norm.forward(h, into: a.normed, rstd: a.rstd, context: ctx)
        AdaLN.modulate(a.normed, modulation: a.modulation, shift: 0, scale: 1, into: a.modulated, context: ctx)
        output.forward(a.modulated, into: out, parameters: p, context: ctx)
    }

    /// Backward: writes `dH` (`[I, N, D]`, overwritten) and adds the conditioning's gradient into `dCondition`.
    /// The `[I, N, D]` gradients before the norm's are written over `a.modulated`, which is dead once the output
    /// layer's weight gradient has been taken (``Linear/backward(_:input:inputGradient:accumulate:biasGradient:parameters:context:)``
    /// takes it first when the input gradient shares the input's storage: the same products, so the same bytes).
    /// - Parameters:
    ///   - dOut: `[I, N, C·p·p]`.
    ///   - dModulation: `[I, 2D]`; `dSilu` `[I, D]` (both overwritten).
    func backward(_ dOut: Tensor, condition e: Tensor, dCondition: Tensor, a: Activations, dH: Tensor,
                  dModulation: Modulation, dSilu: Tensor, parameters p: ParameterStore, context ctx: ComputeContext) {
        let scratch = a.modulated
        output.backward(dOut, input: a.modulated, inputGradient: scratch, parameters: p, context: ctx)
        dModulation.values.zero()
        AdaLN.modulateBackward(scratch, input: a.normed, modulation: a.modulation, gradient: dModulation, shift: 0, scale: 1,
                               inputGradient: scratch, context: ctx)
        norm.backward(scratch, output: a.normed, rstd: a.rstd, inputGradient: dH, context: ctx)
        modulation.backward(dModulation.values, input: a.siluCondition, inputGradient: dSilu, parameters: p, context: ctx)
        SiLU.backward(dSilu, input: e, inputGradient: dCondition, accumulate: true, context: ctx)
    }
}

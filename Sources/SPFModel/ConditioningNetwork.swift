import TensorCore

/// The conditioning vector `e` `[I, D]` that drives adaLN everywhere:
/// `e = MLP(sinusoid(1000·τ)) + stage[k] + timescale[s] + source[m] + Linear(pooled global forcing)`,
/// with `MLP = Linear(256 → D) · SiLU · Linear(D → D)`.
struct ConditioningNetwork: Sendable {
    /// Flow-time MLP.
    let timeIn: Linear, timeOut: Linear
    /// Learned stage, timescale and source-model tables.
    let stage: Embedding, timescale: Embedding, source: Embedding
    /// Projection of the frame-averaged global forcing.
    let globalForcing: Linear

    /// Registers the parameters (`time_mlp.{0,2}`, `stage_embed`, `timescale_embed`, `source_embed`, `global_forcing_proj`).
    init(config c: MMDiTConfig, layout: inout ParameterLayout) {
        let d = c.width
        timeIn = Linear("time_mlp.0", inFeatures: SPFBatch.timeDim, outFeatures: d, layout: &layout)
        timeOut = Linear("time_mlp.2", inFeatures: d, outFeatures: d, layout: &layout)
        stage = Embedding("stage_embed", count: c.stages, features: d, layout: &layout)
        timescale = Embedding("timescale_embed", count: Timescale.allCases.count, features: d, layout: &layout)
        source = Embedding("source_embed", count: c.sources, features: d, layout: &layout)
        globalForcing = Linear("global_forcing_proj", inFeatures: max(c.globalForcingChannels, 1), outFeatures: d, layout: &layout)
    }

    /// What the forward pass keeps, for `I` items.
    struct Activations {
        /// First MLP layer output and its SiLU, `[I, D]`.
        let hidden: Tensor, activated: Tensor
        /// Projected global forcing `[I, D]` (scratch).
        let projected: Tensor
        /// The conditioning vector `e`, `[I, D]`.
        let condition: Tensor

        init(items: Int, width d: Int, workspace w: Workspace) {
            hidden = w.allocate([items, d]); activated = w.allocate([items, d])
            projected = w.allocate([items, d]); condition = w.allocate([items, d])
        }
    }

    /// Computes `a.condition`.
    func forward(_ batch: SPFBatch, a: Activations, parameters p: ParameterStore, context ctx: ComputeContext) {
        timeIn.forward(batch.timeEmbedding, into: a.hidden, parameters: p, context: ctx)
        SiLU.forward(a.hidden, into: a.activated, context: ctx)
        timeOut.forward(a.activated, into: a.condition, parameters: p, context: ctx)
        stage.forward(batch.stageIndices, into: a.condition, accumulate: true, parameters: p)
        timescale.forward(batch.timescaleIndices, into: a.condition, accumulate: true, parameters: p)
        source.forward(batch.sourceIndices, into: a.condition, accumulate: true, parameters: p)
        globalForcing.forward(batch.globalMean, into: a.projected, parameters: p, context: ctx)
        Residual.forward(a.condition, a.projected, into: a.condition, context: ctx)
    }

    /// Accumulates parameter gradients from `dCondition` (`[I, D]`; `scratch` `[I, D]` is overwritten).
    func backward(_ dCondition: Tensor, batch: SPFBatch, a: Activations, scratch: Tensor,
                  parameters p: ParameterStore, context ctx: ComputeContext) {
        globalForcing.backward(dCondition, input: batch.globalMean, inputGradient: nil, parameters: p, context: ctx)
        source.backward(dCondition, indices: batch.sourceIndices, parameters: p)
        timescale.backward(dCondition, indices: batch.timescaleIndices, parameters: p)
        stage.backward(dCondition, indices: batch.stageIndices, parameters: p)
        timeOut.backward(dCondition, input: a.activated, inputGradient: scratch, parameters: p, context: ctx)
        SiLU.backward(scratch, input: a.hidden, inputGradient: scratch, context: ctx)
        timeIn.backward(scratch, input: batch.timeEmbedding, inputGradient: nil, parameters: p, context: ctx)
    }
}

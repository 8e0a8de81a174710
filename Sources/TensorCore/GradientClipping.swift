/// Clipping of all gradients by their global L2 norm.
public enum GradientClipping {
    /// The global L2 norm of `parameters.gradients` (deterministic for any thread count).
    public static func globalNorm(_ parameters: ParameterStore, context: ComputeContext) -> Double {
        let p = parameters.gradients.data
        return Reduction.sum(count: parameters.gradients.count, context: context) { Reduction.sumOfSquares(p, $0) }.squareRoot()
    }

    /// Scales all gradients by `maxNorm / norm` when the global norm exceeds `maxNorm`; returns the norm before clipping.
    @discardableResult
    public static func clip(_ parameters: ParameterStore, maxNorm: Double, context: ComputeContext) -> Double {
        let norm = globalNorm(parameters, context: context)
        guard norm > maxNorm, norm.isFinite else { return norm }
        let s = Float(maxNorm / (norm + 1e-6)), g = parameters.gradients.data
        ElementwiseLoop.ranges(parameters.gradients.count, context: context) { range in
            for i in range { g[i] *= s }
        }
        return norm
    }
}

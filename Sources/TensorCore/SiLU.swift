/// SiLU (swish): `y = x · σ(x)`, SIMD8 without libm.
public enum SiLU {
    /// `y = silu(x)`, element-wise (`y` may be `x`).
    public static func forward(_ x: Tensor, into y: Tensor, context: ComputeContext) {
        precondition(x.count == y.count, "SiLU: x \(x.shape), y \(y.shape)")
        let px = x.data, py = y.data
        ElementwiseLoop.run(x.count, context: context) { i, lanes in
            let v = ElementwiseLoop.load(px + i, lanes)
            var r = v / (1 + SIMDMath.exp(-v))
            r.replace(with: 0, where: v .< -80)  // σ(x) < e⁻⁸⁰: the product underflows to 0
            ElementwiseLoop.store(r, py + i, lanes)
        }
    }

    /// `dx (+)= dy · σ(x)(1 + x(1 − σ(x)))`.
    /// - Parameters:
    ///   - x: the forward input.
    ///   - accumulate: add into `dx` instead of overwriting it.
    public static func backward(_ dy: Tensor, input x: Tensor, inputGradient dx: Tensor, accumulate: Bool = false,
                                context: ComputeContext) {
        precondition(x.count == dy.count && dx.count == dy.count, "SiLU backward: counts differ")
        let px = x.data, pdy = dy.data, pdx = dx.data
        ElementwiseLoop.run(x.count, context: context) { i, lanes in
            let v = ElementwiseLoop.load(px + i, lanes)
            let s = 1 / (1 + SIMDMath.exp(-v))
            var g = ElementwiseLoop.load(pdy + i, lanes) * s * (1 + v * (1 - s))
            g.replace(with: 0, where: v .< -80)
            g.replace(with: ElementwiseLoop.load(pdy + i, lanes), where: v .> 80)  // σ = 1 exactly; avoids 0·∞
            if accumulate { g += ElementwiseLoop.load(pdx + i, lanes) }
            ElementwiseLoop.store(g, pdx + i, lanes)
        }
    }
}

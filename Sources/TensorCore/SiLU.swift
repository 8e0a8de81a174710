/// SiLU (swish): `y = x · σ(x)`, SIMD8 without libm.
public enum SiLU {
    /// `y = silu(x)`, element-wise (`y` may be `x`).
    public static func forward(_ x: Tensor, into y: Tensor, context: ComputeContext) {
        precondition(x.count == y.count, "SiLU: x \(x.shape), y \(y.shape)")
        let px = x.data, py = y.data
        ElementwiseLoop.ranges(x.count, context: context) { range in
            for i in range {
                let v = px[i]
                let r = v / (1 + SIMDMath.exp(-v))
                py[i] = v < -80 ? 0 : r  // σ(x) < e⁻⁸⁰: the product underflows to 0
            }
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
        ElementwiseLoop.ranges(x.count, context: context) { range in
            for i in range {
                let v = px[i]
                let s = 1 / (1 + SIMDMath.exp(-v))
                var g = s * (1 + v * (1 - s))
                g = v < -80 ? 0 : g
                g = v > 80 ? 1 : g  // σ = 1 exactly; avoids 0·∞
                let d = pdy[i] * g
                pdx[i] = accumulate ? pdx[i] + d : d
            }
        }
    }
}

/// GELU with the tanh approximation: `y = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))`.
///
/// Evaluated as `x · σ(2u)` with `u = √(2/π)(x + 0.044715x³)` and a SIMD8 exp (no libm), which is
/// accurate to a few ulp over the whole float range (no overflow: the exp argument is clamped).
public enum GELU {
    @usableFromInline static let k0: Float = 0.797_884_560_8  // √(2/π)
    @usableFromInline static let k1: Float = 0.044_715

    /// `y = gelu(x)`, element-wise; `x`, `y` have equal counts (may be the same tensor).
    public static func forward(_ x: Tensor, into y: Tensor, context: ComputeContext) {
        precondition(x.count == y.count, "GELU: x \(x.shape), y \(y.shape)")
        let px = x.data, py = y.data
        ElementwiseLoop.run(x.count, context: context) { i, lanes in
            let v = ElementwiseLoop.load(px + i, lanes)
            let u = k0 * (v + k1 * v * v * v)
            let e = SIMDMath.exp(-2 * u)
            var r = v / (1 + e)
            r.replace(with: 0, where: u .< -40)  // σ(2u) < e⁻⁸⁰: the product underflows to 0
            ElementwiseLoop.store(r, py + i, lanes)
        }
    }

    /// `dx (=) dy · gelu'(x)`; `dx` may be the same tensor as `dy`.
    /// - Parameters:
    ///   - dy: gradient of the output.
    ///   - x: the forward input.
    public static func backward(_ dy: Tensor, input x: Tensor, inputGradient dx: Tensor, context: ComputeContext) {
        precondition(x.count == dy.count && dx.count == dy.count, "GELU backward: counts differ")
        let px = x.data, pdy = dy.data, pdx = dx.data
        ElementwiseLoop.run(x.count, context: context) { i, lanes in
            let v = ElementwiseLoop.load(px + i, lanes)
            let v2 = v * v
            let u = k0 * (v + k1 * v2 * v)
            let e = SIMDMath.exp(-2 * u)
            let s = 1 / (1 + e)
            let du = k0 * (1 + (3 * k1) * v2)
            var grad = s + 2 * v * s * (1 - s) * du
            grad.replace(with: 0, where: u .< -40)
            grad.replace(with: 1, where: u .> 40)  // σ(2u) = 1 in float; avoids 0·∞ for huge x
            ElementwiseLoop.store(ElementwiseLoop.load(pdy + i, lanes) * grad, pdx + i, lanes)
        }
    }
}

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
        ElementwiseLoop.ranges(x.count, context: context) { range in
            for i in range {
                let v = px[i]
                let u = k0 * (v + k1 * v * v * v)
                let r = v / (1 + SIMDMath.exp(-2 * u))
                py[i] = u < -40 ? 0 : r  // σ(2u) < e⁻⁸⁰: the product underflows to 0
            }
        }
    }

    /// `dx (=) dy · gelu'(x)`; `dx` may be the same tensor as `dy`.
    /// - Parameters:
    ///   - dy: gradient of the output.
    ///   - x: the forward input.
    public static func backward(_ dy: Tensor, input x: Tensor, inputGradient dx: Tensor, context: ComputeContext) {
        precondition(x.count == dy.count && dx.count == dy.count, "GELU backward: counts differ")
        let px = x.data, pdy = dy.data, pdx = dx.data
        let inPlace = pdx == pdy
        ElementwiseLoop.ranges(x.count, context: context) { range in
            // Separate in-place loop: with one pointer the vectoriser needs no overlap check.
            if inPlace {
                for i in range { pdx[i] *= derivative(px[i]) }
            } else {
                for i in range { pdx[i] = pdy[i] * derivative(px[i]) }
            }
        }
    }

    /// gelu'(v).
    @inline(__always)
    static func derivative(_ v: Float) -> Float {
        let v2 = v * v
        let u = k0 * (v + k1 * v2 * v)
        let s = 1 / (1 + SIMDMath.exp(-2 * u))
        let du = k0 * (1 + (3 * k1) * v2)
        var grad = s + 2 * v * s * (1 - s) * du
        grad = u < -40 ? 0 : grad
        grad = u > 40 ? 1 : grad  // σ(2u) = 1 in float; avoids 0·∞ for huge x
        return grad
    }
}

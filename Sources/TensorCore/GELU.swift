import CPackedGEMM

/// GELU with the tanh approximation: `y = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))`.
///
/// Evaluated as `x · σ(2u)` with `u = √(2/π)(x + 0.044715x³)` and SIMDMath's exp (no libm), which is
/// accurate to a few ulp over the whole float range (no overflow: the exp argument is clamped).
public enum GELU {
    @usableFromInline static let k0: Float = 0.797_884_560_8  // √(2/π)
    @usableFromInline static let k1: Float = 0.044_715

    /// `y = gelu(x)`, element-wise; `x`, `y` have equal counts (may be the same tensor).
    ///
    /// Runs C's `spf_gelu` at the context's ``KernelISA`` (16 lanes with AVX-512): ``value(_:)``'s operations, so the
    /// same bits as that function on every instruction set.
    public static func forward(_ x: Tensor, into y: Tensor, context: ComputeContext) {
        precondition(x.count == y.count, "GELU: x \(x.shape), y \(y.shape)")
        let px = x.data, py = y.data, isa = context.kernelISA.code
        ElementwiseLoop.ranges(x.count, context: context) { range in
            spf_gelu(isa, px + range.lowerBound, py + range.lowerBound, Int32(range.count))
        }
    }

    /// gelu(v): the definition ``forward(_:into:context:)`` computes, element for element.
    @inline(__always)
    public static func value(_ v: Float) -> Float {
        let u = k0 * (v + k1 * v * v * v)
        let r = v / (1 + SIMDMath.exp(-2 * u))
        return u < -40 ? 0 : r  // σ(2u) < e⁻⁸⁰: the product underflows to 0
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

    /// `dy ← dy · gelu'(x)` in place on a `[N, columns]` matrix, with the column sums of the result
    /// (rows in order) added into `columnSums`: GELU's backward fused with the bias gradient of the
    /// layer before it (what ``ColumnSum`` would add in a second pass over `dy`), the same bytes.
    public static func backward(_ dy: Tensor, input x: Tensor, addingColumnSumsInto columnSums: UnsafeMutablePointer<Float>,
                                context: ComputeContext) {
        let columns = dy.shape.last ?? 1, rows = dy.count / max(columns, 1)
        precondition(x.count == dy.count && rows * columns == dy.count, "GELU backward: x \(x.shape), dy \(dy.shape)")
        let px = x.data, pdy = dy.data
        ColumnSum.forEachPart(rows: rows, columns: columns, context: context) { lo, hi in
            for r in 0..<rows {
                GELU.multiplyDerivativeAndAdd(pdy + r * columns, input: px + r * columns, into: columnSums, lo, hi)
            }
        }
    }

    /// `g[j] ← g[j] · gelu'(x[j])`, `sums[j] += g[j]` for `j` in `lo ..< hi` (scalars in, so the loop vectorises).
    @inline(never)
    static func multiplyDerivativeAndAdd(_ g: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>,
                                         into sums: UnsafeMutablePointer<Float>, _ lo: Int, _ hi: Int) {
        for j in lo..<hi {
            let v = g[j] * derivative(x[j])
            g[j] = v
            sums[j] += v
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

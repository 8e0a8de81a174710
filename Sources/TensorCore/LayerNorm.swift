/// LayerNorm over the last axis without affine parameters: `y = (x − mean) / √(var + eps)`.
///
/// Forward saves `rstd` per row (and its output `y`, which backward reads).
public struct LayerNorm: Sendable {
    /// Width `C` of the normalised axis.
    public let features: Int
    /// Variance epsilon.
    public let epsilon: Float

    /// A LayerNorm over `features` channels.
    public init(features: Int, epsilon: Float = 1e-6) {
        self.features = features
        self.epsilon = epsilon
    }

    /// Normalises each row of `x`.
    /// - Parameters:
    ///   - x: `[N, C]`.
    ///   - y: `[N, C]` output.
    ///   - rstd: `[N]`, saved 1/σ per row.
    public func forward(_ x: Tensor, into y: Tensor, rstd: Tensor, context: ComputeContext) {
        let c = features, n = x.count / c, eps = epsilon
        precondition(x.shape.last == c && y.count == x.count && rstd.count == n,
                     "LayerNorm(\(c)): x \(x.shape), y \(y.shape), rstd \(rstd.shape)")
        let px = x.data, py = y.data, pr = rstd.data
        context.parallelFor(n, minimumItemsPerThread: 32) { rows in
            for r in rows { pr[r] = LayerNorm.normalizeRow(px + r * c, into: py + r * c, count: c, epsilon: eps) }
        }
    }

    /// One row: `y = (x − mean) / √(var + eps)`; returns 1/σ. The one definition every LayerNorm
    /// forward uses (the fused ``ModulatedLayerNorm`` too), so all give the same bytes.
    @inline(__always)
    static func normalizeRow(_ xr: UnsafePointer<Float>, into yr: UnsafeMutablePointer<Float>, count c: Int,
                             epsilon eps: Float) -> Float {
        var acc = SIMD8<Float>(), j = 0
        while j + 8 <= c { acc += SIMDMath.load(xr + j); j += 8 }
        var s = acc.sum()
        while j < c { s += xr[j]; j += 1 }
        let mean = s / Float(c)
        var acc2 = SIMD8<Float>()
        j = 0
        while j + 8 <= c { let d = SIMDMath.load(xr + j) - mean; acc2 += d * d; j += 8 }
        var v = acc2.sum()
        while j < c { let d = xr[j] - mean; v += d * d; j += 1 }
        let rs = 1 / (v / Float(c) + eps).squareRoot()
        j = 0
        while j + 8 <= c { SIMDMath.store((SIMDMath.load(xr + j) - mean) * rs, yr + j); j += 8 }
        while j < c { yr[j] = (xr[j] - mean) * rs; j += 1 }
        return rs
    }

    /// `dx (+)= rstd · (dy − mean(dy) − y · mean(dy · y))`.
    /// - Parameters:
    ///   - dy: `[N, C]`.
    ///   - y: `[N, C]`, the forward output.
    ///   - rstd: `[N]` from the forward pass.
    ///   - dx: `[N, C]`; may be the same tensor as `dy` when `accumulate` is false.
    public func backward(_ dy: Tensor, output y: Tensor, rstd: Tensor, inputGradient dx: Tensor,
                         accumulate: Bool = false, context: ComputeContext) {
        let c = features, n = y.count / c
        precondition(dy.count == y.count && dx.count == y.count && rstd.count == n,
                     "LayerNorm backward: dy \(dy.shape), y \(y.shape), dx \(dx.shape), rstd \(rstd.shape)")
        let pdy = dy.data, py = y.data, pdx = dx.data, pr = rstd.data
        context.parallelFor(n, minimumItemsPerThread: 32) { rows in
            for r in rows {
                LayerNorm.backwardRow(pdy + r * c, output: py + r * c, rstd: pr[r], inputGradient: pdx + r * c,
                                      accumulate: accumulate, count: c)
            }
        }
    }

    /// One row of the backward pass (the one definition, shared with ``ModulatedLayerNorm``).
    @inline(__always)
    static func backwardRow(_ g: UnsafePointer<Float>, output yr: UnsafePointer<Float>, rstd rs: Float,
                            inputGradient d: UnsafeMutablePointer<Float>, accumulate: Bool, count c: Int) {
        var a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), j = 0
        while j + 8 <= c {
            let gv = SIMDMath.load(g + j)
            a1 += gv
            a2 += gv * SIMDMath.load(yr + j)
            j += 8
        }
        var s1 = a1.sum(), s2 = a2.sum()
        while j < c { s1 += g[j]; s2 += g[j] * yr[j]; j += 1 }
        let m1 = s1 / Float(c), m2 = s2 / Float(c)
        j = 0
        while j + 8 <= c {
            var v = (SIMDMath.load(g + j) - m1 - SIMDMath.load(yr + j) * m2) * rs
            if accumulate { v += SIMDMath.load(d + j) }
            SIMDMath.store(v, d + j)
            j += 8
        }
        while j < c {
            let v = (g[j] - m1 - yr[j] * m2) * rs
            d[j] = accumulate ? d[j] + v : v
            j += 1
        }
    }
}

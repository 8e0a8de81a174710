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
        let (mean, rs) = rowStatistics(xr, count: c, epsilon: eps)
        normalizeRow(xr, mean: mean, rstd: rs, into: yr, count: c)
        return rs
    }

    /// `y = (x − mean)·rstd` for a row whose statistics are known.
    @inline(__always)
    static func normalizeRow(_ xr: UnsafePointer<Float>, mean: Float, rstd rs: Float, into yr: UnsafeMutablePointer<Float>,
                             count c: Int) {
        var j = 0
        while j + 8 <= c { SIMDMath.store((SIMDMath.load(xr + j) - mean) * rs, yr + j); j += 8 }
        while j < c { yr[j] = (xr[j] - mean) * rs; j += 1 }
    }

    /// One row's mean and 1/σ, as ``normalizeRow(_:into:count:epsilon:)`` takes them (SIMD8 lanes, then the tail).
    @inline(__always)
    static func rowStatistics(_ xr: UnsafePointer<Float>, count c: Int, epsilon eps: Float) -> (mean: Float, rstd: Float) {
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
        return (mean, 1 / (v / Float(c) + eps).squareRoot())
    }

    /// ``rowStatistics(_:count:epsilon:)`` of two rows at once: each row's sums are the single-row loop's, in its order,
    /// so its results are the same bits; the two rows' chains of dependent additions run side by side instead of one
    /// after the other (a row of 128 is 16 additions deep twice, and the loop waited on each).
    @inline(__always)
    static func rowStatistics(_ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>, count c: Int,
                              epsilon eps: Float) -> (first: (mean: Float, rstd: Float), second: (mean: Float, rstd: Float)) {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), j = 0
        while j + 8 <= c { a0 += SIMDMath.load(x0 + j); a1 += SIMDMath.load(x1 + j); j += 8 }
        var s0 = a0.sum(), s1 = a1.sum()
        while j < c { s0 += x0[j]; s1 += x1[j]; j += 1 }
        let m0 = s0 / Float(c), m1 = s1 / Float(c)
        var b0 = SIMD8<Float>(), b1 = SIMD8<Float>()
        j = 0
        while j + 8 <= c {
            let d0 = SIMDMath.load(x0 + j) - m0, d1 = SIMDMath.load(x1 + j) - m1
            b0 += d0 * d0
            b1 += d1 * d1
            j += 8
        }
        var v0 = b0.sum(), v1 = b1.sum()
        while j < c {
            let d0 = x0[j] - m0, d1 = x1[j] - m1
            v0 += d0 * d0
            v1 += d1 * d1
            j += 1
        }
        return ((m0, 1 / (v0 / Float(c) + eps).squareRoot()), (m1, 1 / (v1 / Float(c) + eps).squareRoot()))
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

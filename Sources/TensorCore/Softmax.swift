/// Row softmax kernels (SIMD8 exp, no libm) used by attention.
enum Softmax {
    /// In-place softmax of one row of `count` values.
    @inline(__always)
    static func row(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        var m = -Float.infinity
        for i in 0..<n where x[i] > m { m = x[i] }
        var acc = SIMD8<Float>(), i = 0
        while i + 8 <= n {
            let e = SIMDMath.exp(SIMDMath.load(x + i) - m)
            SIMDMath.store(e, x + i)
            acc += e
            i += 8
        }
        var s = acc.sum()
        while i < n { let e = SIMDMath.exp(x[i] - m); x[i] = e; s += e; i += 1 }
        let inv = 1 / s
        i = 0
        while i + 8 <= n { SIMDMath.store(SIMDMath.load(x + i) * inv, x + i); i += 8 }
        while i < n { x[i] *= inv; i += 1 }
    }

    /// Softmax backward of one row in place: `g ← scale · p ⊙ (g − Σ p⊙g)`.
    @inline(__always)
    static func backwardRow(_ p: UnsafePointer<Float>, gradient g: UnsafeMutablePointer<Float>, count n: Int, scale: Float) {
        var acc = SIMD8<Float>(), i = 0
        while i + 8 <= n { acc += SIMDMath.load(p + i) * SIMDMath.load(g + i); i += 8 }
        var s = acc.sum()
        while i < n { s += p[i] * g[i]; i += 1 }
        i = 0
        while i + 8 <= n {
            SIMDMath.store(scale * SIMDMath.load(p + i) * (SIMDMath.load(g + i) - s), g + i)
            i += 8
        }
        while i < n { g[i] = scale * p[i] * (g[i] - s); i += 1 }
    }
}

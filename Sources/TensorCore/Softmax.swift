/// Row softmax kernels (SIMD8 exp, no libm) used by attention.
enum Softmax {
    /// In-place softmax of one row of `count` values.
    @inline(__always)
    static func row(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        var mv = SIMD8<Float>(repeating: -Float.infinity), i = 0
        while i + 8 <= n { let v = SIMDMath.load(x + i); mv.replace(with: v, where: v .> mv); i += 8 }
        var m = mv.max()
        while i < n { m = x[i] > m ? x[i] : m; i += 1 }
        for j in 0..<n { x[j] = SIMDMath.exp(x[j] - m) }
        var acc = SIMD8<Float>()
        i = 0
        while i + 8 <= n { acc += SIMDMath.load(x + i); i += 8 }
        var s = acc.sum()
        while i < n { s += x[i]; i += 1 }
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

/// Vectorised exp and softmax used by attention (SIMD8, Cephes-style polynomial, rel. error ≈ 2e-7).
enum VectorMath {
    /// e^x for 8 lanes; inputs are clamped to [−87.3, 88.7].
    @inline(__always)
    static func exp8(_ v: SIMD8<Float>) -> SIMD8<Float> {
        var x = v
        x.replace(with: SIMD8(repeating: 88.7), where: x .> SIMD8(repeating: 88.7))
        x.replace(with: SIMD8(repeating: -87.3), where: x .< SIMD8(repeating: -87.3))
        let fx = (x * 1.442695041 + 0.5).rounded(.down)
        x = x - fx * 0.693359375 + fx * 2.12194440e-4
        let x2 = x * x
        var y: SIMD8<Float> = SIMD8(repeating: 1.9875691500e-4)
        y = y * x + 1.3981999507e-3
        y = y * x + 8.3334519073e-3
        y = y * x + 4.1665795894e-2
        y = y * x + 1.6666665459e-1
        y = y * x + 5.0000001201e-1
        y = y * x2 + x + 1
        let n = SIMD8<Int32>(fx) &+ 127
        let pow2 = unsafeBitCast(n &<< 23, to: SIMD8<Float>.self)
        return y * pow2
    }

    /// e^x for one value (same polynomial).
    @inline(__always)
    static func exp1(_ v: Float) -> Float { exp8(SIMD8(repeating: v))[0] }

    /// In-place softmax of a row of n values.
    @inline(__always)
    static func softmaxRow(_ row: UnsafeMutablePointer<Float>, _ n: Int) {
        var j = 0
        var m8 = SIMD8<Float>(repeating: -.greatestFiniteMagnitude)
        while j + 8 <= n {
            let v = UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self)
            m8.replace(with: v, where: v .> m8)
            j += 8
        }
        var m = m8.max()
        while j < n { if row[j] > m { m = row[j] }; j += 1 }
        j = 0
        var s8 = SIMD8<Float>(repeating: 0)
        let mv = SIMD8<Float>(repeating: m)
        while j + 8 <= n {
            let e = exp8(UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self) - mv)
            UnsafeMutableRawPointer(row + j).storeBytes(of: e, as: SIMD8<Float>.self)
            s8 += e
            j += 8
        }
        var s = s8.sum()
        while j < n { let e = exp1(row[j] - m); row[j] = e; s += e; j += 1 }
        let inv = 1 / s
        for k in 0..<n { row[k] *= inv }
    }
}

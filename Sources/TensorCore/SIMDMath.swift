/// Vector helpers for the element-wise kernels: unaligned SIMD8 loads/stores and a libm-free exp.
@usableFromInline
enum SIMDMath {
    /// Loads 8 floats from `p` (any alignment).
    @inline(__always) @usableFromInline
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Stores 8 floats to `p` (any alignment).
    @inline(__always) @usableFromInline
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// e^x for 8 lanes, relative error ≈ 2 ulp (1.1e-7 measured over [−20, 0]); inputs are clamped to
    /// [−87, 88] (so the result is finite and positive for every finite or infinite input; NaN stays NaN).
    ///
    /// Cody–Waite reduction x = n·ln2 + r, a degree-7 polynomial for e^r (Cephes `expf` coefficients)
    /// evaluated by Horner's rule in fused multiply-adds, and 2^n assembled in the exponent bits. No libm
    /// call. The fused multiply-adds (one rounding each; x86-64-v3 has them on every CPU the build runs
    /// on) take a third off the time of separate products and sums (`spf.train` 6, `spf.stage` 7,
    /// `spf.sample-baseline` 9 came with them). Attention's softmax runs the same operations in C,
    /// 16 lanes wide where the CPU has AVX-512 (`spf_softmax_exp`, Sources/CPackedGEMM).
    @inline(__always) @usableFromInline
    static func exp(_ input: SIMD8<Float>) -> SIMD8<Float> {
        var x = input
        x.replace(with: 88.0, where: x .> 88.0)
        x.replace(with: -87.0, where: x .< -87.0)
        let magic = SIMD8<Float>(repeating: 12_582_912.0)  // 1.5 · 2^23: rounds to nearest integer
        let t = magic.addingProduct(x, SIMD8(repeating: 1.442_695_04))
        let n = t - magic
        var r = x.addingProduct(n, SIMD8(repeating: -0.693_359_375))
        r = r.addingProduct(n, SIMD8(repeating: 2.121_944_4e-4))
        var p = SIMD8<Float>(repeating: 1.398_199_950_7e-3).addingProduct(SIMD8(repeating: 1.987_569_15e-4), r)
        p = SIMD8<Float>(repeating: 8.333_451_907_3e-3).addingProduct(p, r)
        p = SIMD8<Float>(repeating: 4.166_579_589_4e-2).addingProduct(p, r)
        p = SIMD8<Float>(repeating: 1.666_666_545_9e-1).addingProduct(p, r)
        p = SIMD8<Float>(repeating: 5.000_000_120_1e-1).addingProduct(p, r)
        p = r.addingProduct(p, r * r) + 1
        let bits = unsafeBitCast(t, to: SIMD8<UInt32>.self) &- (0x4B40_0000 - 127)
        let scale = unsafeBitCast(bits &<< 23, to: SIMD8<Float>.self)
        return p * scale
    }

    /// Scalar e^x, the same operations as the vector version (so the same bits per element). Written
    /// with plain float and integer operations and selects only, so that LLVM auto-vectorises loops
    /// calling it; Swift's generic SIMD types compile to worse code here.
    @inline(__always) @usableFromInline
    static func exp(_ input: Float) -> Float {
        var x = input
        x = x > 88 ? 88 : x
        x = x < -87 ? -87 : x
        let t = Float(12_582_912.0).addingProduct(x, 1.442_695_04)
        let n = t - 12_582_912.0
        var r = x.addingProduct(n, -0.693_359_375)
        r = r.addingProduct(n, 2.121_944_4e-4)
        var p = Float(1.398_199_950_7e-3).addingProduct(1.987_569_15e-4, r)
        p = Float(8.333_451_907_3e-3).addingProduct(p, r)
        p = Float(4.166_579_589_4e-2).addingProduct(p, r)
        p = Float(1.666_666_545_9e-1).addingProduct(p, r)
        p = Float(5.000_000_120_1e-1).addingProduct(p, r)
        p = r.addingProduct(p, r * r) + 1
        let bits = (t.bitPattern &- (0x4B40_0000 - 127)) &<< 23
        return p * Float(bitPattern: bits)
    }

    /// √x for x ≥ 0 (relative error ≈ 1e-7) from three Newton steps on 1/√x, in plain float
    /// operations so that loops vectorise: `Float.squareRoot()` compiles to a `sqrtf` call per
    /// element on this toolchain. Returns 0 for 0.
    @inline(__always) @usableFromInline
    static func squareRoot(_ x: Float) -> Float {
        var y = Float(bitPattern: 0x5F37_59DF &- (x.bitPattern &>> 1))
        let h = 0.5 * x
        y = y * (1.5 - h * y * y)
        y = y * (1.5 - h * y * y)
        y = y * (1.5 - h * y * y)
        return x * y
    }
}

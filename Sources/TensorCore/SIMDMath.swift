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

    /// e^x for 8 lanes, relative error ≈ 2 ulp; inputs are clamped to [−87, 88]
    /// (so the result is finite and positive for every finite or infinite input; NaN stays NaN).
    ///
    /// Cody–Waite reduction x = n·ln2 + r, a degree-6 polynomial for e^r (Cephes `expf`
    /// coefficients), and 2^n assembled in the exponent bits. No libm call.
    @inline(__always) @usableFromInline
    static func exp(_ input: SIMD8<Float>) -> SIMD8<Float> {
        var x = input
        x.replace(with: 88.0, where: x .> 88.0)
        x.replace(with: -87.0, where: x .< -87.0)
        let magic = SIMD8<Float>(repeating: 12_582_912.0)  // 1.5 · 2^23: rounds to nearest integer
        let t = x * 1.442_695_04 + magic
        let n = t - magic
        var r = x - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = p * (r * r) + r + 1
        let bits = unsafeBitCast(t, to: SIMD8<UInt32>.self) &- 0x4B40_0000 &+ 127
        let scale = unsafeBitCast(bits &<< 23, to: SIMD8<Float>.self)
        return p * scale
    }

    /// Scalar e^x, same algorithm and clamping as the vector version. Written with plain float and
    /// integer operations and selects only, so that LLVM auto-vectorises loops calling it (AVX2 /
    /// AVX-512 with `-target-cpu native`); Swift's generic SIMD types compile to worse code here.
    @inline(__always) @usableFromInline
    static func exp(_ input: Float) -> Float {
        var x = input
        x = x > 88 ? 88 : x
        x = x < -87 ? -87 : x
        let t = x * 1.442_695_04 + 12_582_912.0
        let n = t - 12_582_912.0
        var r = x - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = p * (r * r) + r + 1
        let bits = (t.bitPattern &- 0x4B40_0000 &+ 127) &<< 23
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

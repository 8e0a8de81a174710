/// Fast exp and softmax for attention and GELU: Cephes-style polynomial with round-to-nearest by the
/// 1.5·2²³ magic constant (rel. error ≈ 1.1e-7); written as scalar code that the compiler vectorises.
enum VectorMath {
    /// e^x, inputs clamped to [−87.3, 88.3].
    @inline(__always)
    static func exp(_ v: Float) -> Float {
        let xc = v < -87.3 ? -87.3 : (v > 88.3 ? 88.3 : v)
        let y = xc * 1.442695041 + 12582912.0
        let fx = y - 12582912.0
        let x = xc - fx * 0.693359375 + fx * 2.12194440e-4
        let x2 = x * x
        var p: Float = 1.9875691500e-4
        p = p * x + 1.3981999507e-3
        p = p * x + 8.3334519073e-3
        p = p * x + 4.1665795894e-2
        p = p * x + 1.6666665459e-1
        p = p * x + 5.0000001201e-1
        p = p * x2 + x + 1
        let n = Int32(bitPattern: y.bitPattern) &- 0x4B40_0000
        return p * Float(bitPattern: UInt32(bitPattern: (n &+ 127) &<< 23))
    }

    /// In-place softmax of a row of n values.
    @inline(__always)
    static func softmaxRow(_ row: UnsafeMutablePointer<Float>, _ n: Int) {
        var m = -Float.greatestFiniteMagnitude
        for j in 0..<n { let v = row[j]; m = v > m ? v : m }
        for j in 0..<n { row[j] = exp(row[j] - m) }
        var s: Float = 0
        for j in 0..<n { s += row[j] }
        let inv = 1 / s
        for j in 0..<n { row[j] *= inv }
    }
}

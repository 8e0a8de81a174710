/// Deterministic sums over long arrays: fixed chunks (independent of the thread count), each
/// summed in order, partial sums then added in chunk order in Float64.
enum Reduction {
    /// Elements per chunk.
    static let chunk = 16_384

    /// `Σ f(i-range)` where `partial(range)` returns the Float64 sum of one chunk.
    static func sum(count: Int, context: ComputeContext, _ partial: (Range<Int>) -> Double) -> Double {
        let chunks = (count + chunk - 1) / chunk
        if chunks == 0 { return 0 }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: chunks) { buffer in
            guard let partials = buffer.baseAddress else { return 0 }
            context.parallelFor(chunks) { range in
                for c in range { partials[c] = partial((c * chunk)..<min(count, (c + 1) * chunk)) }
            }
            var s = 0.0
            for c in 0..<chunks { s += partials[c] }
            return s
        }
    }

    /// Σ x² over a range of `p` (SIMD8 in Float, then Float64).
    @inline(__always)
    static func sumOfSquares(_ p: UnsafePointer<Float>, _ range: Range<Int>) -> Double {
        var acc = SIMD8<Float>(), i = range.lowerBound
        while i + 8 <= range.upperBound { let v = SIMDMath.load(p + i); acc += v * v; i += 8 }
        var s = Double(acc.sum())
        while i < range.upperBound { s += Double(p[i] * p[i]); i += 1 }
        return s
    }
}

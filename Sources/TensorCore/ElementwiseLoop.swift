/// Drives element-wise kernels: SIMD8 over the body, a padded SIMD8 for the tail, rows split over threads.
@usableFromInline
enum ElementwiseLoop {
    /// Calls `body(offset, lanes)` over `[0, count)` in steps of 8 (`lanes` < 8 only at the end),
    /// split over `context.threads` in fixed 8-aligned ranges.
    @inline(__always) @usableFromInline
    static func run(_ count: Int, context: ComputeContext, _ body: (Int, Int) -> Void) {
        let vectors = (count + 7) / 8
        context.parallelFor(vectors, minimumItemsPerThread: 2048) { range in
            for v in range {
                let i = v * 8
                body(i, min(8, count - i))
            }
        }
    }

    /// Loads `lanes` floats (zero-padded to 8).
    @inline(__always) @usableFromInline
    static func load(_ p: UnsafePointer<Float>, _ lanes: Int) -> SIMD8<Float> {
        if lanes == 8 { return SIMDMath.load(p) }
        var v = SIMD8<Float>()
        for l in 0..<lanes { v[l] = p[l] }
        return v
    }

    /// Stores the first `lanes` lanes of `v`.
    @inline(__always) @usableFromInline
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ lanes: Int) {
        if lanes == 8 { SIMDMath.store(v, p); return }
        for l in 0..<lanes { p[l] = v[l] }
    }
}

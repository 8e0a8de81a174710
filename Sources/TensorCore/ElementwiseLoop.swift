/// Drives element-wise kernels: SIMD8 over the body, a padded SIMD8 for the tail, rows split over threads.
@usableFromInline
enum ElementwiseLoop {
    /// Calls `body(range)` over `[0, count)` split into fixed ranges of whole 4096-element chunks
    /// (at most `context.threads` ranges); kernels loop over the range with plain scalar code,
    /// which LLVM vectorises.
    @inline(__always) @usableFromInline
    static func ranges(_ count: Int, context: ComputeContext, _ body: (Range<Int>) -> Void) {
        let chunk = 4096
        let chunks = (count + chunk - 1) / chunk
        context.parallelFor(chunks, minimumItemsPerThread: 16) { r in
            body((r.lowerBound * chunk)..<min(count, r.upperBound * chunk))
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

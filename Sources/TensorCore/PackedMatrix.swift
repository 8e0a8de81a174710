import CPackedGEMM

/// The right-hand operand `op(B)` (`k × n`) of many products, packed once in 16-column panels: what
/// ``GEMM/multiply(m:a:lda:packed:bias:accumulate:c:ldc:context:)`` reads.
///
/// A BLAS packs both operands on every call. When a call has a few dozen rows (a coarse pyramid stage: 8 members ×
/// 8 tokens), packing the weight costs as much as the product; a model that samples keeps its weights packed across
/// every solver step instead (``ParameterStore/freezeForInference()``). Immutable once built.
public final class PackedMatrix: @unchecked Sendable {
    /// Rows of `op(B)`: the products' inner dimension `k`.
    public let rows: Int
    /// Columns of `op(B)`: the products' output width `n`.
    public let columns: Int
    /// The panels, `ceil(n / 16) × k × 16` floats (the last panel zero-padded), 64-byte aligned.
    let storage: UnsafeMutablePointer<Float>

    /// Bytes the packed copy holds.
    public var byteCount: Int { max(spf_packed_gemm_floats(Int32(rows), Int32(columns)), 1) * MemoryLayout<Float>.stride }

    /// Panels of 16 columns.
    public var panels: Int { (columns + 15) / 16 }

    /// Packs `op(B)` (`k × n`): `b` stored `k × n` (`transposed: false`), or `n × k` as a layer's weight
    /// `[out, in]` is (`transposed: true`), with leading dimension `ldb`.
    public init(_ b: UnsafePointer<Float>, rows k: Int, columns n: Int, ldb: Int, transposed: Bool) {
        precondition(k >= 0 && n >= 0 && k <= Int(Int32.max) && n <= Int(Int32.max), "PackedMatrix: k \(k), n \(n)")
        rows = k
        columns = n
        let floats = max(spf_packed_gemm_floats(Int32(k), Int32(n)), 1)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: floats * MemoryLayout<Float>.stride, alignment: 64)
        storage = raw.bindMemory(to: Float.self, capacity: floats)
        storage.initialize(repeating: 0, count: floats)
        if k > 0 && n > 0 { spf_packed_gemm_pack(KernelISA.host.code, b, Int32(k), Int32(n), Int32(ldb), transposed ? 1 : 0, storage) }
    }

    deinit { UnsafeMutableRawPointer(storage).deallocate() }
}

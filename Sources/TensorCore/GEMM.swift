import COpenBLAS

/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable {
    /// Use the matrix as stored.
    case none
    /// Use the transpose (never materialised).
    case transposed

    @usableFromInline var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// The one matrix-product entry point: every GEMM in TensorCore goes through here.
public enum GEMM {
    /// `C = alpha · op(A) · op(B) + beta · C`, row-major, on raw pointers with leading dimensions.
    ///
    /// `op(A)` is `[m, k]`, `op(B)` is `[k, n]`, `C` is `[m, n]`. Uses the BLAS thread count
    /// already set (see ``ComputeContext/setBLASThreads()``).
    @inlinable
    public static func multiply(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            else if beta != 1 { for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } } }
            return
        }
        cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `C = alpha · op(A) · op(B) + beta · C` with `context`'s threads (see ``ComputeContext/GEMMThreading``).
    ///
    /// With `.splitRows` the rows of `C` (or its columns, when it has more columns than rows) are cut
    /// into ``GEMMRowBlocks``, a fixed function of `(m, n, k)` alone (``GEMMRowBlocks/cut(m:n:k:)``),
    /// and each block is one single-threaded BLAS call; the workers take whole blocks. The same calls
    /// with the same arguments are made for any thread count, so the bytes of `C` cannot depend on
    /// it, whatever the BLAS kernel does inside a call (OpenBLAS's Haswell/Zen sgemm, for one, rounds
    /// the last rows of a call differently from the rest).
    ///
    /// With `rowInitialValue` (a vector of `n`), every row of `C` is set to it before the product is
    /// added (use `beta: 1`): a layer's bias, written by each block's worker just before its BLAS call
    /// (while those rows of `C` are in its cache) instead of in a pass of its own.
    public static func multiply(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, rowInitialValue: UnsafePointer<Float>? = nil,
        context: ComputeContext
    ) {
        if let clock = context.gemmClock {
            var untimed = context
            untimed.gemmClock = nil
            clock.timeCaller {
                multiply(transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c,
                         ldc: ldc, rowInitialValue: rowInitialValue, context: untimed)
            }
            return
        }
        context.setBLASThreads()
        let (blocks, columns) = GEMMRowBlocks.cut(m: m, n: n, k: k)
        guard context.gemmThreading == .splitRows, blocks.count > 1 else {
            if let rowInitialValue { for i in 0..<m { (c + i * ldc).update(from: rowInitialValue, count: n) } }
            multiply(transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        context.parallelFor(blocks.count) { range in
            for block in range {
                let part = blocks.rows(of: block)
                if let rowInitialValue {
                    if columns {
                        for i in 0..<m { (c + i * ldc + part.lowerBound).update(from: rowInitialValue + part.lowerBound, count: part.count) }
                    } else {
                        for i in part { (c + i * ldc).update(from: rowInitialValue, count: n) }
                    }
                }
                if columns {
                    // Column `j` of op(B): column j of B, or row j of B when transposed.
                    let bp = transB == .none ? b + part.lowerBound : b + part.lowerBound * ldb
                    multiply(transA, transB, m: m, n: part.count, k: k, alpha: alpha, a: a, lda: lda, b: bp, ldb: ldb,
                             beta: beta, c: c + part.lowerBound, ldc: ldc)
                } else {
                    // Row `r` of op(A): row r of A, or column r of A when transposed.
                    let ap = transA == .none ? a + part.lowerBound * lda : a + part.lowerBound
                    multiply(transA, transB, m: part.count, n: n, k: k, alpha: alpha, a: ap, lda: lda, b: b, ldb: ldb,
                             beta: beta, c: c + part.lowerBound * ldc, ldc: ldc)
                }
            }
        }
    }

    /// `C = alpha · op(A) · op(B) + beta · C` on tensors viewed as matrices, with `context`'s threads.
    ///
    /// - Parameters:
    ///   - a: `[m, k]` (or `[k, m]` if transposed); any leading shape is flattened into rows.
    ///   - b: `[k, n]` (or `[n, k]` if transposed).
    ///   - c: `[m, n]`.
    public static func multiply(_ a: Tensor, _ transA: Transpose, _ b: Tensor, _ transB: Transpose,
                                into c: Tensor, alpha: Float = 1, beta: Float = 0,
                                context: ComputeContext) {
        let aCols = a.shape.last ?? 1, aRows = a.count / max(aCols, 1)
        let bCols = b.shape.last ?? 1, bRows = b.count / max(bCols, 1)
        let (m, k) = transA == .none ? (aRows, aCols) : (aCols, aRows)
        let (kb, n) = transB == .none ? (bRows, bCols) : (bCols, bRows)
        precondition(k == kb, "GEMM inner dimensions differ: A \(a.shape) \(transA), B \(b.shape) \(transB)")
        precondition(c.count == m * n, "GEMM output \(c.shape) is not [\(m), \(n)]")
        multiply(transA, transB, m: m, n: n, k: k, alpha: alpha, a: a.data, lda: aCols,
                 b: b.data, ldb: bCols, beta: beta, c: c.data, ldc: n, context: context)
    }

    /// A batch of independent products `C[i] = alpha · op(A[i]) · op(B[i]) + beta · C[i]`.
    ///
    /// The batch is split over `context.threads` workers, each running BLAS with one thread
    /// (never nesting BLAS threads inside worker threads).
    /// - Parameters:
    ///   - a: `[batch, m, k]` (or `[batch, k, m]` if transposed).
    ///   - b: `[batch, k, n]` (or `[batch, n, k]` if transposed).
    ///   - c: `[batch, m, n]`.
    public static func batchedMultiply(_ a: Tensor, _ transA: Transpose, _ b: Tensor, _ transB: Transpose,
                                       into c: Tensor, alpha: Float = 1, beta: Float = 0,
                                       context: ComputeContext) {
        precondition(a.rank == 3 && b.rank == 3 && c.rank == 3, "batched GEMM wants rank-3 tensors")
        let batch = a.shape[0]
        precondition(b.shape[0] == batch && c.shape[0] == batch, "batched GEMM batch sizes differ")
        let (m, k) = transA == .none ? (a.shape[1], a.shape[2]) : (a.shape[2], a.shape[1])
        let (kb, n) = transB == .none ? (b.shape[1], b.shape[2]) : (b.shape[2], b.shape[1])
        precondition(k == kb && c.shape[1] == m && c.shape[2] == n,
                     "batched GEMM shapes A \(a.shape) B \(b.shape) C \(c.shape) disagree")
        let sa = a.shape[1] * a.shape[2], sb = b.shape[1] * b.shape[2], sc = m * n
        let pa = a.data, pb = b.data, pc = c.data
        let clock = context.gemmClock
        context.setSingleThreadedBLAS()
        context.parallelFor(batch) { range in
            for i in range {
                clock.timeWorker {
                    multiply(transA, transB, m: m, n: n, k: k, alpha: alpha, a: pa + i * sa, lda: a.shape[2],
                             b: pb + i * sb, ldb: b.shape[2], beta: beta, c: pc + i * sc, ldc: n)
                }
            }
        }
    }
}

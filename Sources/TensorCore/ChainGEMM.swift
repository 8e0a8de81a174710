import CPackedGEMM

/// Where the sums of a chained product (``GEMM/chainMultiply(_:_:m:n:k:a:lda:b:ldb:start:c:ldc:context:)``) start.
public enum ChainStart {
    /// At zero: `C = op(A) · op(B)`.
    case zero
    /// At `C`'s values: `C += op(A) · op(B)` (a gradient that accumulates).
    case existing
    /// At one row of `n` values, the same for every row of `C` (a layer's bias): `C = row + op(A) · op(B)`.
    case row(UnsafePointer<Float>)
}

extension GEMM {
    /// Rows of `C` in one piece of a chained product: a multiple of both kernels' tile heights (8 and 6).
    static let chainRowsPerPiece = 192
    /// 16-column panels of `C` in one piece: the AVX-512 kernel's tile width.
    static let chainPanelsPerPiece = 2
    /// Steps of `k` packed at a time: a piece's packed block of `op(B)` is `chainDepth × 32` floats (32 KiB), so it stays
    /// in the first-level cache while the piece's rows run over it.
    static let chainDepth = 256

    /// `C = start + op(A) · op(B)` on the packed-operand kernels, with `context`'s threads and kernel instruction set:
    /// element `(i, j)` is one chain of fused multiply-adds over `k` in order, starting from `start`'s value.
    ///
    /// `op(B)` is packed on every call, a block of ``chainDepth`` steps of `k` at a time for the columns of one piece
    /// (``chainRowsPerPiece`` rows × ``chainPanelsPerPiece`` panels of `C`), into a buffer of each worker's own; the next
    /// block resumes the chains from `C`. So the bits depend on nothing but the operands: not on the thread count, the
    /// cut of `C` into pieces, the block depth, the instruction set (``ComputeContext/kernelISA``) or the CPU. A training
    /// step's layer products run here (``Linear``), so trained weights are the same bytes on every CPU.
    /// - Parameters:
    ///   - m, n, k: `op(A)` is `m × k`, `op(B)` `k × n`, `C` `m × n`.
    ///   - a: `A`, stored `m × k` (`.none`) or `k × m` (`.transposed`), row-major with leading dimension `lda`.
    ///   - b: `B`, stored `k × n` (`.none`) or `n × k` (`.transposed`: a layer's weight `[out, in]`), leading dimension `ldb`.
    ///   - start: where each element's chain starts.
    ///   - c: `C`, leading dimension `ldc`.
    public static func chainMultiply(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, start: ChainStart,
                                     c: UnsafeMutablePointer<Float>, ldc: Int, context: ComputeContext) {
        if let clock = context.gemmClock {
            var untimed = context
            untimed.gemmClock = nil
            clock.timeCaller {
                chainMultiply(transA, transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, start: start, c: c, ldc: ldc,
                              context: untimed)
            }
            return
        }
        guard m > 0, n > 0 else { return }
        precondition(k >= 0 && m <= Int(Int32.max) && n <= Int(Int32.max) && k <= Int(Int32.max)
                     && lda >= (transA == .none ? k : m) && ldb >= (transB == .none ? n : k) && ldc >= n,
                     "chained GEMM: m \(m) n \(n) k \(k) lda \(lda) ldb \(ldb) ldc \(ldc)")
        let isa = context.kernelISA.code, ta = transA == .transposed, tb = transB == .transposed
        let (startCode, row): (Int32, UnsafePointer<Float>?) = switch start {
        case .zero: (Int32(SPF_CHAIN_FROM_ZERO), nil)
        case .existing: (Int32(SPF_CHAIN_FROM_C), nil)
        case .row(let values): (Int32(SPF_CHAIN_FROM_ROW), values)
        }
        let columnsPerPiece = chainPanelsPerPiece * 16
        let rowPieces = (m + chainRowsPerPiece - 1) / chainRowsPerPiece
        let columnPieces = (n + columnsPerPiece - 1) / columnsPerPiece
        let pieces = rowPieces * columnPieces
        let depth = min(chainDepth, max(k, 1))
        func run(_ piece: Int, scratch: UnsafeMutablePointer<Float>) {
            let r0 = (piece / columnPieces) * chainRowsPerPiece, rows = min(chainRowsPerPiece, m - r0)
            let j0 = (piece % columnPieces) * columnsPerPiece, columns = min(columnsPerPiece, n - j0)
            spf_chain_gemm(isa, Int32(rows), Int32(columns), Int32(k), ta ? a + r0 : a + r0 * lda, Int32(lda), ta ? 1 : 0,
                           tb ? b + j0 * ldb : b + j0, Int32(ldb), tb ? 1 : 0, startCode, row.map { $0 + j0 },
                           Int32(depth), scratch, c + r0 * ldc + j0, Int32(ldc))
        }
        func runPieces(_ range: Range<Int>) {
            withUnsafeTemporaryAllocation(byteCount: depth * columnsPerPiece * MemoryLayout<Float>.stride, alignment: 64) { raw in
                let scratch = raw.baseAddress!.assumingMemoryBound(to: Float.self)
                for piece in range { run(piece, scratch: scratch) }
            }
        }
        if pieces == 1 || m * n * max(k, 1) < packedMinimumParallelWork || context.threads == 1 {
            runPieces(0..<pieces)
            return
        }
        context.parallelFor(pieces) { range in runPieces(range) }
    }
}

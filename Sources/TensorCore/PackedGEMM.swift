import CPackedGEMM

extension GEMM {
    /// Rows of one piece of a packed product: a multiple of both kernels' tile heights (8 and 6).
    static let packedRowsPerPiece = 96
    /// Panels of one piece: the AVX-512 kernel's tile width (two 16-column panels).
    static let packedPanelsPerPiece = 2
    /// Multiply-adds below which a packed product runs on the calling thread alone.
    static let packedMinimumParallelWork = 1 << 20

    /// `C = A · op(B) (+ bias) (+ C)` against an operand packed once (``PackedMatrix``), with `context`'s threads and
    /// its kernel instruction set (``ComputeContext/kernelISA``).
    ///
    /// Element `(i, j)` is `fma` over k in order from zero, then `+ bias[j]`, then `C[i, j] +` when `accumulate`: the
    /// same bits for every instruction set, thread count and cut of the work. The work is cut into pieces of
    /// ``packedRowsPerPiece`` rows × ``packedPanelsPerPiece`` panels, which the workers take in row-major order.
    /// - Parameters:
    ///   - m: rows of `A` and `C`.
    ///   - a: `A`, `m × packed.rows`, row-major with leading dimension `lda`.
    ///   - bias: `packed.columns` values added to every row, or nil.
    ///   - accumulate: add into `C` (`beta = 1`) instead of overwriting it.
    ///   - c: `C`, `m × packed.columns`, leading dimension `ldc`.
    public static func multiply(m: Int, a: UnsafePointer<Float>, lda: Int, packed: PackedMatrix, bias: UnsafePointer<Float>?,
                                accumulate: Bool, c: UnsafeMutablePointer<Float>, ldc: Int, context: ComputeContext) {
        if let clock = context.gemmClock {
            var untimed = context
            untimed.gemmClock = nil
            clock.timeCaller {
                multiply(m: m, a: a, lda: lda, packed: packed, bias: bias, accumulate: accumulate, c: c, ldc: ldc,
                         context: untimed)
            }
            return
        }
        let n = packed.columns, k = packed.rows, isa = context.kernelISA.code
        guard m > 0, n > 0 else { return }
        precondition(lda >= k && ldc >= n && m <= Int(Int32.max), "packed GEMM: m \(m) k \(k) n \(n) lda \(lda) ldc \(ldc)")
        let rowPieces = (m + packedRowsPerPiece - 1) / packedRowsPerPiece
        let panelPieces = (packed.panels + packedPanelsPerPiece - 1) / packedPanelsPerPiece
        let pieces = rowPieces * panelPieces
        let p = UnsafePointer(packed.storage), stride = k * 16
        func run(_ piece: Int) {
            let r0 = (piece / panelPieces) * packedRowsPerPiece, rows = min(packedRowsPerPiece, m - r0)
            let g0 = (piece % panelPieces) * packedPanelsPerPiece
            spf_packed_gemm(isa, Int32(rows), Int32(n), Int32(k), a + r0 * lda, Int32(lda), p, stride, Int32(g0),
                            Int32(g0 + packedPanelsPerPiece), 1, bias, accumulate ? 1 : 0, c + r0 * ldc, Int32(ldc))
        }
        if pieces == 1 || m * n * k < packedMinimumParallelWork || context.threads == 1 {
            for piece in 0..<pieces { run(piece) }
            return
        }
        context.parallelFor(pieces) { range in
            for piece in range { run(piece) }
        }
    }
}

extension GEMM {
    /// Packs `op(B)` (`k × n`; stored `k × n`, or `n × k` when `transposed`, leading dimension `ldb`) into `out` in
    /// 16-column panels of `k` rows each (panel stride `16 · k`); `isa` only chooses how the values move (the same floats).
    static func pack(_ b: UnsafePointer<Float>, rows k: Int, columns n: Int, ldb: Int, transposed: Bool, isa: KernelISA,
                     into out: UnsafeMutablePointer<Float>) {
        guard k > 0, n > 0 else { return }
        spf_packed_gemm_pack(isa.code, b, Int32(k), Int32(n), Int32(ldb), transposed ? 1 : 0, out)
    }

    /// On the calling thread: `C = alpha · A · op(B) (+ C)` with `op(B)` read from packed panels (`panels` at its first
    /// panel, `panelStride` floats apart, `k` rows each from where `panels` points): element `(i, j)` is the same `fma`
    /// chain as in ``multiply(m:a:lda:packed:bias:accumulate:c:ldc:context:)``, on every instruction set.
    static func multiplyPacked(isa: KernelISA, m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                               panels: UnsafePointer<Float>, panelStride: Int, accumulate: Bool,
                               c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        spf_packed_gemm(isa.code, Int32(m), Int32(n), Int32(k), a, Int32(lda), panels, panelStride, 0, Int32((n + 15) / 16),
                        alpha, nil, accumulate ? 1 : 0, c, Int32(ldc))
    }

    /// `dst = srcᵀ`: `src` is `rows × columns` (leading dimension `lds`), `dst` `columns × rows` (`ldd`); values moved only.
    static func transpose(_ src: UnsafePointer<Float>, rows: Int, columns: Int, lds: Int, into dst: UnsafeMutablePointer<Float>,
                          ldd: Int, isa: KernelISA) {
        spf_transpose(isa.code, src, Int32(rows), Int32(columns), Int32(lds), dst, Int32(ldd))
    }

    /// ``multiplyPacked(isa:m:n:k:alpha:a:lda:panels:panelStride:accumulate:c:ldc:)`` with `A` stored transposed
    /// (`k × m`, `A[i, kk]` at `a[kk · lda + i]`): `C = alpha · Aᵀ-stored · op(B) (+ C)`, the same `fma` chain per element
    /// as on a copy of `A` transposed.
    static func multiplyPackedTransposedA(isa: KernelISA, m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>,
                                          lda: Int, panels: UnsafePointer<Float>, panelStride: Int, accumulate: Bool,
                                          c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        spf_packed_gemm_at(isa.code, Int32(m), Int32(n), Int32(k), a, Int32(lda), panels, panelStride, 0, Int32((n + 15) / 16),
                           alpha, nil, accumulate ? 1 : 0, c, Int32(ldc))
    }
}

import CPackedGEMM
import Foundation

/// Memory-efficient softmax attention of one (sample, head) item, `O = softmax(s·QKᵀ)V`, computed
/// tile by tile (FlashAttention's recurrence, written for BLAS on a CPU).
///
/// Forward: for each query tile, the key tiles are visited in order; each score tile is
/// exponentiated against the running row maximum, the running row sums and the output accumulator
/// are rescaled when the maximum grows (online softmax), and only the row log-sum-exp
/// `L = m + log Σ exp(s − m)` is kept. Backward recomputes every score tile from Q, K and L:
/// `P = exp(S − L)`, `dV += Pᵀ dO`, `dP = dO Vᵀ`, `dS = s · P ⊙ (dP − Δ)` with
/// `Δ = rowsum(dO ⊙ O)`, `dQ += dS K`, `dK += dSᵀ Q`. No `T × T` matrix is ever stored.
///
/// Every function handles one item on the calling thread (single-threaded BLAS); the tiles and the
/// order they are visited in depend on the shapes only, so results do not depend on threads. With a
/// tiling whose key tiles start on 16-column panels (``AttentionTiling/packsKeys``, the standard one) the
/// item's keys and values are packed once (``Packs``) and the products that read them run the packed
/// kernels, the same bits on every CPU. Backward's key and value gradients, products with a transposed
/// tile, run them too: the tile is written in the kernels' panels as it is made and the gradients are taken
/// transposed (``packedBackward``). Any other tiling runs every product on the BLAS.
/// Pointers: `q`, `k`, `v`, `o`, `dO`, `dQ`, `dK`, `dV` are `[T, Dh]` row-major; `logSumExp`
/// and `delta` are `[T]`; `scratch` holds ``AttentionTiling/scratchCount(tokens:headDim:)`` floats
/// (``forward`` needs only ``AttentionTiling/forwardScratchCount(tokens:headDim:)``).
enum TiledAttention {
    /// Forward of one item: writes `o` `[T, Dh]` and `logSumExp` `[T]` (nil in passes that are never differentiated:
    /// only backward reads it, and its logarithms are then not taken).
    static func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, tokens tj: Int,
                        headDim dh: Int, scale: Float, tiling: AttentionTiling, output o: UnsafeMutablePointer<Float>,
                        logSumExp lse: UnsafeMutablePointer<Float>?, keptScores: UnsafeMutablePointer<Float>? = nil,
                        scratch: UnsafeMutablePointer<Float>, isa: KernelISA, clock: GEMMClock? = nil) {
        precondition(keptScores == nil || tiling.keyTiles(tj) == 1, "attention keeps scores only when all keys fit one tile")
        let bq = min(tiling.forwardQueryRows, tj), bk = min(tiling.keyColumns, tj)
        // One score tile, the output accumulator, the rows' maxima and sums (AttentionTiling.forwardTileScratchCount).
        let scores = scratch, acc = scratch + bq * bk, rowMax = acc + bq * dh, rowSum = rowMax + bq
        // Kᵀ (for the scores) and V (for the output), packed once for all the item's tiles.
        let packs = tiling.packsKeys ? Packs(k: k, v: v, tokens: tj, headDim: dh, tiling: tiling, scratch: scratch, backward: false, isa: isa) : nil
        for qt in 0..<tiling.forwardQueryTiles(tj) {
            let r0 = qt * tiling.forwardQueryRows, nq = min(tiling.forwardQueryRows, tj - r0)
            for kt in 0..<tiling.keyTiles(tj) {
                let c0 = kt * tiling.keyColumns, nk = min(tiling.keyColumns, tj - c0)
                // With kept scores (one key tile: nk = tj) the product goes to the item's [T, T] scores.
                let product = keptScores.map { $0 + r0 * nk } ?? scores
                clock.timeWorker {
                    if let packs {
                        packs.scores(isa: isa, rows: nq, keys: c0..<(c0 + nk), scale: scale, q: q + r0 * dh, into: product)
                    } else {
                        GEMM.multiply(.none, .transposed, m: nq, n: nk, k: dh, alpha: scale, a: q + r0 * dh, lda: dh,
                                      b: k + c0 * dh, ldb: dh, c: product, ldc: nk)
                    }
                }
                // Each row's maximum, exponentials and sum; from the second key tile on, the running maximum, sum and
                // output accumulator rescaled when the maximum grows (one C call per tile: `spf_softmax_online_rows`).
                spf_softmax_online_rows(isa.code, product, scores, Int32(nq), Int32(nk), Int32(nk), kt == 0 ? 1 : 0, rowMax, rowSum,
                                        acc, Int32(dh), Int32(dh))
                clock.timeWorker {
                    if let packs {
                        GEMM.multiplyPacked(isa: isa, m: nq, n: dh, k: nk, a: scores, lda: nk, panels: packs.values + c0 * 16,
                                            panelStride: packs.tallStride, accumulate: kt != 0, c: acc, ldc: dh)
                    } else {
                        GEMM.multiply(.none, .none, m: nq, n: dh, k: nk, a: scores, lda: nk, b: v + c0 * dh, ldb: dh,
                                      beta: kt == 0 ? 0 : 1, c: acc, ldc: dh)
                    }
                }
            }
            for r in 0..<nq {
                let inv = 1 / rowSum[r], dst = o + (r0 + r) * dh, src = acc + r * dh
                for j in 0..<dh { dst[j] = src[j] * inv }
                if let lse { lse[r0 + r] = rowMax[r] + Float(Foundation.log(Double(rowSum[r]))) }
            }
        }
    }

    /// Backward of one item: `delta[t] = Σ_j dO[t, j]·O[t, j]` must be filled; overwrites `dQ`, `dK`, `dV`.
    /// With `keptScores` (`[T, T]` from ``forward``) the scores are read instead of recomputed.
    static func backward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                         logSumExp lse: UnsafePointer<Float>, outputGradient dO: UnsafePointer<Float>,
                         delta: UnsafePointer<Float>, tokens tj: Int, headDim dh: Int, scale: Float, tiling: AttentionTiling,
                         keptScores: UnsafePointer<Float>? = nil, dQ: UnsafeMutablePointer<Float>, dK: UnsafeMutablePointer<Float>, dV: UnsafeMutablePointer<Float>,
                         scratch: UnsafeMutablePointer<Float>, isa: KernelISA, clock: GEMMClock? = nil) {
        if tiling.packsKeys {
            packedBackward(q: q, k: k, v: v, logSumExp: lse, outputGradient: dO, delta: delta, tokens: tj, headDim: dh,
                           scale: scale, tiling: tiling, keptScores: keptScores, dQ: dQ, dK: dK, dV: dV, scratch: scratch,
                           isa: isa, clock: clock)
            return
        }
        let p = scratch, dp = scratch + tiling.scoreTileFloats(tokens: tj)
        for qt in 0..<tiling.queryTiles(tj) {
            let r0 = qt * tiling.queryRows, nq = min(tiling.queryRows, tj - r0)
            for kt in 0..<tiling.keyTiles(tj) {
                let c0 = kt * tiling.keyColumns, nk = min(tiling.keyColumns, tj - c0)
                if let keptScores {
                    let rows = keptScores + r0 * nk
                    for r in 0..<nq { _ = Self.exponentiate(rows + r * nk, into: p + r * nk, count: nk, minus: lse[r0 + r], isa: isa) }
                } else {
                    clock.timeWorker {
                        GEMM.multiply(.none, .transposed, m: nq, n: nk, k: dh, alpha: scale, a: q + r0 * dh, lda: dh,
                                      b: k + c0 * dh, ldb: dh, c: p, ldc: nk)
                    }
                    for r in 0..<nq { _ = Self.exponentiate(p + r * nk, into: p + r * nk, count: nk, minus: lse[r0 + r], isa: isa) }
                }
                // dV[c0..] += Pᵀ dO[r0..]; dP = dO[r0..] V[c0..]ᵀ.
                clock.timeWorker {
                    GEMM.multiply(.transposed, .none, m: nk, n: dh, k: nq, a: p, lda: nk, b: dO + r0 * dh, ldb: dh,
                                  beta: qt == 0 ? 0 : 1, c: dV + c0 * dh, ldc: dh)
                }
                clock.timeWorker {
                    GEMM.multiply(.none, .transposed, m: nq, n: nk, k: dh, a: dO + r0 * dh, lda: dh, b: v + c0 * dh, ldb: dh,
                                  c: dp, ldc: nk)
                }
                for r in 0..<nq { Self.scoreGradient(p + r * nk, dp + r * nk, count: nk, delta: delta[r0 + r], scale: scale) }
                // dQ[r0..] += dS K[c0..]; dK[c0..] += dSᵀ Q[r0..].
                clock.timeWorker {
                    GEMM.multiply(.none, .none, m: nq, n: dh, k: nk, a: dp, lda: nk, b: k + c0 * dh, ldb: dh,
                                  beta: kt == 0 ? 0 : 1, c: dQ + r0 * dh, ldc: dh)
                }
                clock.timeWorker {
                    GEMM.multiply(.transposed, .none, m: nk, n: dh, k: nq, a: dp, lda: nk, b: q + r0 * dh, ldb: dh,
                                  beta: qt == 0 ? 0 : 1, c: dK + c0 * dh, ldc: dh)
                }
            }
        }
    }

    /// ``backward`` with the item's keys and values packed (``AttentionTiling/packsKeys``): every product runs the packed
    /// kernels, so every bit is the same on every CPU. Each tile's probabilities `P` and then its score gradients `dS`
    /// are written in 16-column panels as they are made (`spf_softmax_exp_panels`, `spf_score_gradient_panels`), and the
    /// key and value gradients are taken transposed against them, `dVᵀ += dOᵀ·P` and `dKᵀ += Qᵀ·dS` (`A` read in
    /// place, transposed), into `Dh × T` accumulators in scratch that are transposed into `dV` and `dK` at the end:
    /// no tile is packed or copied for them.
    private static func packedBackward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                       logSumExp lse: UnsafePointer<Float>, outputGradient dO: UnsafePointer<Float>,
                                       delta: UnsafePointer<Float>, tokens tj: Int, headDim dh: Int, scale: Float,
                                       tiling: AttentionTiling, keptScores: UnsafePointer<Float>?,
                                       dQ: UnsafeMutablePointer<Float>, dK: UnsafeMutablePointer<Float>,
                                       dV: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, isa: KernelISA,
                                       clock: GEMMClock?) {
        // `panels`: P, then dS, of the current tile in panels; `dp`: the tile's dP, then dS, row-major.
        let panels = scratch, dp = scratch + tiling.scoreTileFloats(tokens: tj)
        // Kᵀ (scores), Vᵀ (dP) and K (dQ), packed once for all the item's tiles; then dKᵀ and dVᵀ, `ldt` apart per row.
        let packs = Packs(k: k, v: v, tokens: tj, headDim: dh, tiling: tiling, scratch: scratch, backward: true, isa: isa)
        let size = tiling.packFloats(tokens: tj, headDim: dh), ldt = (tj + 15) / 16 * 16
        let base = scratch + tiling.tileScratchCount(tokens: tj, headDim: dh)
        let dKt = base + 3 * size, dVt = base + 4 * size
        for qt in 0..<tiling.queryTiles(tj) {
            let r0 = qt * tiling.queryRows, nq = min(tiling.queryRows, tj - r0), stride = tiling.panelStride(rows: nq)
            for kt in 0..<tiling.keyTiles(tj) {
                let c0 = kt * tiling.keyColumns, nk = min(tiling.keyColumns, tj - c0)
                if let keptScores {
                    spf_softmax_exp_panels(isa.code, keptScores + r0 * nk, Int32(nq), Int32(nk), Int32(nk), lse + r0, panels, stride)
                } else {
                    clock.timeWorker { packs.scores(isa: isa, rows: nq, keys: c0..<(c0 + nk), scale: scale, q: q + r0 * dh, into: dp) }
                    spf_softmax_exp_panels(isa.code, dp, Int32(nq), Int32(nk), Int32(nk), lse + r0, panels, stride)
                }
                // dVᵀ[:, c0..] += dO[r0..]ᵀ P; dP = dO[r0..] V[c0..]ᵀ.
                clock.timeWorker {
                    GEMM.multiplyPackedTransposedA(isa: isa, m: dh, n: nk, k: nq, a: dO + r0 * dh, lda: dh, panels: panels,
                                                   panelStride: stride, accumulate: qt != 0, c: dVt + c0, ldc: ldt)
                }
                clock.timeWorker {
                    GEMM.multiplyPacked(isa: isa, m: nq, n: nk, k: dh, a: dO + r0 * dh, lda: dh,
                                        panels: packs.valuesTransposed + c0 / 16 * packs.wideStride, panelStride: packs.wideStride,
                                        accumulate: false, c: dp, ldc: nk)
                }
                spf_score_gradient_panels(isa.code, panels, dp, Int32(nq), Int32(nk), Int32(nk), delta + r0, scale, stride)
                // dQ[r0..] += dS K[c0..]; dKᵀ[:, c0..] += Q[r0..]ᵀ dS.
                clock.timeWorker {
                    GEMM.multiplyPacked(isa: isa, m: nq, n: dh, k: nk, a: dp, lda: nk, panels: packs.keys + c0 * 16,
                                        panelStride: packs.tallStride, accumulate: kt != 0, c: dQ + r0 * dh, ldc: dh)
                }
                clock.timeWorker {
                    GEMM.multiplyPackedTransposedA(isa: isa, m: dh, n: nk, k: nq, a: q + r0 * dh, lda: dh, panels: panels,
                                                   panelStride: stride, accumulate: qt != 0, c: dKt + c0, ldc: ldt)
                }
            }
        }
        GEMM.transpose(dKt, rows: dh, columns: tj, lds: ldt, into: dK, ldd: dh, isa: isa)
        GEMM.transpose(dVt, rows: dh, columns: tj, lds: ldt, into: dV, ldd: dh, isa: isa)
    }

    /// One item's keys and values packed once for the packed kernels (``GEMM/multiplyPacked(isa:m:n:k:alpha:a:lda:panels:panelStride:accumulate:c:ldc:)``),
    /// in the worker's scratch after the pass's tiles (``AttentionTiling/scratchCount(tokens:headDim:)``,
    /// ``AttentionTiling/forwardScratchCount(tokens:headDim:)``).
    /// - `keysTransposed`: `Kᵀ` (`Dh × T`), panels of 16 keys, ``wideStride`` apart: a key tile from column `c0` starts
    ///   at panel `c0 / 16`.
    /// - `values`, `keys` (backward): `V`, `K` as `T × Dh`, panels of 16 head channels, ``tallStride`` apart: a key
    ///   tile from row `c0` starts `16 · c0` floats into each panel.
    /// - `valuesTransposed` (backward): `Vᵀ`, like `keysTransposed`.
    struct Packs {
        let keysTransposed: UnsafeMutablePointer<Float>
        let values: UnsafeMutablePointer<Float>
        let keys: UnsafeMutablePointer<Float>
        let valuesTransposed: UnsafeMutablePointer<Float>
        let headDim: Int
        let wideStride: Int, tallStride: Int

        init(k: UnsafePointer<Float>, v: UnsafePointer<Float>, tokens tj: Int, headDim dh: Int, tiling: AttentionTiling,
             scratch: UnsafeMutablePointer<Float>, backward: Bool, isa: KernelISA) {
            let tiles = backward ? tiling.tileScratchCount(tokens: tj, headDim: dh) : tiling.forwardTileScratchCount(tokens: tj, headDim: dh)
            let base = scratch + tiles, size = tiling.packFloats(tokens: tj, headDim: dh)
            headDim = dh
            wideStride = 16 * dh
            tallStride = 16 * tj
            keysTransposed = base
            GEMM.pack(k, rows: dh, columns: tj, ldb: dh, transposed: true, isa: isa, into: keysTransposed)
            if backward {
                valuesTransposed = base + size
                keys = base + 2 * size
                values = keys
                GEMM.pack(v, rows: dh, columns: tj, ldb: dh, transposed: true, isa: isa, into: valuesTransposed)
                GEMM.pack(k, rows: tj, columns: dh, ldb: dh, transposed: false, isa: isa, into: keys)
            } else {
                values = base + size
                keys = values
                valuesTransposed = keysTransposed
                GEMM.pack(v, rows: tj, columns: dh, ldb: dh, transposed: false, isa: isa, into: values)
            }
        }

        /// `out = scale · Q[rows] · K[keys]ᵀ` (`rows × keys.count`, leading dimension `keys.count`); `keys` starts on a
        /// panel (a multiple of 16).
        func scores(isa: KernelISA, rows: Int, keys range: Range<Int>, scale: Float, q: UnsafePointer<Float>,
                    into out: UnsafeMutablePointer<Float>) {
            GEMM.multiplyPacked(isa: isa, m: rows, n: range.count, k: headDim, alpha: scale, a: q, lda: headDim,
                                panels: keysTransposed + range.lowerBound / 16 * wideStride, panelStride: wideStride,
                                accumulate: false, c: out, ldc: range.count)
        }
    }

    /// `y ← exp(x − shift)` (`y` may be `x`); returns the sum of the results. SIMDMath.exp's operations per element,
    /// 16 lanes wide with AVX-512 (the C kernel `spf_softmax_exp`; its lanes and reduction order are the same on every
    /// instruction set, so the bits are too).
    @inline(__always)
    static func exponentiate(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count n: Int,
                             minus shift: Float, isa: KernelISA) -> Float {
        spf_softmax_exp(isa.code, x, y, Int32(n), shift)
    }

    /// `g ← scale · p ⊙ (g − delta)` (softmax backward with the row's `Σ p⊙g` precomputed as `delta`).
    @inline(__always)
    static func scoreGradient(_ p: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>, count n: Int, delta: Float,
                              scale: Float) {
        var i = 0
        let d = SIMD8<Float>(repeating: delta)
        while i + 8 <= n {
            SIMDMath.store(scale * SIMDMath.load(p + i) * (SIMDMath.load(g + i) - d), g + i)
            i += 8
        }
        while i < n { g[i] = scale * p[i] * (g[i] - delta); i += 1 }
    }
}

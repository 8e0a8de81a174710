import Foundation
import Testing
import TensorCore

@Suite struct JointAttentionTests {
    /// Gradient check of joint attention with QK-norm and RoPE (and, with `contextTokens` 0, plain self-attention),
    /// with one score tile per item and with small tiles (several query and key tiles, ragged last tiles:
    /// the online softmax's rescaling and the backward's recomputation across tiles).
    @Test(arguments: [(3, true, true, false), (0, true, false, false), (2, false, true, false),
                      (3, true, true, true), (0, false, false, true)])
    func gradientsMatchFiniteDifferences(contextTokens tc: Int, qkNorm: Bool, rope: Bool, smallTiles: Bool) throws {
        let (b, th, d, h) = (2, smallTiles ? 8 : 4, 8, 2)
        var layout = ParameterLayout()
        let tiling = smallTiles ? try AttentionTiling(queryRows: 3, keyColumns: 4) : .standard
        let att = try JointAttention("a", width: d, heads: h, hasContext: tc > 0, qkNorm: qkNorm, tiling: tiling,
                                     layout: &layout)
        let store = ParameterStore(layout: layout, seed: 1)
        GradientCheck.randomize(store, seed: 9, std: 1)
        let ws = Workspace()
        let saved = JointAttention.Saved(att, batch: b, latentTokens: th, contextTokens: tc, workspace: ws)
        let scratch = JointAttention.Scratch(att, batch: b, latentTokens: th, contextTokens: tc, workspace: ws)
        let table = RotaryTable(batch: b, tokens: th + tc, headDim: d / h)
        for s in 0..<b { table.setPositions(sample: s, (0..<(th + tc)).map { Float($0 * (s + 1)) * 0.7 }) }
        let lq = GradientCheck.random([b, th, 3 * d], seed: 2)
        let cq = tc > 0 ? GradientCheck.random([b, tc, 3 * d], seed: 3) : nil
        let lo = Tensor(zeros: [b, th, d]), co = tc > 0 ? Tensor(zeros: [b, tc, d]) : nil
        let lw = GradientCheck.random([b, th, d], seed: 4), cw = tc > 0 ? GradientCheck.random([b, tc, d], seed: 5) : nil
        let ldq = Tensor(zeros: [b, th, 3 * d]), cdq = tc > 0 ? Tensor(zeros: [b, tc, 3 * d]) : nil
        let ctx = ComputeContext(threads: 2)
        func loss() -> Double {
            att.forward(latentQKV: lq, contextQKV: cq, rotary: rope ? table : nil, saved: saved, latentOut: lo,
                        contextOut: co, parameters: store, context: ctx)
            var s = GradientCheck.dot(lw, lo)
            if let co, let cw { s += GradientCheck.dot(cw, co) }
            return s
        }
        _ = loss()
        store.zeroGradients()
        att.backward(latentDOut: lw, contextDOut: cw, latentQKV: lq, contextQKV: cq, rotary: rope ? table : nil,
                     saved: saved, scratch: scratch, latentDQKV: ldq, contextDQKV: cdq, parameters: store, context: ctx)
        #expect(GradientCheck.worst(lq, analytic: ldq.toArray(), samples: 60, loss: loss) <= 1)
        if let cq, let cdq { #expect(GradientCheck.worst(cq, analytic: cdq.toArray(), samples: 60, loss: loss) <= 1) }
        if qkNorm {
            #expect(GradientCheck.worst(store.values, analytic: store.gradients.toArray(), samples: 40, loss: loss) <= 1)
        }
    }

    /// Attention output equals a direct Float64 evaluation of softmax(QKᵀ/√Dh)V on concatenated streams.
    @Test func forwardMatchesDirectEvaluation() throws {
        let (b, th, tc, d, h) = (1, 3, 2, 4, 2)
        var layout = ParameterLayout()
        let att = try JointAttention("a", width: d, heads: h, hasContext: true, qkNorm: false, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 1)
        let ws = Workspace()
        let saved = JointAttention.Saved(att, batch: b, latentTokens: th, contextTokens: tc, workspace: ws)
        let lq = GradientCheck.random([b, th, 3 * d], seed: 2), cq = GradientCheck.random([b, tc, 3 * d], seed: 3)
        let lo = Tensor(zeros: [b, th, d]), co = Tensor(zeros: [b, tc, d])
        att.forward(latentQKV: lq, contextQKV: cq, rotary: nil, saved: saved, latentOut: lo, contextOut: co,
                    parameters: store, context: .serial)
        let rows = (0..<th).map { t in (0..<(3 * d)).map { Double(lq[flat: t * 3 * d + $0]) } }
            + (0..<tc).map { t in (0..<(3 * d)).map { Double(cq[flat: t * 3 * d + $0]) } }
        let dh = d / h
        for head in 0..<h {
            for i in 0..<(th + tc) {
                var scores = (0..<(th + tc)).map { j in
                    (0..<dh).reduce(0.0) { $0 + rows[i][head * dh + $1] * rows[j][d + head * dh + $1] } / Double(dh).squareRoot()
                }
                let m = scores.max() ?? 0
                scores = scores.map { exp($0 - m) }
                let z = scores.reduce(0, +)
                for c in 0..<dh {
                    let o = (0..<(th + tc)).reduce(0.0) { $0 + scores[$1] / z * rows[$1][2 * d + head * dh + c] }
                    let got = i < th ? lo[flat: i * d + head * dh + c] : co[flat: (i - th) * d + head * dh + c]
                    #expect(abs(Double(got) - o) < 1e-5)
                }
            }
        }
    }

    /// softmax(QKᵀ/√Dh)V evaluated directly in Float64 for every head of one sample (rows: the
    /// latent tokens then the context tokens, each `[3D]` packed q, k, v).
    static func directAttention(rows: [[Double]], width d: Int, heads h: Int) -> [[Double]] {
        let dh = d / h, n = rows.count
        var out = [[Double]](repeating: [Double](repeating: 0, count: d), count: n)
        for head in 0..<h {
            for i in 0..<n {
                var scores = (0..<n).map { j in
                    (0..<dh).reduce(0.0) { $0 + rows[i][head * dh + $1] * rows[j][d + head * dh + $1] } / Double(dh).squareRoot()
                }
                let m = scores.max() ?? 0
                scores = scores.map { exp($0 - m) }
                let z = scores.reduce(0, +)
                for c in 0..<dh {
                    out[i][head * dh + c] = (0..<n).reduce(0.0) { $0 + scores[$1] / z * rows[$1][2 * d + head * dh + c] }
                }
            }
        }
        return out
    }

    /// Many tokens (several 64- and 128-row query tiles and 512-column key tiles of the standard tiling, ragged
    /// last tiles) and small tiles on a short sequence: the tiled output equals the direct evaluation.
    @Test(arguments: [(590, 150, 0, 0), (9, 4, 2, 3)])
    func tiledForwardMatchesDirectEvaluation(latentTokens th: Int, contextTokens tc: Int, queryRows: Int, keyColumns: Int) throws {
        let (d, h) = (16, 2)
        var layout = ParameterLayout()
        let tiling = queryRows > 0 ? try AttentionTiling(queryRows: queryRows, keyColumns: keyColumns) : .standard
        let att = try JointAttention("a", width: d, heads: h, hasContext: true, qkNorm: false, tiling: tiling, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 1)
        let saved = JointAttention.Saved(att, batch: 1, latentTokens: th, contextTokens: tc, workspace: Workspace())
        // Spread-out scores (std 2 per q/k element), so the row maxima move between key tiles.
        let lq = GradientCheck.random([1, th, 3 * d], seed: 12, std: 2), cq = GradientCheck.random([1, tc, 3 * d], seed: 13, std: 2)
        let lo = Tensor(zeros: [1, th, d]), co = Tensor(zeros: [1, tc, d])
        att.forward(latentQKV: lq, contextQKV: cq, rotary: nil, saved: saved, latentOut: lo, contextOut: co,
                    parameters: store, context: ComputeContext(threads: 2))
        let rows = (0..<th).map { t in (0..<(3 * d)).map { Double(lq[flat: t * 3 * d + $0]) } }
            + (0..<tc).map { t in (0..<(3 * d)).map { Double(cq[flat: t * 3 * d + $0]) } }
        let want = Self.directAttention(rows: rows, width: d, heads: h)
        var maxdiff = 0.0
        for i in 0..<(th + tc) {
            for c in 0..<d {
                let got = i < th ? lo[flat: i * d + c] : co[flat: (i - th) * d + c]
                maxdiff = max(maxdiff, abs(Double(got) - want[i][c]))
            }
        }
        #expect(maxdiff < 2e-5, "maxdiff \(maxdiff)")
    }

    /// A forward pass's bytes do not depend on its query rows (each row's online softmax and output are its own), only on
    /// the key columns, so ``AttentionTiling/forwardQueryRows`` is free to choose for speed: outputs, log-sum-exps and,
    /// with backward's rows fixed, every gradient equal bit for bit over forward tiles of 5, 16, 64 and 128 rows, with one
    /// key tile and with several (ragged), on every instruction set; and the standard tiling gives those bytes too.
    @Test(arguments: [512, 16])
    func forwardQueryRowsChangeNoByte(keyColumns: Int) throws {
        let (b, th, tc, d, h) = (2, 300, 40, 32, 2)
        let table = RotaryTable(batch: b, tokens: th + tc, headDim: d / h)
        for s in 0..<b { table.setPositions(sample: s, (0..<(th + tc)).map { Float($0 * (s + 1)) * 0.3 }) }
        let lq = GradientCheck.random([b, th, 3 * d], seed: 2, std: 2), cq = GradientCheck.random([b, tc, 3 * d], seed: 3, std: 2)
        let lw = GradientCheck.random([b, th, d], seed: 5), cw = GradientCheck.random([b, tc, d], seed: 6)
        func run(_ tiling: AttentionTiling, isa: KernelISA) throws -> [[Float]] {
            var layout = ParameterLayout()
            let att = try JointAttention("a", width: d, heads: h, hasContext: true, qkNorm: true, tiling: tiling, layout: &layout)
            let store = ParameterStore(layout: layout, seed: 1)
            GradientCheck.randomize(store, seed: 4, std: 1)
            return forwardAndBackward(att, store, latent: lq, context: cq, latentDOut: lw, contextDOut: cw, rotary: table,
                                      keepsScores: false, threads: 2, isa: isa)
        }
        let want = try run(AttentionTiling(queryRows: 64, keyColumns: keyColumns), isa: .host)
        for isa in KernelISA.supported {
            for rows in [5, 16, 64, 128] {
                let got = try run(AttentionTiling(queryRows: 64, keyColumns: keyColumns, forwardQueryRows: rows), isa: isa)
                #expect(got == want, "forward tiles of \(rows) rows on \(isa)")
            }
        }
        if keyColumns == AttentionTiling.standard.keyColumns {
            #expect(AttentionTiling.standard.queryRows == 64 && AttentionTiling.standard.forwardQueryRows == 128)
            #expect(try run(.standard, isa: .host) == want)
        }
    }

    /// Two samples of 600 latent and 50 context tokens (11 query tiles × 2 key tiles), width 32, 2 heads: the attention,
    /// its parameters, the latent and context qkv rows and the output gradients.
    static func severalTiles() throws -> (JointAttention, ParameterStore, Tensor, Tensor, Tensor, Tensor) {
        let (b, th, tc, d, h) = (2, 600, 50, 32, 2)
        var layout = ParameterLayout()
        let att = try JointAttention("a", width: d, heads: h, hasContext: true, qkNorm: true, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 1)
        GradientCheck.randomize(store, seed: 4, std: 1)
        let lq = GradientCheck.random([b, th, 3 * d], seed: 2), cq = GradientCheck.random([b, tc, 3 * d], seed: 3)
        let lw = GradientCheck.random([b, th, d], seed: 5), cw = GradientCheck.random([b, tc, d], seed: 6)
        return (att, store, lq, cq, lw, cw)
    }

    /// Forward and backward over several tiles give the same bytes on 1, 2 and 3 threads.
    @Test func tiledAttentionIsBitIdenticalOnAnyThreadCount() throws {
        let (att, store, lq, cq, lw, cw) = try Self.severalTiles()
        func run(_ threads: Int) -> [[Float]] {
            forwardAndBackward(att, store, latent: lq, context: cq, latentDOut: lw, contextDOut: cw, threads: threads)
        }
        let one = run(1)
        for threads in [2, 3] { #expect(run(threads) == one, "\(threads) threads differ from 1") }
    }

    /// A compute context that times its products (``GEMMClock``, for the benchmarks) gives the same bytes, and
    /// counts each tile product of forward (scores, values) and backward (scores, dV, dP, dQ, dK) once, on
    /// the workers; the context-level GEMMs count on the calling thread.
    @Test func timingTheProductsChangesNoByte() throws {
        let (att, store, lq, cq, lw, cw) = try Self.severalTiles()
        let clock = GEMMClock()
        let untimed = forwardAndBackward(att, store, latent: lq, context: cq, latentDOut: lw, contextDOut: cw, threads: 2)
        let timed = forwardAndBackward(att, store, latent: lq, context: cq, latentDOut: lw, contextDOut: cw, threads: 2,
                                       clock: clock)
        #expect(timed == untimed)
        let tokens = lq.shape[1] + cq.shape[1], items = lq.shape[0] * att.heads, tiling = att.tiling
        // Two products per forward tile, five per backward tile (forward and backward tiles may differ in height).
        let products = tiling.keyTiles(tokens) * (2 * tiling.forwardQueryTiles(tokens) + 5 * tiling.queryTiles(tokens))
        #expect(clock.calls.worker == items * products && clock.calls.caller == 0, "\(clock.calls), \(products) tile products")
        #expect(clock.workerSeconds > 0 && clock.wallSeconds(threads: 2) == clock.workerSeconds / 2)

        let x = GradientCheck.random([300, 64], seed: 7), w = GradientCheck.random([96, 64], seed: 8)
        let y1 = Tensor(zeros: [300, 96]), y2 = Tensor(zeros: [300, 96])
        GEMM.multiply(x, .none, w, .transposed, into: y1, context: ComputeContext(threads: 2))
        GEMM.multiply(x, .none, w, .transposed, into: y2, context: ComputeContext(threads: 2).timingGEMMs(with: clock))
        #expect(y1.toArray() == y2.toArray())
        #expect(clock.calls.caller == 1 && clock.callerSeconds > 0)
        clock.reset()
        #expect(clock.calls.caller == 0 && clock.calls.worker == 0 && clock.wallSeconds(threads: 2) == 0)
    }

    /// Tiles on 16-column panels read the item's keys and values packed once (the packed kernels): forward and backward
    /// over several ragged query and key tiles give the same bits on every instruction set and thread count, and agree
    /// with the BLAS path of tiles that are not (3 × 4, whose gradients are checked by finite differences above).
    @Test(arguments: [false, true])
    func packedTilesGiveTheSameBitsOnEveryInstructionSet(keepsScores: Bool) throws {
        let (b, th, tc, d, h) = (2, 41, 9, 32, 2)
        let packedTiling = keepsScores ? try AttentionTiling(queryRows: 16, keyColumns: 64) : try AttentionTiling(queryRows: 5, keyColumns: 16)
        let blasTiling = try AttentionTiling(queryRows: 3, keyColumns: 4)
        #expect(packedTiling.packsKeys && !blasTiling.packsKeys)
        func attention(_ tiling: AttentionTiling) throws -> (JointAttention, ParameterStore) {
            var layout = ParameterLayout()
            let att = try JointAttention("a", width: d, heads: h, hasContext: true, qkNorm: true, tiling: tiling, layout: &layout)
            let store = ParameterStore(layout: layout, seed: 1)
            GradientCheck.randomize(store, seed: 4, std: 1)
            return (att, store)
        }
        let table = RotaryTable(batch: b, tokens: th + tc, headDim: d / h)
        for s in 0..<b { table.setPositions(sample: s, (0..<(th + tc)).map { Float($0 * (s + 1)) * 0.3 }) }
        let lq = GradientCheck.random([b, th, 3 * d], seed: 2, std: 2), cq = GradientCheck.random([b, tc, 3 * d], seed: 3, std: 2)
        let lw = GradientCheck.random([b, th, d], seed: 5), cw = GradientCheck.random([b, tc, d], seed: 6)
        let (att, store) = try attention(packedTiling)
        let keep: Bool? = keepsScores ? true : nil
        let want = forwardAndBackward(att, store, latent: lq, context: cq, latentDOut: lw, contextDOut: cw, rotary: table,
                                      keepsScores: keep, threads: 1, isa: .portable)
        for isa in KernelISA.supported {
            for threads in [1, 3] {
                let got = forwardAndBackward(att, store, latent: lq, context: cq, latentDOut: lw, contextDOut: cw, rotary: table,
                                             keepsScores: keep, threads: threads, isa: isa)
                #expect(got == want, "\(isa) on \(threads) threads")
            }
        }
        let (blasAtt, blasStore) = try attention(blasTiling)
        let blas = forwardAndBackward(blasAtt, blasStore, latent: lq, context: cq, latentDOut: lw, contextDOut: cw, rotary: table,
                                      threads: 2)
        for (name, (a, b)) in zip(["latent out", "context out", "log-sum-exp", "dQKV latent", "dQKV context", "norm weights"],
                                  zip(want, blas)) {
            let scale = max(b.map { abs($0) }.max() ?? 1, 1)
            let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 2e-5 * scale, "\(name): worst \(worst), scale \(scale)")
        }
    }

    /// Keeping the forward scores for backward (few tokens) gives the same bytes as recomputing them,
    /// with one query tile and with several (ragged), with QK-norm and rotary embedding, on 1 and 3 threads.
    @Test(arguments: [(0, 0), (16, 64)])
    func keptScoresGiveTheSameBytesAsRecomputedOnes(queryRows: Int, keyColumns: Int) throws {
        let (b, th, tc, d, h) = (2, 41, 9, 32, 2)
        var layout = ParameterLayout()
        let tiling = queryRows > 0 ? try AttentionTiling(queryRows: queryRows, keyColumns: keyColumns) : .standard
        let att = try JointAttention("a", width: d, heads: h, hasContext: true, qkNorm: true, tiling: tiling, layout: &layout)
        #expect(tiling.keepsScores(tokens: th + tc, heads: h, width: d))
        #expect(!AttentionTiling.standard.keepsScores(tokens: 513, heads: 1, width: 1024))
        let store = ParameterStore(layout: layout, seed: 1)
        GradientCheck.randomize(store, seed: 4, std: 1)
        let table = RotaryTable(batch: b, tokens: th + tc, headDim: d / h)
        for s in 0..<b { table.setPositions(sample: s, (0..<(th + tc)).map { Float($0 * (s + 1)) * 0.3 }) }
        let lq = GradientCheck.random([b, th, 3 * d], seed: 2, std: 2), cq = GradientCheck.random([b, tc, 3 * d], seed: 3, std: 2)
        let lw = GradientCheck.random([b, th, d], seed: 5), cw = GradientCheck.random([b, tc, d], seed: 6)
        func run(keep: Bool, threads: Int) -> [[Float]] {
            forwardAndBackward(att, store, latent: lq, context: cq, latentDOut: lw, contextDOut: cw, rotary: table,
                               keepsScores: keep, threads: threads)
        }
        let recomputed = run(keep: false, threads: 1)
        for threads in [1, 3] { #expect(run(keep: true, threads: threads) == recomputed, "kept scores on \(threads) threads differ") }
    }

    /// What attention keeps and uses as scratch grows linearly with the tokens: 4× the tokens take at
    /// most 4.5× the memory (a stored `T × T` matrix would take 16×).
    @Test func memoryGrowsLinearlyWithTokens() throws {
        var layout = ParameterLayout()
        let att = try JointAttention("a", width: 128, heads: 2, hasContext: true, qkNorm: true, layout: &layout)
        func floats(_ tokens: Int) -> Int {
            let ws = Workspace(chunkSize: 1024)
            _ = JointAttention.Saved(att, batch: 4, latentTokens: tokens, contextTokens: tokens / 8, workspace: ws)
            _ = JointAttention.Scratch(att, batch: 4, latentTokens: tokens, contextTokens: tokens / 8, workspace: ws)
            return ws.capacity + att.tiling.scratchCount(tokens: tokens + tokens / 8, headDim: 64) * 2
        }
        let ratio = Double(floats(2592)) / Double(floats(648))
        #expect(ratio <= 4.5, "memory ratio \(ratio) for 4× the tokens")
    }
}

/// One forward and backward pass of `att` on fresh buffers (parameter gradients zeroed first), on `threads` threads:
/// the outputs, the rows' log-sum-exps, the input gradients and the parameter gradients.
private func forwardAndBackward(_ att: JointAttention, _ store: ParameterStore, latent lq: Tensor, context cq: Tensor,
                                latentDOut lw: Tensor, contextDOut cw: Tensor, rotary: RotaryTable? = nil,
                                keepsScores: Bool? = nil, threads: Int, clock: GEMMClock? = nil,
                                isa: KernelISA = .host) -> [[Float]] {
    let (b, th, tc, d) = (lq.shape[0], lq.shape[1], cq.shape[1], lw.shape[2])
    let ws = Workspace()
    let saved = JointAttention.Saved(att, batch: b, latentTokens: th, contextTokens: tc, workspace: ws, keepsScores: keepsScores)
    if let keep = keepsScores { #expect((saved.scores != nil) == keep) }
    let scratch = JointAttention.Scratch(att, batch: b, latentTokens: th, contextTokens: tc, workspace: ws)
    let lo = Tensor(zeros: [b, th, d]), co = Tensor(zeros: [b, tc, d])
    let ldq = Tensor(zeros: [b, th, 3 * d]), cdq = Tensor(zeros: [b, tc, 3 * d])
    var ctx = clock.map { ComputeContext(threads: threads).timingGEMMs(with: $0) } ?? ComputeContext(threads: threads)
    ctx.kernelISA = isa
    store.zeroGradients()
    att.forward(latentQKV: lq, contextQKV: cq, rotary: rotary, saved: saved, latentOut: lo, contextOut: co,
                parameters: store, context: ctx)
    att.backward(latentDOut: lw, contextDOut: cw, latentQKV: lq, contextQKV: cq, rotary: rotary, saved: saved,
                 scratch: scratch, latentDQKV: ldq, contextDQKV: cdq, parameters: store, context: ctx)
    return [lo.toArray(), co.toArray(), saved.logSumExp.toArray(), ldq.toArray(), cdq.toArray(), store.gradients.toArray()]
}

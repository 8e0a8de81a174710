import CPackedGEMM

/// Multi-head softmax attention over two token streams at once (MM-DiT joint attention), with
/// optional QK-RMSNorm (per stream, over the head width) and rotary embedding on Q and K.
///
/// Each stream brings its own packed projections `qkv` `[B, T_s, 3D]` (q, k, v, each `H` heads of
/// `Dh`); the streams' tokens are concatenated (latent first, then context: `Tj = Th + Tc`), one
/// softmax attention runs over all `Tj` tokens, and the result is split back per stream
/// (`[B, T_s, D]`, heads concatenated). The context stream is optional (`Tc = 0` gives plain
/// self-attention). Work is split over `B·H` items, each running GEMMs on one BLAS thread.
///
/// The softmax attention itself is memory-efficient (``TiledAttention``): the forward pass keeps
/// only the output and the row log-sum-exp, the backward pass recomputes the score tiles, and no
/// `Tj × Tj` matrix is stored, so attention memory grows linearly with the tokens. Only for few
/// tokens (``AttentionTiling/keepsScores(tokens:heads:width:)``) the forward pass keeps the scores,
/// so that backward need not recompute them (the same bytes either way).
public struct JointAttention: Sendable {
    /// Model width `D = H · Dh`.
    public let width: Int
    /// Heads `H`.
    public let heads: Int
    /// Head width `Dh`.
    public var headDim: Int { width / heads }
    /// RMSNorm epsilon for QK-norm.
    public let epsilon: Float
    /// QK-norm weights `[Dh]` of the latent stream's queries and keys (nil without QK-norm).
    public let latentQueryNorm: ParameterSlot?, latentKeyNorm: ParameterSlot?
    /// QK-norm weights `[Dh]` of the context stream's queries and keys (nil without QK-norm or context).
    public let contextQueryNorm: ParameterSlot?, contextKeyNorm: ParameterSlot?
    /// Score tiles of the memory-efficient attention (a fixed function of the shapes).
    public let tiling: AttentionTiling

    /// Registers the QK-norm weights (`name.{latent,context}.{q,k}_norm.weight`) when `qkNorm` is set.
    /// - Parameter tiling: score tiles (default ``AttentionTiling/standard``; tests use small tiles).
    public init(_ name: String, width: Int, heads: Int, hasContext: Bool, qkNorm: Bool, epsilon: Float = 1e-6,
                tiling: AttentionTiling = .standard, layout: inout ParameterLayout) throws(TensorError) {
        guard heads > 0, width % heads == 0, (width / heads) % 2 == 0 else {
            throw TensorError(.invalidConfiguration, "width \(width) must split into \(heads) heads of even width")
        }
        self.width = width
        self.heads = heads
        self.epsilon = epsilon
        self.tiling = tiling
        let dh = width / heads
        func norm(_ n: String) -> ParameterSlot {
            layout.add("\(name).\(n).weight", shape: [dh], initializer: .constant(1), weightDecay: false)
        }
        latentQueryNorm = qkNorm ? norm("latent.q_norm") : nil
        latentKeyNorm = qkNorm ? norm("latent.k_norm") : nil
        contextQueryNorm = qkNorm && hasContext ? norm("context.q_norm") : nil
        contextKeyNorm = qkNorm && hasContext ? norm("context.k_norm") : nil
    }

    /// What the forward pass keeps for backward, for one batch shape.
    public struct Saved: Sendable {
        /// Batch `B`, latent tokens `Th`, context tokens `Tc`.
        public let batch: Int, latentTokens: Int, contextTokens: Int
        /// Queries, keys, values after QK-norm and rotary embedding, `[B, H, Tj, Dh]`.
        public let q: Tensor, k: Tensor, v: Tensor
        /// 1/rms of each query and key row, `[B, H, Tj]`.
        public let qRstd: Tensor, kRstd: Tensor
        /// Attention output per head, `[B, H, Tj, Dh]`.
        public let output: Tensor
        /// Log-sum-exp of each row of scaled scores, `[B, H, Tj]` (all backward needs to rebuild the probabilities).
        public let logSumExp: Tensor
        /// Nothing is kept (every tensor above is empty): ``forward`` works on one (sample, head) at a time in its own
        /// scratch, so a pass that is never differentiated (sampling) does not hold `[B, H, Tj, 4·Dh + 3]` floats.
        public let forwardOnly: Bool
        /// The scaled scores `s·QKᵀ` of each item, `[B, H, Tj, Tj]`, when the tiling keeps them for these
        /// shapes (``AttentionTiling/keepsScores(tokens:heads:width:)``; few tokens), else nil (always nil with
        /// `forwardOnly`).
        public let scores: Tensor?

        /// Allocates the saved tensors from `workspace` (none with `forwardOnly`; then ``backward`` cannot use them).
        /// - Parameter keepsScores: keep the scores (nil: as the tiling decides for these shapes); keeping
        ///   them needs all keys in one tile. Either way gives the same bytes (tests compare the two).
        public init(_ a: JointAttention, batch: Int, latentTokens: Int, contextTokens: Int, workspace: Workspace,
                    forwardOnly: Bool = false, keepsScores: Bool? = nil) {
            self.batch = batch
            self.latentTokens = latentTokens
            self.contextTokens = contextTokens
            self.forwardOnly = forwardOnly
            let tj = forwardOnly ? 0 : latentTokens + contextTokens
            q = workspace.allocate([batch, a.heads, tj, a.headDim])
            k = workspace.allocate([batch, a.heads, tj, a.headDim])
            v = workspace.allocate([batch, a.heads, tj, a.headDim])
            qRstd = workspace.allocate([batch, a.heads, tj])
            kRstd = workspace.allocate([batch, a.heads, tj])
            output = workspace.allocate([batch, a.heads, tj, a.headDim])
            logSumExp = workspace.allocate([batch, a.heads, tj])
            let keep = !forwardOnly && (keepsScores ?? a.tiling.keepsScores(tokens: tj, heads: a.heads, width: a.width))
            precondition(!keep || a.tiling.keyTiles(tj) == 1, "attention keeps scores only when all \(tj) keys fit one tile")
            scores = keep ? workspace.allocate([batch, a.heads, tj, tj]) : nil
        }
    }

    /// Backward scratch (shareable by all blocks of one batch shape).
    public struct Scratch: Sendable {
        /// Output gradient per head, `[B, H, Tj, Dh]`, and `Δ = rowsum(dO ⊙ O)`, `[B, H, Tj]`.
        public let dOut: Tensor, delta: Tensor
        /// Gradients of q, k, v after norm/rotary, `[B, H, Tj, Dh]`.
        public let dq: Tensor, dk: Tensor, dv: Tensor
        /// Per-item partial QK-norm weight gradients `[B·H, 4, Dh]` (summed in item order).
        public let normPartials: Tensor

        /// Allocates the scratch from `workspace`.
        public init(_ a: JointAttention, batch: Int, latentTokens: Int, contextTokens: Int, workspace: Workspace) {
            let tj = latentTokens + contextTokens
            dOut = workspace.allocate([batch, a.heads, tj, a.headDim])
            delta = workspace.allocate([batch, a.heads, tj])
            dq = workspace.allocate([batch, a.heads, tj, a.headDim])
            dk = workspace.allocate([batch, a.heads, tj, a.headDim])
            dv = workspace.allocate([batch, a.heads, tj, a.headDim])
            normPartials = workspace.allocate([batch * a.heads, 4, a.headDim])
        }
    }

    /// Joint attention forward.
    /// - Parameters:
    ///   - latentQKV: `[B, Th, 3D]`; `contextQKV`: `[B, Tc, 3D]` or nil.
    ///   - rotary: table over the joint tokens (`Tj`), or nil for no rotary embedding.
    ///   - latentOut: `[B, Th, D]`; `contextOut`: `[B, Tc, D]` or nil (overwritten).
    public func forward(latentQKV: Tensor, contextQKV: Tensor?, rotary: RotaryTable?, saved: Saved,
                        latentOut: Tensor, contextOut: Tensor?, parameters: ParameterStore, context: ComputeContext) {
        let d = width, dh = headDim, h = heads, bsz = saved.batch
        let th = saved.latentTokens, tc = saved.contextTokens, tj = th + tc
        precondition(latentQKV.count == bsz * th * 3 * d && latentOut.count == bsz * th * d,
                     "joint attention: latent qkv \(latentQKV.shape) / out \(latentOut.shape) vs B \(bsz), Th \(th), D \(d)")
        precondition(tc == 0 || (contextQKV?.count == bsz * tc * 3 * d && contextOut?.count == bsz * tc * d),
                     "joint attention: context tensors do not match B \(bsz), Tc \(tc), D \(d)")
        if let rotary {
            precondition(rotary.tokens == tj && rotary.pairs == dh / 2 && (rotary.batch == 1 || rotary.batch == bsz),
                         "rotary table \(rotary.cos.shape) does not match B \(bsz), Tj \(tj), Dh \(dh)")
        }
        let lq = latentQKV.data, cq = contextQKV?.data ?? latentQKV.data
        let lo = latentOut.data, co = contextOut?.data ?? latentOut.data
        let forwardOnly = saved.forwardOnly
        precondition(forwardOnly || saved.q.count == bsz * h * tj * dh, "joint attention: saved tensors are for another shape")
        let pq = saved.q.data, pk = saved.k.data, pv = saved.v.data
        let pqr = saved.qRstd.data, pkr = saved.kRstd.data, po = saved.output.data, plse = saved.logSumExp.data
        let normW = normPointers(parameters, gradients: false)
        let eps = epsilon, scale = 1 / Float(dh).squareRoot()
        let rope = rotary, tiles = tiling, kept = saved.scores?.data, clock = context.gemmClock, isa = context.kernelISA
        // Forward-only: one (sample, head)'s q, k, v, output and 1/rms in the thread's scratch, behind the tiles' (each
        // part 64-byte aligned like a workspace tensor's), instead of the whole batch's in `saved`; no log-sum-exp.
        // A pass that backward follows takes backward's scratch size, so that each worker's allocation can reuse the
        // block the other pass freed.
        let tileCount = forwardOnly ? tiles.forwardScratchCount(tokens: tj, headDim: dh) : tiles.scratchCount(tokens: tj, headDim: dh)
        let tileFloats = (tileCount + 15) & ~15
        let headFloats = (tj * dh + 15) & ~15, rowFloats = (tj + 15) & ~15
        let scratchFloats = tileFloats + (forwardOnly ? 4 * headFloats + 2 * rowFloats : 0)
        context.setSingleThreadedBLAS()
        context.parallelFor(bsz * h) { items in
            let raw = UnsafeMutableRawPointer.allocate(byteCount: scratchFloats * MemoryLayout<Float>.stride, alignment: 64)
            defer { raw.deallocate() }
            let work = raw.bindMemory(to: Float.self, capacity: scratchFloats)
            let own = work + tileFloats
            for item in items {
                let b = item / h, head = item % h
                let qb = forwardOnly ? own : pq + item * tj * dh
                let kb = forwardOnly ? own + headFloats : pk + item * tj * dh
                let vb = forwardOnly ? own + 2 * headFloats : pv + item * tj * dh
                let qrb = forwardOnly ? own + 4 * headFloats : pqr + item * tj
                let krb = forwardOnly ? qrb + rowFloats : pkr + item * tj
                // The next item's rows are asked for now, so they arrive while this item's attention runs: each item reads
                // one head's slice (2 cache lines) of each of q, k and v in every token's [3D] row, lines that the qkv
                // product has left in the last-level cache and the hardware prefetchers do not foresee.
                if item + 1 < items.upperBound {
                    let nb = (item + 1) / h, nhead = (item + 1) % h
                    for part in 0..<3 {
                        spf_prefetch_rows(lq + nb * th * 3 * d + part * d + nhead * dh, Int32(th), 3 * d, Int32(dh))
                        if tc > 0 { spf_prefetch_rows(cq + nb * tc * 3 * d + part * d + nhead * dh, Int32(tc), 3 * d, Int32(dh)) }
                    }
                }
                // Gather the head's q, k, v rows first, then normalise and rotate them where they are: the gather's
                // loads (one row of each stream's [T, 3D] qkv per token, mostly cache misses) are independent, so the
                // core keeps many in flight; normalising on the way made each token wait for its own row (over half
                // of this function's time). The same arithmetic on the same values: the same bytes.
                for t in 0..<tj {
                    let src = t < th ? lq + (b * th + t) * 3 * d : cq + (b * tc + t - th) * 3 * d
                    Self.copyRow(src + head * dh, to: qb + t * dh, count: dh)
                    Self.copyRow(src + d + head * dh, to: kb + t * dh, count: dh)
                    Self.copyRow(src + 2 * d + head * dh, to: vb + t * dh, count: dh)
                }
                for t in 0..<tj {
                    let isLatent = t < th
                    let qd = qb + t * dh, kd = kb + t * dh
                    if let w = isLatent ? normW.0 : normW.2, let wk = isLatent ? normW.1 : normW.3 {
                        qrb[t] = RMSNorm.normalizeRowInPlace(qd, weight: w, count: dh, epsilon: eps)
                        krb[t] = RMSNorm.normalizeRowInPlace(kd, weight: wk, count: dh, epsilon: eps)
                    }
                    if let rope {
                        let off = rope.rowOffset(sample: b, token: t)
                        RotaryTable.rotate(qd, cos: rope.cos.data + off, sin: rope.sin.data + off, pairs: dh / 2, inverse: false)
                        RotaryTable.rotate(kd, cos: rope.cos.data + off, sin: rope.sin.data + off, pairs: dh / 2, inverse: false)
                    }
                }
                let ob = forwardOnly ? own + 3 * headFloats : po + item * tj * dh
                let lse = forwardOnly ? nil : plse + item * tj
                TiledAttention.forward(q: qb, k: kb, v: vb, tokens: tj, headDim: dh, scale: scale, tiling: tiles,
                                       output: ob, logSumExp: lse, keptScores: kept.map { $0 + item * tj * tj },
                                       scratch: work, isa: isa, clock: clock)
                for t in 0..<tj {
                    let dst = t < th ? lo + (b * th + t) * d + head * dh : co + (b * tc + t - th) * d + head * dh
                    Self.copyRow(ob + t * dh, to: dst, count: dh)
                }
            }
        }
    }

    /// Joint attention backward: overwrites `latentDQKV` / `contextDQKV` (`[B, T_s, 3D]`) and
    /// accumulates the QK-norm weight gradients.
    /// - Parameters:
    ///   - latentDOut: `[B, Th, D]`; `contextDOut`: `[B, Tc, D]` or nil.
    ///   - latentQKV, contextQKV: the forward inputs.
    public func backward(latentDOut: Tensor, contextDOut: Tensor?, latentQKV: Tensor, contextQKV: Tensor?,
                         rotary: RotaryTable?, saved: Saved, scratch: Scratch,
                         latentDQKV: Tensor, contextDQKV: Tensor?, parameters: ParameterStore, context: ComputeContext) {
        let d = width, dh = headDim, h = heads, bsz = saved.batch
        let th = saved.latentTokens, tc = saved.contextTokens, tj = th + tc
        precondition(latentDOut.count == bsz * th * d && latentDQKV.count == bsz * th * 3 * d,
                     "joint attention backward: latent gradients \(latentDOut.shape), \(latentDQKV.shape)")
        precondition(tc == 0 || (contextDOut?.count == bsz * tc * d && contextDQKV?.count == bsz * tc * 3 * d),
                     "joint attention backward: context gradients do not match")
        precondition(!saved.forwardOnly, "joint attention backward: the saved state was allocated forward-only (it keeps nothing)")
        precondition(scratch.dOut.count == saved.output.count, "attention scratch is for another shape")
        let lq = latentQKV.data, cq = contextQKV?.data ?? latentQKV.data
        let ldo = latentDOut.data, cdo = contextDOut?.data ?? latentDOut.data
        let ldq = latentDQKV.data, cdq = contextDQKV?.data ?? latentDQKV.data
        let pq = saved.q.data, pk = saved.k.data, pv = saved.v.data
        let pqr = saved.qRstd.data, pkr = saved.kRstd.data, po = saved.output.data, plse = saved.logSumExp.data
        let pdo = scratch.dOut.data, pdelta = scratch.delta.data
        let pdq = scratch.dq.data, pdk = scratch.dk.data, pdv = scratch.dv.data
        let partials = scratch.normPartials.data
        let normW = normPointers(parameters, gradients: false)
        let hasNorm = latentQueryNorm != nil
        let scale = 1 / Float(dh).squareRoot()
        let rope = rotary, tiles = tiling, kept = saved.scores?.data, clock = context.gemmClock, isa = context.kernelISA
        if hasNorm { scratch.normPartials.zero() }
        context.setSingleThreadedBLAS()
        context.parallelFor(bsz * h) { items in
            let work = UnsafeMutablePointer<Float>.allocate(capacity: tiles.scratchCount(tokens: tj, headDim: dh))
            defer { work.deallocate() }
            for item in items {
                let b = item / h, head = item % h
                let qb = pq + item * tj * dh, kb = pk + item * tj * dh, vb = pv + item * tj * dh
                let ob = po + item * tj * dh, dob = pdo + item * tj * dh, db = pdelta + item * tj
                let dqb = pdq + item * tj * dh, dkb = pdk + item * tj * dh, dvb = pdv + item * tj * dh
                // This head's output gradient, gathered from the two streams, and Δ = rowsum(dO ⊙ O).
                for t in 0..<tj {
                    let src = t < th ? ldo + (b * th + t) * d + head * dh : cdo + (b * tc + t - th) * d + head * dh
                    let dst = dob + t * dh, o = ob + t * dh
                    Self.copyRow(src, to: dst, count: dh)
                    var s: Float = 0
                    for j in 0..<dh { s += dst[j] * o[j] }
                    db[t] = s
                }
                TiledAttention.backward(q: qb, k: kb, v: vb, logSumExp: plse + item * tj, outputGradient: dob, delta: db,
                                        tokens: tj, headDim: dh, scale: scale, tiling: tiles,
                                        keptScores: kept.map { UnsafePointer($0 + item * tj * tj) }, dQ: dqb, dK: dkb, dV: dvb,
                                        scratch: work, isa: isa, clock: clock)
                for t in 0..<tj {
                    let isLatent = t < th
                    let src = isLatent ? lq + (b * th + t) * 3 * d : cq + (b * tc + t - th) * 3 * d
                    let dst = isLatent ? ldq + (b * th + t) * 3 * d : cdq + (b * tc + t - th) * 3 * d
                    let dqr = dqb + t * dh, dkr = dkb + t * dh
                    if let rope {
                        let off = rope.rowOffset(sample: b, token: t)
                        RotaryTable.rotate(dqr, cos: rope.cos.data + off, sin: rope.sin.data + off, pairs: dh / 2, inverse: true)
                        RotaryTable.rotate(dkr, cos: rope.cos.data + off, sin: rope.sin.data + off, pairs: dh / 2, inverse: true)
                    }
                    if hasNorm, let w = isLatent ? normW.0 : normW.2, let wk = isLatent ? normW.1 : normW.3 {
                        let qs = src + head * dh, ks = src + d + head * dh
                        let qrs = pqr[item * tj + t], krs = pkr[item * tj + t]
                        let slot = isLatent ? 0 : 2
                        let pw = partials + (item * 4 + slot) * dh, pwk = pw + dh
                        for j in 0..<dh {
                            pw[j] += dqr[j] * qs[j] * qrs
                            pwk[j] += dkr[j] * ks[j] * krs
                        }
                        RMSNorm.backwardRow(dqr, input: qs, rstd: qrs, weight: w, inputGradient: dst + head * dh,
                                            accumulate: false, count: dh)
                        RMSNorm.backwardRow(dkr, input: ks, rstd: krs, weight: wk, inputGradient: dst + d + head * dh,
                                            accumulate: false, count: dh)
                    } else {
                        Self.copyRow(dqr, to: dst + head * dh, count: dh)
                        Self.copyRow(dkr, to: dst + d + head * dh, count: dh)
                    }
                    Self.copyRow(dvb + t * dh, to: dst + 2 * d + head * dh, count: dh)
                }
            }
        }
        if hasNorm {
            let grads = normPointers(parameters, gradients: true)
            for item in 0..<(bsz * h) {
                for slot in 0..<4 {
                    let target = slot == 0 ? grads.0 : slot == 1 ? grads.1 : slot == 2 ? grads.2 : grads.3
                    guard let target else { continue }
                    let src = partials + (item * 4 + slot) * dh
                    for j in 0..<dh { target[j] += src[j] }
                }
            }
        }
    }

    /// Copies one head row of `n` floats: inline SIMD8 moves instead of a `memmove` call per row (the gathers
    /// and scatters between the streams' `[T, 3D]` / `[T, D]` rows and a head's `[T, Dh]` rows copy 32 floats at
    /// a time, where the call's overhead was most of the cost).
    @inline(__always)
    static func copyRow(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count n: Int) {
        var j = 0
        while j + 8 <= n { SIMDMath.store(SIMDMath.load(src + j), dst + j); j += 8 }
        while j < n { dst[j] = src[j]; j += 1 }
    }

    /// Pointers to the four QK-norm weights (or their gradients); nil where absent.
    private func normPointers(_ p: ParameterStore, gradients: Bool)
        -> (UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?) {
        func ptr(_ s: ParameterSlot?) -> UnsafeMutablePointer<Float>? {
            guard let s else { return nil }
            return gradients ? p.gradientPointer(s) : p.valuePointer(s)
        }
        return (ptr(latentQueryNorm), ptr(latentKeyNorm), ptr(contextQueryNorm), ptr(contextKeyNorm))
    }
}

/// LayerNorm followed by adaLN modulation (optionally preceded by a gated residual), fused: what an
/// MM-DiT stream runs before its qkv projection and before its MLP, in one pass over the rows
/// instead of two or three.
///
/// Forward, per row `r` of sample `b`:
/// ```
/// s = x + gate·branch          (only with a branch; stored in `residual`)
/// normed = LN(s), rstd         (LayerNorm without affine)
/// modulated = normed·(1 + scale) + shift
/// ```
/// Backward, given `g = ∂L/∂modulated`: the modulation gradients, the LayerNorm input gradient
/// (added into `inputGradient`) and, with a branch, the gated residual's branch and gate gradients.
///
/// Each step is the very row function the separate kernels run (``LayerNorm``, ``AdaLN``), in the
/// same order per element, so the fused passes give the same bytes as the separate ones. The
/// backward pass reduces over the tokens of each sample in token order: its items are whole samples.
public enum ModulatedLayerNorm {
    /// Forward pass.
    /// - Parameters:
    ///   - x: `[B, T, D]`, the stream.
    ///   - branch: `[B, T, D]` branch output added to `x` through chunk `gate` first (nil: none);
    ///     `residual` `[B, T, D]` receives `x + gate·branch` (required with a branch).
    ///   - normed: `[B, T, D]` LayerNorm output, or nil in passes that are never differentiated (its values are then
    ///     not stored: each row is normalised and modulated in one pass, with the same bits); `rstd`: `[B·T]`.
    ///   - shift, scale: chunk indices in `modulation`.
    ///   - modulated: `[B, T, D]` output.
    public static func forward(_ x: Tensor, branch: Tensor?, gate: Int, residual: Tensor?, norm: LayerNorm,
                               normed: Tensor?, rstd: Tensor, modulation m: Modulation, shift: Int, scale: Int,
                               modulated: Tensor, context: ComputeContext) {
        let d = m.width, batch = m.batch, tokens = x.count / (batch * d), eps = norm.epsilon
        precondition(norm.features == d && x.count == batch * tokens * d && (normed?.count ?? x.count) == x.count
                     && modulated.count == x.count && rstd.count == batch * tokens,
                     "modulated LayerNorm: x \(x.shape), normed \(normed?.shape ?? []), modulated \(modulated.shape), rstd \(rstd.shape), D \(d)")
        precondition((branch == nil) == (residual == nil) && (branch?.count ?? x.count) == x.count
                     && (residual?.count ?? x.count) == x.count,
                     "modulated LayerNorm: branch and residual go together and match x \(x.shape)")
        let px = x.data, pb = branch?.data, pres = residual?.data
        let pn = normed?.data, pr = rstd.data, po = modulated.data
        // Rows two at a time: their statistics' dependent sums run side by side (``LayerNorm/rowStatistics(_:_:count:epsilon:)``,
        // each row's bits as alone); a range's last odd row goes alone.
        context.parallelFor(batch * tokens, minimumItemsPerThread: 32) { rows in
            /// Row `row`'s LayerNorm input: `x`, or `x + gate·branch` written to `residual` first.
            @inline(__always) func source(_ row: Int) -> UnsafePointer<Float> {
                let off = row * d
                guard let pb, let pres else { return UnsafePointer(px + off) }
                AdaLN.gatedResidualRow(px + off, pb + off, gate: m.pointer(sample: row / tokens, chunk: gate), into: pres + off, count: d)
                return UnsafePointer(pres + off)
            }
            /// Row `row`'s outputs from its statistics.
            @inline(__always) func finish(_ row: Int, _ x: UnsafePointer<Float>, _ stats: (mean: Float, rstd: Float)) {
                let b = row / tokens, off = row * d
                let sh = m.pointer(sample: b, chunk: shift), sc = m.pointer(sample: b, chunk: scale)
                pr[row] = stats.rstd
                if let pn {
                    LayerNorm.normalizeRow(x, mean: stats.mean, rstd: stats.rstd, into: pn + off, count: d)
                    AdaLN.modulateRow(pn + off, shift: sh, scale: sc, into: po + off, count: d)
                } else {
                    AdaLN.normalizeModulateRow(x, mean: stats.mean, rstd: stats.rstd, shift: sh, scale: sc, into: po + off, count: d)
                }
            }
            var r = rows.lowerBound
            while r + 1 < rows.upperBound {
                let x0 = source(r), x1 = source(r + 1)
                let stats = LayerNorm.rowStatistics(x0, x1, count: d, epsilon: eps)
                finish(r, x0, stats.first)
                finish(r + 1, x1, stats.second)
                r += 2
            }
            if r < rows.upperBound {
                let x0 = source(r)
                finish(r, x0, LayerNorm.rowStatistics(x0, count: d, epsilon: eps))
            }
        }
    }

    /// Backward pass.
    /// - Parameters:
    ///   - g: `[B, T, D]`, the gradient of `modulated`; overwritten by the gradient of `normed` (scratch).
    ///   - normed, rstd: from the forward pass.
    ///   - gradient: modulation gradients (the shift and scale chunks accumulate).
    ///   - inputGradient: `[B, T, D]`; the gradient of the LayerNorm input is added into it.
    ///   - branch: the forward pass's branch (nil: none); then `branchGradient` `[B, T, D]` receives
    ///     `gate · inputGradient` (after the addition) and the gate chunk accumulates
    ///     `Σ_t inputGradient · branch`.
    public static func backward(_ g: Tensor, normed: Tensor, rstd: Tensor, norm: LayerNorm, modulation m: Modulation,
                                gradient gm: Modulation, shift: Int, scale: Int, inputGradient dx: Tensor,
                                branch: Tensor?, gate: Int, branchGradient: Tensor?, context: ComputeContext) {
        let d = m.width, batch = m.batch, tokens = g.count / (batch * d)
        precondition(norm.features == d && g.count == batch * tokens * d && normed.count == g.count && dx.count == g.count
                     && rstd.count == batch * tokens && gm.values.count == m.values.count,
                     "modulated LayerNorm backward: g \(g.shape), normed \(normed.shape), input gradient \(dx.shape), D \(d)")
        precondition((branch == nil) == (branchGradient == nil) && (branch?.count ?? g.count) == g.count
                     && (branchGradient?.count ?? g.count) == g.count,
                     "modulated LayerNorm backward: branch and branch gradient go together and match g \(g.shape)")
        let pg = g.data, pn = normed.data, pr = rstd.data, pdx = dx.data
        let pb = branch?.data, pdb = branchGradient?.data
        context.parallelFor(batch) { samples in
            for b in samples {
                let sc = m.pointer(sample: b, chunk: scale)
                let dsh = gm.pointer(sample: b, chunk: shift), dsc = gm.pointer(sample: b, chunk: scale)
                let gt = m.pointer(sample: b, chunk: gate), dgt = gm.pointer(sample: b, chunk: gate)
                for t in 0..<tokens {
                    let r = b * tokens + t, off = r * d
                    AdaLN.modulateBackwardRow(pg + off, input: pn + off, scale: sc, shiftGradient: dsh, scaleGradient: dsc,
                                              inputGradient: pg + off, count: d)
                    LayerNorm.backwardRow(pg + off, output: pn + off, rstd: pr[r], inputGradient: pdx + off, accumulate: true,
                                          count: d)
                    if let pb, let pdb {
                        AdaLN.gatedResidualBackwardRow(pdx + off, branch: pb + off, gate: gt, gateGradient: dgt,
                                                       branchGradient: pdb + off, count: d)
                    }
                }
            }
        }
    }
}

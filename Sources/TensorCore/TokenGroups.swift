/// Per-group vectors and token groups: broadcasting one vector over each group of tokens, and
/// averaging each group back into one vector. The two are adjoint (up to the 1/T factor), so each
/// one's backward is the other.
///
/// Shapes: tokens `[G, T, D]` (G groups of T tokens, e.g. samples or frames), vectors `[G, D]`.
public enum TokenGroups {
    /// `x[g, t, :] += v[g, :]` (per-sample conditioning added to every token of the sample).
    public static func broadcastAdd(_ v: Tensor, into x: Tensor, context: ComputeContext) {
        let (groups, tokens, d) = geometry(vectors: v, tokens: x)
        let pv = v.data, px = x.data
        context.parallelFor(groups * tokens, minimumItemsPerThread: 64) { rows in
            for r in rows {
                let src = pv + (r / tokens) * d, dst = px + r * d
                for j in 0..<d { dst[j] += src[j] }
            }
        }
    }

    /// Backward of ``broadcastAdd(_:into:context:)`` for the vectors: `dv[g, :] += Σ_t dx[g, t, :]`
    /// (tokens summed in order; the token gradient itself passes through unchanged).
    public static func broadcastAddBackward(_ dx: Tensor, vectorGradient dv: Tensor, context: ComputeContext) {
        let (groups, tokens, d) = geometry(vectors: dv, tokens: dx)
        let px = dx.data, pv = dv.data
        context.parallelFor(groups) { range in
            for g in range {
                let dst = pv + g * d
                for t in 0..<tokens {
                    let src = px + (g * tokens + t) * d
                    for j in 0..<d { dst[j] += src[j] }
                }
            }
        }
    }

    /// `v[g, :] = mean_t x[g, t, :]` (tokens summed in order, then scaled).
    public static func mean(_ x: Tensor, into v: Tensor, context: ComputeContext) {
        let (groups, tokens, d) = geometry(vectors: v, tokens: x)
        let px = x.data, pv = v.data, inv = 1 / Float(tokens)
        context.parallelFor(groups) { range in
            for g in range {
                let dst = pv + g * d
                for j in 0..<d { dst[j] = 0 }
                for t in 0..<tokens {
                    let src = px + (g * tokens + t) * d
                    for j in 0..<d { dst[j] += src[j] }
                }
                for j in 0..<d { dst[j] *= inv }
            }
        }
    }

    /// Backward of ``mean(_:into:context:)``: `dx[g, t, :] += dv[g, :] / T`.
    public static func meanBackward(_ dv: Tensor, tokenGradient dx: Tensor, context: ComputeContext) {
        let (groups, tokens, d) = geometry(vectors: dv, tokens: dx)
        let pv = dv.data, px = dx.data, inv = 1 / Float(tokens)
        context.parallelFor(groups * tokens, minimumItemsPerThread: 64) { rows in
            for r in rows {
                let src = pv + (r / tokens) * d, dst = px + r * d
                for j in 0..<d { dst[j] += src[j] * inv }
            }
        }
    }

    /// `x[g, t, :] *= factors[g]` (per-group constant scaling; its own backward on gradients).
    public static func scale(_ x: Tensor, by factors: [Float], context: ComputeContext) {
        let groups = factors.count
        precondition(groups > 0 && x.count % groups == 0, "TokenGroups.scale: \(groups) factors for \(x.shape)")
        let per = x.count / groups, px = x.data
        factors.withUnsafeBufferPointer { f in
            guard let pf = f.baseAddress else { return }
            context.parallelFor(groups) { range in
                for g in range {
                    let s = pf[g], row = px + g * per
                    for j in 0..<per { row[j] *= s }
                }
            }
        }
    }

    /// `(G, T, D)` of a matching vectors/tokens pair (`vectors` `[G, D]`, `tokens` `[G, T, D]` or `[G·T, D]`).
    private static func geometry(vectors v: Tensor, tokens x: Tensor) -> (Int, Int, Int) {
        guard let d = v.shape.last, d > 0, v.count % d == 0 else { preconditionFailure("TokenGroups: vectors \(v.shape)") }
        let groups = v.count / d
        precondition(groups > 0 && x.count % (groups * d) == 0,
                     "TokenGroups: tokens \(x.shape) are not \(groups) groups of width \(d)")
        return (groups, x.count / (groups * d), d)
    }
}

import Foundation

/// Rotary position embedding angles: `cos`/`sin` per token and channel pair (interleaved pairs
/// `(2i, 2i+1)` of a head are rotated by angle `pos · base^(−2i/Dh)`).
///
/// The table is `[Bt, T, Dh/2]` with `Bt` = 1 (positions shared by the batch) or `B` (per sample,
/// e.g. for packed stages). Pairs beyond `rotatedPairs` get angle 0 (identity), so a partial
/// rotary embedding is the same table with fewer rotated pairs.
public struct RotaryTable: Sendable {
    /// Cosines, `[Bt, T, Dh/2]`.
    public let cos: Tensor
    /// Sines, `[Bt, T, Dh/2]`.
    public let sin: Tensor
    /// `Bt`: 1 (shared) or the batch size.
    public var batch: Int { cos.shape[0] }
    /// Tokens `T` (for joint attention: latent tokens then context tokens).
    public var tokens: Int { cos.shape[1] }
    /// Pairs per head, `Dh/2`.
    public var pairs: Int { cos.shape[2] }

    /// An identity table (all angles 0) for `batch` × `tokens` × `headDim/2`.
    public init(batch: Int, tokens: Int, headDim: Int) {
        precondition(headDim % 2 == 0, "rotary embedding needs an even head width, got \(headDim)")
        cos = Tensor(zeros: [batch, tokens, headDim / 2])
        cos.fill(1)
        sin = Tensor(zeros: [batch, tokens, headDim / 2])
    }

    /// Sets the angles of sample `b` from one position per token.
    /// - Parameters:
    ///   - positions: `[T]` positions (e.g. frame times).
    ///   - base: frequency base (10000).
    ///   - rotatedPairs: how many leading pairs rotate (default all).
    public func setPositions(sample b: Int, _ positions: [Float], base: Double = 10_000, rotatedPairs: Int? = nil) {
        precondition(positions.count == tokens && b < batch, "rotary positions: \(positions.count) for \(tokens) tokens")
        let p = pairs, rotated = min(rotatedPairs ?? p, p)
        // The pairs' frequencies, once per table rather than once per token (the same values).
        let frequencies = (0..<p).map { Foundation.pow(base, -2 * Double($0) / Double(2 * p)) }
        for t in 0..<tokens {
            for i in 0..<p {
                let angle = i < rotated ? Double(positions[t]) * frequencies[i] : 0
                cos[flat: (b * tokens + t) * p + i] = Float(Foundation.cos(angle))
                sin[flat: (b * tokens + t) * p + i] = Float(Foundation.sin(angle))
            }
        }
    }

    /// Offset of the angles of (sample `b`, token `t`).
    @inline(__always) func rowOffset(sample b: Int, token t: Int) -> Int {
        ((batch == 1 ? 0 : b) * tokens + t) * pairs
    }

    /// Rotates one head row in place (`inverse` rotates by −angle: the backward pass).
    @inline(__always)
    static func rotate(_ x: UnsafeMutablePointer<Float>, cos c: UnsafePointer<Float>, sin s: UnsafePointer<Float>,
                       pairs: Int, inverse: Bool) {
        // Eight pairs at a time: the sixteen floats split into their even (x0) and odd (x1) lanes, rotated with the
        // scalar loop's products and sums in the same order (no fused multiply-add), and interleaved back: the same bits.
        var i = 0
        while i + 8 <= pairs {
            let v = UnsafeRawPointer(x + 2 * i).loadUnaligned(as: SIMD16<Float>.self)
            let x0 = v.evenHalf, x1 = v.oddHalf, ci = SIMDMath.load(c + i), sv = SIMDMath.load(s + i)
            let si = inverse ? -sv : sv
            var r = SIMD16<Float>()
            r.evenHalf = x0 * ci - x1 * si
            r.oddHalf = x0 * si + x1 * ci
            UnsafeMutableRawPointer(x + 2 * i).storeBytes(of: r, as: SIMD16<Float>.self)
            i += 8
        }
        while i < pairs {
            let x0 = x[2 * i], x1 = x[2 * i + 1], ci = c[i], si = inverse ? -s[i] : s[i]
            x[2 * i] = x0 * ci - x1 * si
            x[2 * i + 1] = x0 * si + x1 * ci
            i += 1
        }
    }

    /// Rotates `x` `[B, T, H, Dh]` in place; with `inverse` this is the backward pass (on gradients).
    public func apply(_ x: Tensor, inverse: Bool = false, context: ComputeContext) {
        let dh = 2 * pairs, t = tokens
        precondition(x.rank == 4 && x.shape[1] == t && x.shape[3] == dh && (batch == 1 || batch == x.shape[0]),
                     "rotary apply: x \(x.shape) is not [B, \(t), H, \(dh)] for table \(cos.shape)")
        let samples = x.shape[0], heads = x.shape[2]
        let px = x.data, pc = cos.data, ps = sin.data, p = pairs
        context.parallelFor(samples * t) { range in
            for bt in range {
                let b = bt / t, tok = bt % t, off = self.rowOffset(sample: b, token: tok)
                for h in 0..<heads {
                    RotaryTable.rotate(px + (bt * heads + h) * dh, cos: pc + off, sin: ps + off, pairs: p, inverse: inverse)
                }
            }
        }
    }
}

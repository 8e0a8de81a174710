import Foundation
import Testing
import TensorCore

@Suite struct JointAttentionTests {
    /// Gradient check of joint attention with QK-norm and RoPE (and, with `contextTokens` 0, plain self-attention).
    @Test(arguments: [(3, true, true), (0, true, false), (2, false, true)])
    func gradientsMatchFiniteDifferences(contextTokens tc: Int, qkNorm: Bool, rope: Bool) throws {
        let (b, th, d, h) = (2, 4, 8, 2)
        var layout = ParameterLayout()
        let att = try JointAttention("a", width: d, heads: h, hasContext: tc > 0, qkNorm: qkNorm, layout: &layout)
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
        // Rows of the attention probabilities sum to 1.
        let p = saved.probabilities
        let tj = th + tc
        for r in 0..<(b * h * tj) {
            let s = (0..<tj).reduce(0.0) { $0 + Double(p[flat: r * tj + $1]) }
            #expect(abs(s - 1) < 1e-5)
        }
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
}

import Testing
import TensorCore

/// Embedding lookup and the token-group broadcast/mean: forward against naive loops, backward
/// against finite differences.
@Suite struct EmbeddingTests {
    @Test func lookupGradientMatchesFiniteDifferences() {
        var layout = ParameterLayout()
        let emb = Embedding("e", count: 5, features: 6, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 1)
        let indices = [3, 0, 3, 4]
        let y = Tensor(zeros: [4, 6]), w = GradientCheck.random([4, 6], seed: 2)
        let base = GradientCheck.random([4, 6], seed: 3)
        func loss() -> Double {
            y.copy(from: base)
            emb.forward(indices, into: y, accumulate: true, parameters: store)
            return GradientCheck.dot(w, y)
        }
        _ = loss()
        let table = store.value(emb.table)
        for (n, i) in indices.enumerated() {
            for j in 0..<6 { #expect(y[flat: n * 6 + j] == base[flat: n * 6 + j] + table[flat: i * 6 + j]) }
        }
        store.zeroGradients()
        emb.backward(w, indices: indices, parameters: store)
        #expect(GradientCheck.worst(table, analytic: store.gradient(emb.table).toArray(), samples: 30, loss: loss) <= 1)
        // Row 1 and 2 are never looked up: no gradient.
        #expect((6..<18).allSatisfy { store.gradient(emb.table)[flat: $0] == 0 })
    }

    @Test func broadcastAndMeanGradientsMatchFiniteDifferences() {
        let ctx = ComputeContext(threads: 2)
        let (g, t, d) = (3, 5, 4)
        let v = GradientCheck.random([g, d], seed: 1), x0 = GradientCheck.random([g, t, d], seed: 2)
        let x = Tensor(zeros: [g, t, d]), pooled = Tensor(zeros: [g, d])
        let wx = GradientCheck.random([g, t, d], seed: 3), wp = GradientCheck.random([g, d], seed: 4)
        // L = Σ wx·(x0 + bcast v) + Σ wp·mean_t(x0 + bcast v) · factor[g]
        let factors: [Float] = [0.5, -1, 2]
        func loss() -> Double {
            x.copy(from: x0)
            TokenGroups.broadcastAdd(v, into: x, context: ctx)
            TokenGroups.mean(x, into: pooled, context: ctx)
            TokenGroups.scale(pooled, by: factors, context: ctx)
            return GradientCheck.dot(wx, x) + GradientCheck.dot(wp, pooled)
        }
        _ = loss()
        for gi in 0..<g {
            for j in 0..<d {
                var s: Float = 0
                for ti in 0..<t { s += x0[flat: (gi * t + ti) * d + j] + v[flat: gi * d + j] }
                #expect(abs(pooled[flat: gi * d + j] - factors[gi] * s / Float(t)) < 1e-5)
            }
        }
        // Backward: dpooled = wp·factor; dx = wx + meanBackward(dpooled); dv = Σ_t dx; dx0 = dx.
        let dp = wp.clone()
        TokenGroups.scale(dp, by: factors, context: ctx)
        let dx = wx.clone()
        TokenGroups.meanBackward(dp, tokenGradient: dx, context: ctx)
        let dv = Tensor(zeros: [g, d])
        TokenGroups.broadcastAddBackward(dx, vectorGradient: dv, context: ctx)
        #expect(GradientCheck.worst(v, analytic: dv.toArray(), loss: loss) <= 1)
        #expect(GradientCheck.worst(x0, analytic: dx.toArray(), samples: 60, loss: loss) <= 1)
    }

    @Test func emaWithExplicitDecay() {
        var layout = ParameterLayout()
        _ = layout.add("p", shape: [3], initializer: .constant(1))
        let store = ParameterStore(layout: layout, seed: 1)
        let ema = ExponentialMovingAverage(store, decay: 0.9)
        store.values.fill(3)
        ema.update(store, decay: 0.5, context: .serial)
        #expect(ema.shadow.toArray() == [2, 2, 2])
        ema.update(store, context: .serial)
        #expect(abs(ema.shadow[flat: 0] - 2.1) < 1e-6)
    }
}

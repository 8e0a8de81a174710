import Testing
import TensorCore

@Suite struct RMSNormTests {
    @Test func gradientsMatchFiniteDifferences() {
        var layout = ParameterLayout()
        let norm = RMSNorm("n", features: 10, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 1)
        GradientCheck.randomize(store, seed: 3, std: 1)
        let x = GradientCheck.random([7, 10], seed: 2), y = Tensor(zeros: [7, 10]), rstd = Tensor(zeros: [7])
        let w = GradientCheck.random([7, 10], seed: 4), dx = Tensor(zeros: [7, 10])
        let ctx = ComputeContext(threads: 2)
        func loss() -> Double {
            norm.forward(x, into: y, rstd: rstd, parameters: store, context: ctx)
            return GradientCheck.dot(w, y)
        }
        _ = loss()
        norm.backward(w, input: x, rstd: rstd, inputGradient: dx, parameters: store, context: ctx)
        #expect(GradientCheck.worst(x, analytic: dx.toArray(), samples: 70, loss: loss) <= 1)
        #expect(GradientCheck.worst(store.value(norm.weight), analytic: store.gradient(norm.weight).toArray(), loss: loss) <= 1)
    }

    @Test func rotaryIsAnIsometryAndItsInverseIsTheBackward() {
        let table = RotaryTable(batch: 2, tokens: 3, headDim: 8)
        table.setPositions(sample: 0, [0, 1, 2.5])
        table.setPositions(sample: 1, [4, -1, 7], rotatedPairs: 2)
        let x = GradientCheck.random([2, 3, 2, 8], seed: 1), w = GradientCheck.random([2, 3, 2, 8], seed: 2)
        let y = x.clone()
        table.apply(y, context: ComputeContext(threads: 2))
        // Norm of each pair preserved; untouched pairs beyond rotatedPairs in sample 1.
        for i in stride(from: 0, to: x.count, by: 2) {
            let a = x[flat: i] * x[flat: i] + x[flat: i + 1] * x[flat: i + 1]
            let b = y[flat: i] * y[flat: i] + y[flat: i + 1] * y[flat: i + 1]
            #expect(abs(a - b) < 1e-5 * (1 + a))
        }
        #expect(y[flat: 48 + 6] == x[flat: 48 + 6])
        // Token 0 of sample 0 has position 0: unchanged.
        #expect(Array(y.toArray()[0..<16]) == Array(x.toArray()[0..<16]))
        // Backward (inverse rotation of dy) matches finite differences of Σ w·rot(x).
        let dx = w.clone()
        table.apply(dx, inverse: true, context: .serial)
        func loss() -> Double { let t = x.clone(); table.apply(t, context: .serial); return GradientCheck.dot(w, t) }
        #expect(GradientCheck.worst(x, analytic: dx.toArray(), samples: 40, loss: loss) <= 1)
    }
    /// The rotation runs eight pairs per vector step (even and odd lanes split, then interleaved back); it must give the
    /// scalar definition's bits, forward and inverse, for head widths with and without a tail of pairs past the vectors.
    @Test(arguments: [32, 22, 6])
    func rotaryVectorStepsGiveTheScalarDefinitionsBits(headDim: Int) {
        let tokens = 5, heads = 2, pairs = headDim / 2
        let table = RotaryTable(batch: 1, tokens: tokens, headDim: headDim)
        table.setPositions(sample: 0, [0.5, 3, 18, 66, 114.5])
        let x = GradientCheck.random([2, tokens, heads, headDim], seed: 7)
        for inverse in [false, true] {
            let y = x.clone()
            table.apply(y, inverse: inverse, context: ComputeContext(threads: 2))
            var expected = x.toArray()
            for b in 0..<2 {
                for t in 0..<tokens {
                    for h in 0..<heads {
                        let row = ((b * tokens + t) * heads + h) * headDim
                        for i in 0..<pairs {
                            let c = table.cos[flat: t * pairs + i], s = inverse ? -table.sin[flat: t * pairs + i] : table.sin[flat: t * pairs + i]
                            let x0 = expected[row + 2 * i], x1 = expected[row + 2 * i + 1]
                            expected[row + 2 * i] = x0 * c - x1 * s
                            expected[row + 2 * i + 1] = x0 * s + x1 * c
                        }
                    }
                }
            }
            #expect(y.toArray().map(\.bitPattern) == expected.map(\.bitPattern), "inverse: \(inverse)")
        }
    }
}

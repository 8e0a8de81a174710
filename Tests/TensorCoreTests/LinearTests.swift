import Testing
import TensorCore

@Suite struct LinearTests {
    @Test func forwardMatchesNaiveProduct() {
        var layout = ParameterLayout()
        let lin = Linear("l", inFeatures: 5, outFeatures: 3, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 1)
        GradientCheck.randomize(store, seed: 2)
        let x = GradientCheck.random([4, 5], seed: 3), y = Tensor(zeros: [4, 3])
        lin.forward(x, into: y, parameters: store, context: .serial)
        let w = store.value(lin.weight), b = store.value(lin.bias!)
        for n in 0..<4 {
            for o in 0..<3 {
                var s = Double(b[flat: o])
                for c in 0..<5 { s += Double(x[flat: n * 5 + c]) * Double(w[flat: o * 5 + c]) }
                #expect(abs(Double(y[flat: n * 3 + o]) - s) < 1e-5)
            }
        }
    }

    @Test func gradientsMatchFiniteDifferences() {
        var layout = ParameterLayout()
        let lin = Linear("l", inFeatures: 12, outFeatures: 7, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 1)
        GradientCheck.randomize(store, seed: 2)
        let x = GradientCheck.random([2, 3, 12], seed: 3), y = Tensor(zeros: [2, 3, 7])
        let w = GradientCheck.random([2, 3, 7], seed: 4), dx = Tensor(zeros: [2, 3, 12])
        let ctx = ComputeContext(threads: 2)
        func loss() -> Double {
            lin.forward(x, into: y, parameters: store, context: ctx)
            return GradientCheck.dot(w, y)
        }
        store.zeroGradients()
        _ = loss()
        lin.backward(w, input: x, inputGradient: dx, parameters: store, context: ctx)
        #expect(GradientCheck.worst(x, analytic: dx.toArray(), loss: loss) <= 1)
        #expect(GradientCheck.worst(store.value(lin.weight), analytic: store.gradient(lin.weight).toArray(), loss: loss) <= 1)
        #expect(GradientCheck.worst(store.value(lin.bias!), analytic: store.gradient(lin.bias!).toArray(), loss: loss) <= 1)
        // Accumulating input gradients adds to what is there.
        let before = dx.toArray()
        lin.backward(w, input: x, inputGradient: dx, accumulate: true, parameters: store, context: ctx)
        #expect(zip(dx.toArray(), before).allSatisfy { abs($0 - 2 * $1) <= 1e-5 * (1 + abs($1)) })
    }
}

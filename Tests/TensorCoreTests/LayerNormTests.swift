import Testing
import TensorCore

@Suite struct LayerNormTests {
    @Test func forwardNormalises() {
        let ln = LayerNorm(features: 19)
        let x = GradientCheck.random([6, 19], seed: 1, std: 3)
        let y = Tensor(zeros: [6, 19]), rstd = Tensor(zeros: [6])
        ln.forward(x, into: y, rstd: rstd, context: ComputeContext(threads: 2))
        for r in 0..<6 {
            let row = (0..<19).map { Double(y[flat: r * 19 + $0]) }
            let mean = row.reduce(0, +) / 19
            let v = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 19
            #expect(abs(mean) < 1e-5)
            #expect(abs(v - 1) < 1e-3)
        }
    }

    @Test func gradientsMatchFiniteDifferences() {
        let ln = LayerNorm(features: 21)
        let x = GradientCheck.random([5, 21], seed: 1)
        let y = Tensor(zeros: [5, 21]), rstd = Tensor(zeros: [5]), dx = Tensor(zeros: [5, 21])
        let w = GradientCheck.random([5, 21], seed: 2)
        let ctx = ComputeContext(threads: 2)
        func loss() -> Double {
            ln.forward(x, into: y, rstd: rstd, context: ctx)
            return GradientCheck.dot(w, y)
        }
        _ = loss()
        ln.backward(w, output: y, rstd: rstd, inputGradient: dx, context: ctx)
        #expect(GradientCheck.worst(x, analytic: dx.toArray(), samples: 40, loss: loss) <= 1)
    }
}

import Testing
import SPFModel

/// Finite-difference check of the whole backbone's gradient (directional derivatives per parameter array).
@Suite struct GradientCheckTests {
    @Test func backboneGradientMatchesFiniteDifferences() throws {
        let p = TestFixtures.pyramid()
        let model = try MMDiT(config: TestFixtures.tinyModel(p, width: 16, depth: 1), pyramid: p, seed: 3)
        let rng = PhiloxRandom(seed: 4)
        // Zero-initialised arrays (adaLN, output, mean-field head) get random values so every path carries gradient.
        for (i, n) in model.params.names.enumerated() {
            let v = model.params[n]
            let z = rng.normals(stream: UInt64(1000 + i), count: v.value.count)
            for k in 0..<v.value.count { v.value[k] += 0.1 * z[k] }
        }
        let run = try TestFixtures.run(source: 1, startYear: 2015, years: 10, slope: 1, seed: 1)
        let builder = TrainingExampleBuilder(pyramid: p, decadeOriginYear: 2015)
        let path = try p.path(for: .yearly)
        let w = builder.window(stage: 1, path: path)
        let noise = rng.normals(stream: 9, count: w.frames * 2 * 8 * 8)
        let ex = try builder.example(fields: run.fields, run: run, forcing: run.forcing, path: path, stage: 1, start: 2015 * 12,
                                     noise: noise, u: 0.4)
        func lossValue() throws -> Double {
            let g = Graph(recording: false)
            return Double(try model.loss(g, x: ex.x, target: ex.target, tau: [ex.tau], context: ex.context, weight: 1).value[0])
        }
        let g = Graph(recording: true)
        model.params.zeroGrad()
        let loss = try model.loss(g, x: ex.x, target: ex.target, tau: [ex.tau], context: ex.context, weight: 1)
        g.backward(from: loss)
        var checked = 0
        for (i, n) in model.params.names.enumerated() {
            let v = model.params[n]
            let grad = v.grad.isEmpty ? [Float](repeating: 0, count: v.value.count) : v.grad
            let dir = rng.normals(stream: UInt64(5000 + i), count: v.value.count)
            var analytic = 0.0
            for k in 0..<dir.count { analytic += Double(grad[k]) * Double(dir[k]) }
            let eps: Float = 2e-3
            let base = v.value
            for k in 0..<base.count { v.value[k] = base[k] + eps * dir[k] }
            let lp = try lossValue()
            for k in 0..<base.count { v.value[k] = base[k] - eps * dir[k] }
            let lm = try lossValue()
            v.value = base
            let numeric = (lp - lm) / (2 * Double(eps))
            let scale = max(abs(analytic), abs(numeric), 1e-3)
            #expect(abs(analytic - numeric) / scale < 0.05, "\(n): analytic \(analytic) numeric \(numeric)")
            checked += 1
        }
        #expect(checked == model.params.names.count)
    }
}

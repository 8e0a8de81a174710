import Testing
import SPFModel
import TensorCore

/// Finite-difference check of the whole SPF backbone's gradient through TensorCore's forward/backward
/// layers (patch embeddings, conditioning MLP and tables, per-token conditioning, MM-DiT blocks with
/// joint attention, QK-norm and RoPE, final adaLN layer, mean-field head): a directional derivative
/// per parameter array, on a history-stream model so every embedding carries gradient.
@Suite struct GradientCheckTests {
    func check(history: Bool) throws {
        let p = history
            ? PyramidConfig.autoregressivePyramid(height: 16, width: 16, variables: ["tas", "pr"], timescale: .yearly, frames: 2,
                                                  steps: [2, 2, 2])
            : TestFixtures.pyramid()
        var cfg = TestFixtures.tinyModel(TestFixtures.pyramid(), width: 16, depth: 2)
        cfg.historyStream = history
        let model = try MMDiT(config: cfg, pyramid: p, seed: 3, threads: 2)
        let store = model.parameters
        // Zero-initialised arrays (adaLN, output, mean-field head) get random values so every path carries gradient.
        let noise = Tensor(zeros: [store.values.count])
        var rng = RandomStream(seed: 4)
        rng.fillNormal(noise, std: 0.1)
        for i in 0..<store.values.count { store.values[flat: i] += noise[flat: i] }
        let run = try TestFixtures.run(source: 1, startYear: 2015, years: 10, slope: 1, seed: 1)
        var noiseStream = rng.child(9)
        let ex = try TestFixtures.example(pyramid: p, run: run, timescale: .yearly, stage: 1, lastWindow: true, noise: &noiseStream)
        #expect(ex.context.historyFrames == (history ? 2 : 0))
        func lossValue() throws -> Double {
            try model.loss(x: ex.x, target: ex.target, tau: [ex.tau], context: ex.context, weight: 1)
        }
        store.zeroGradients()
        let loss = try model.accumulateGradients(x: ex.x, target: ex.target, tau: [ex.tau], context: ex.context, weight: 1)
        let again = try lossValue()
        #expect(loss == again)
        var checked = 0, nonzero = 0, zero: [String] = []
        for (i, slot) in store.layout.slots.enumerated() {
            let v = store.value(slot), grad = store.gradient(slot).toArray()
            var dirStream = rng.child(UInt64(5000 + i))
            let dir = dirStream.normals(count: slot.count)
            var analytic = 0.0
            for k in 0..<dir.count { analytic += Double(grad[k]) * Double(dir[k]) }
            let eps: Float = 2e-3
            let base = v.toArray()
            for k in 0..<base.count { v[flat: k] = base[k] + eps * dir[k] }
            let lp = try lossValue()
            for k in 0..<base.count { v[flat: k] = base[k] - eps * dir[k] }
            let lm = try lossValue()
            for k in 0..<base.count { v[flat: k] = base[k] }
            let numeric = (lp - lm) / (2 * Double(eps))
            let scale = max(abs(analytic), abs(numeric), 1e-3)
            #expect(abs(analytic - numeric) / scale < 0.05, "\(slot.name): analytic \(analytic) numeric \(numeric)")
            checked += 1
            if abs(analytic) > 1e-6 { nonzero += 1 } else { zero.append(slot.name) }
        }
        #expect(checked == store.layout.slots.count)
        // Only what the last block computes for the context stream after attention (projection, MLP) and its
        // context queries feed nothing downstream: exactly those arrays have no gradient.
        let last = "blocks.\(cfg.depth - 1)"
        let unused = ["proj", "fc1", "fc2"].flatMap { ["\(last).context.\($0).weight", "\(last).context.\($0).bias"] }
            + ["\(last).attn.context.q_norm.weight"]
        #expect(zero == unused, "\(nonzero) of \(checked) arrays carry gradient")
    }

    @Test func backboneGradientMatchesFiniteDifferences() throws { try check(history: false) }

    @Test func historyStreamGradientMatchesFiniteDifferences() throws { try check(history: true) }
}

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

    /// A pass that recomputes its blocks in backward (activation limit 0) gives the bits of one that keeps them: the
    /// loss and every parameter gradient, on 1 and 2 threads, through the buffers a training pass shares (the
    /// stack's first recompute reading the embedding's outputs in place, the final layer's input gradient over its
    /// `modulated`, the output gradient over the output, the mean-field head's field gradients over its forward
    /// tensors).
    @Test(arguments: [1, 2])
    func recomputingPassGivesTheSameGradientBits(threads: Int) throws {
        let p = TestFixtures.pyramid()
        let cfg = TestFixtures.tinyModel(p, width: 16, depth: 3)
        #expect(cfg.meanFieldHead)
        let run = try TestFixtures.run(source: 1, startYear: 2015, years: 10, slope: 1, seed: 1)
        var noise = RandomStream(seed: 6)
        let ex = try TestFixtures.example(pyramid: p, run: run, timescale: .monthly, stage: 2, noise: &noise)
        func gradients(activationLimit: Int) throws -> (loss: Double, gradients: [Float]) {
            let model = try MMDiT(config: cfg, pyramid: p, seed: 3, activationMemoryLimit: activationLimit, threads: threads)
            let store = model.parameters
            // Every zero-initialised array (adaLN, output, mean-field head) random, so every path carries gradient.
            var rng = RandomStream(seed: 4)
            let perturbation = rng.normals(count: store.values.count)
            for i in 0..<store.values.count { store.values[flat: i] += 0.1 * perturbation[i] }
            store.zeroGradients()
            let loss = try model.accumulateGradients(x: ex.x, target: ex.target, tau: [ex.tau], context: ex.context, weight: 1)
            // A second pass on the same (reused) buffers adds the same gradient again.
            _ = try model.accumulateGradients(x: ex.x, target: ex.target, tau: [ex.tau], context: ex.context, weight: 1)
            return (loss, store.gradients.toArray())
        }
        let kept = try gradients(activationLimit: 1 << 30), recomputed = try gradients(activationLimit: 0)
        #expect(recomputed.loss == kept.loss)
        #expect(recomputed.gradients == kept.gradients)
        #expect(kept.gradients.filter { $0 != 0 }.count > kept.gradients.count / 2)
    }

    @Test func historyStreamGradientMatchesFiniteDifferences() throws { try check(history: true) }
}

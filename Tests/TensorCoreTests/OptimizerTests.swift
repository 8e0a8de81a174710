import Foundation
import Testing
import TensorCore

@Suite struct OptimizerTests {
    /// AdamW against a Float64 transcription of PyTorch's update rule (decoupled decay, bias correction).
    @Test func adamWMatchesReferenceRule() throws {
        var layout = ParameterLayout()
        let w = layout.add("w", shape: [13], initializer: .normal(std: 1))
        let b = layout.add("b", shape: [3], initializer: .normal(std: 1), weightDecay: false)
        let store = ParameterStore(layout: layout, seed: 4)
        let cfg = try AdamWConfiguration(beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1)
        let opt = AdamW(layout: layout, configuration: cfg)
        var p = store.values.toArray().map(Double.init), m = [Double](repeating: 0, count: p.count), v = m
        var rng = RandomStream(seed: 5)
        for step in 1...3 {
            rng.fillNormal(store.gradients)
            let g = store.gradients.toArray().map(Double.init)
            let lr = 0.01
            for i in 0..<p.count {
                let decays = i >= w.offset && i < w.offset + w.count
                if decays { p[i] *= 1 - lr * 0.1 }
                m[i] = 0.9 * m[i] + 0.1 * g[i]
                v[i] = 0.95 * v[i] + 0.05 * g[i] * g[i]
                let mh = m[i] / (1 - pow(0.9, Double(step))), vh = v[i] / (1 - pow(0.95, Double(step)))
                p[i] -= lr * mh / (vh.squareRoot() + 1e-8)
            }
            opt.update(store, learningRate: 0.01, context: ComputeContext(threads: 2))
        }
        for slot in [w, b] {
            for i in slot.offset..<(slot.offset + slot.count) { #expect(abs(Double(store.values[flat: i]) - p[i]) < 1e-5) }
        }
        #expect(opt.step == 3)
    }

    @Test func clippingScheduleAndEMA() throws {
        var layout = ParameterLayout()
        _ = layout.add("w", shape: [40_000], initializer: .zeros)
        let store = ParameterStore(layout: layout, seed: 1)
        store.gradients.fill(0.01)
        let norm = GradientClipping.globalNorm(store, context: ComputeContext(threads: 2))
        #expect(abs(norm - 2.0) < 1e-4)
        GradientClipping.clip(store, maxNorm: 1, context: .serial)
        #expect(abs(GradientClipping.globalNorm(store, context: .serial) - 1) < 1e-4)
        let s = try LearningRateSchedule(peak: 1e-3, warmupSteps: 10, totalSteps: 110, decay: .cosine, minimum: 1e-5)
        #expect(abs(s.rate(at: 0) - 1e-4) < 1e-9 && abs(s.rate(at: 9) - 1e-3) < 1e-9)
        #expect(abs(s.rate(at: 60) - Float(1e-5 + 0.5 * (1e-3 - 1e-5))) < 1e-8)
        #expect(abs(s.rate(at: 500) - 1e-5) < 1e-9)
        let constant = try LearningRateSchedule(peak: 2e-4, warmupSteps: 0)
        #expect(constant.rate(at: 1000) == 2e-4)
        let ema = ExponentialMovingAverage(store, decay: 0.9)
        store.values.fill(1)
        ema.update(store, context: .serial)
        #expect(abs(ema.shadow[flat: 7] - 0.1) < 1e-7)
    }

    /// A checkpoint (parameters, optimizer, EMA, RNG, step) restores to the exact same training trajectory.
    @Test func checkpointRoundTripResumesBitIdentically() throws {
        var layout = ParameterLayout()
        _ = layout.add("a", shape: [5, 4], initializer: .normal(std: 1))
        _ = layout.add("b", shape: [4], initializer: .zeros, weightDecay: false)
        let cfg = try AdamWConfiguration()
        func trainStep(_ store: ParameterStore, _ opt: AdamW, _ rng: inout RandomStream) {
            rng.fillNormal(store.gradients)
            opt.update(store, learningRate: 1e-2, context: .serial)
        }
        let s1 = ParameterStore(layout: layout, seed: 1), o1 = AdamW(layout: layout, configuration: cfg)
        var r1 = RandomStream(seed: 3)
        for _ in 0..<3 { trainStep(s1, o1, &r1) }
        let e1 = ExponentialMovingAverage(s1, decay: 0.9)
        e1.update(s1, context: .serial)
        let state = TrainingCheckpoint.state(parameters: s1, optimizer: o1, ema: e1, randomStreams: ["noise": r1], step: 3)
        let s2 = ParameterStore(layout: layout, seed: 99), o2 = AdamW(layout: layout, configuration: cfg)
        let e2 = ExponentialMovingAverage(s2, decay: 0.9)
        let (step, streams) = try TrainingCheckpoint.restore(state, parameters: s2, optimizer: o2, ema: e2,
                                                             randomStreamNames: ["noise"])
        #expect(step == 3)
        var r2 = try #require(streams["noise"])
        trainStep(s1, o1, &r1)
        trainStep(s2, o2, &r2)
        #expect(s1.values.toArray() == s2.values.toArray())
        #expect(e1.shadow.toArray() == e2.shadow.toArray())
        #expect(state.floats["params/a"]?.shape == [5, 4])
        var broken = state
        broken.floats["params/a"] = StateArray(shape: [4, 5], values: state.floats["params/a"]?.values ?? [])
        #expect(throws: TensorError.self) { try s2.load(broken) }
    }
}

import Testing
import SPFModel

/// TensorCore kernels compute every output with the same operations whatever the thread count, so a
/// training run on one worker thread and on two ends with bit-identical weights, moments and EMA,
/// and the trained model's velocities agree bit for bit.
@Suite struct ThreadDeterminismTests {
    @Test func oneAndTwoThreadsTrainIdenticalWeights() throws {
        let p = TestFixtures.pyramid()
        let cfg = TestFixtures.tinyModel(p)
        let runs = [try TestFixtures.run(source: 0, startYear: 2015, years: 20, slope: 1, seed: 1)]
        let tc = TrainingConfig(steps: 4, batchSize: 6, learningRate: 1e-3, warmupSteps: 2, seed: 8)
        let one = try Trainer(model: cfg, pyramid: p, training: tc, runs: runs, threads: 1)
        let two = try Trainer(model: cfg, pyramid: p, training: tc, runs: runs, threads: 2)
        try one.train()
        try two.train()
        let a = one.exportArrays(), b = two.exportArrays()
        #expect(a.keys.sorted() == b.keys.sorted())
        for k in a.keys { #expect(a[k]?.values == b[k]?.values, "array \(k) differs between 1 and 2 threads") }
        let forcing = try one.normalizer.normalize(runs[0].forcing)
        let sampler = try PyramidSampler(config: p)
        let req = SamplingRequest(scenario: "s", startYear: 2020, years: 1, target: .monthly, members: [0, 1, 2], source: 0, seed: 3)
        let s1 = try sampler.sample(req, forcing: forcing, velocity: try one.emaModel())
        let s2 = try sampler.sample(req, forcing: forcing, velocity: try two.emaModel())
        #expect(s1.latent == s2.latent)
    }
}

import Testing
import SPFModel
import TensorCore

/// The flat and autoregressive baselines train on the same data with the same backbone and sample 10-year requests.
@Suite struct BaselineTests {
    @Test func flatMonthlyFlowTrainsAndSamplesYearWindows() throws {
        let p = PyramidConfig.flat(height: 16, width: 16, variables: ["tas", "pr"], timescale: .monthly, frames: 12, steps: 3)
        let cfg = TestFixtures.tinyModel(TestFixtures.pyramid())
        var flatCfg = cfg
        flatCfg.stages = 1
        let runs = [try TestFixtures.run(source: 0, startYear: 2015, years: 10, slope: 1, seed: 1)]
        let trainer = try Trainer(model: flatCfg, pyramid: p, training: TrainingConfig(steps: 3, batchSize: 2, seed: 1), runs: runs)
        try trainer.train()
        #expect(trainer.step == 3)
        let sampler = try PyramidSampler(config: p)
        let forcing = try trainer.normalizer.normalize(runs[0].forcing)
        let req = SamplingRequest(scenario: "s", startYear: 2015, years: 10, target: .monthly, members: [0, 1], source: 0, seed: 2)
        let st = try sampler.sample(req, forcing: forcing, velocity: try trainer.emaModel())
        // One 12-month item per year and member at full resolution.
        #expect(st.info.shape == FieldShape(items: 20, frames: 12, channels: 2, height: 16, width: 16))
        let out = try sampler.output(st)
        #expect(out.shape.frames == 120 && out.frameStarts.first == 2015 * 12 && out.frameStarts.last == 2015 * 12 + 119)
    }

    @Test func autoregressivePyramidConditionsOnThePreviousYear() throws {
        let p = PyramidConfig.autoregressivePyramid(height: 16, width: 16, variables: ["tas", "pr"], timescale: .yearly, frames: 1,
                                                    steps: [2, 2, 2])
        var cfg = TestFixtures.tinyModel(TestFixtures.pyramid())
        cfg.historyStream = true
        let runs = [try TestFixtures.run(source: 0, startYear: 2015, years: 10, slope: 1, seed: 1)]
        let trainer = try Trainer(model: cfg, pyramid: p, training: TrainingConfig(steps: 4, batchSize: 3, seed: 1), runs: runs)
        try trainer.train()
        let model = trainer.model
        // Make the history path matter for the check (trained weights are still near their zero init).
        for slot in model.parameters.layout.slots where slot.name.hasPrefix("final.out") || slot.name.hasSuffix("adaln.weight") {
            let v = model.parameters.value(slot)
            for k in 0..<v.count { v[flat: k] += 0.05 * Float((k * 7919) % 13) / 13 }
        }
        let ar = try AutoregressiveSampler(config: p)
        let forcing = try trainer.normalizer.normalize(runs[0].forcing)
        let req = SamplingRequest(scenario: "s", startYear: 2015, years: 3, target: .yearly, members: [0, 1], source: 0, seed: 2)
        let out = try ar.sample(req, forcing: forcing, velocity: model)
        #expect(out.shape == FieldShape(items: 2, frames: 3, channels: 2, height: 16, width: 16))
        #expect(out.frameStarts == [2015 * 12, 2016 * 12, 2017 * 12])
        // Another initial history changes the first year (the model sees it).
        let hist = [Float](repeating: 1, count: 2 * 2 * 256)
        let other = try ar.sample(req, forcing: forcing, velocity: model, initialHistory: hist)
        #expect(Array(other.values[0..<512]) != Array(out.values[0..<512]))
    }
}

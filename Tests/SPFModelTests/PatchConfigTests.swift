import Testing
import SPFModel

/// Patch sizes as configuration: the field patch must tile the full grid and the forcing patch the
/// full grid; a coarse stage the field patch does not tile is upsampled to the least grid it tiles.
@Suite struct PatchConfigTests {
    func model(height: Int, width: Int, patch: Int, forcingPatch: Int) throws -> (MMDiTConfig, PyramidConfig) {
        let p = PyramidConfig.decadalYearlyMonthly(height: height, width: width, variables: ["tas", "pr"])
        let c = try MMDiTConfig.preset("tiny", pyramid: p, patchSize: patch, forcingPatchSize: forcingPatch,
                                       griddedForcingChannels: 0, globalForcingChannels: 2)
        return (c, p)
    }

    /// ClimateBench's 96 × 144 with patch 8: stage 0 (24 × 36) is seen at 48 × 72, i.e. 6 × 9 tokens per
    /// frame like stage 1; 72 × 36 with patch 4 upsamples stages 0 and 1 (9 × 18 and 18 × 36); 16 × 32
    /// with patch 4 needs no upsampling.
    @Test(arguments: [(96, 144, 8, [2, 1, 1], [54, 54, 216]), (36, 72, 4, [4, 2, 1], [162, 162, 162]),
                      (16, 32, 4, [1, 1, 1], [2, 8, 32])])
    func tokenGridFollowsTheStageGrids(height: Int, width: Int, patch: Int, factors: [Int], tokens: [Int]) throws {
        let (c, p) = try model(height: height, width: width, patch: patch, forcingPatch: patch)
        try c.validate(against: p)
        #expect((0..<3).map { c.tokenGridFactor(stage: $0, pyramid: p) } == factors)
        #expect((0..<3).map { c.fieldTokensPerFrame(stage: $0, pyramid: p) } == tokens)
    }

    /// Patches that do not tile the full grid are refused when the model is configured.
    @Test(arguments: [(16, 32, 3, 4), (16, 32, 4, 12), (96, 144, 32, 16), (16, 32, 0, 4)])
    func patchesThatDoNotTileTheGridAreRefused(height: Int, width: Int, patch: Int, forcingPatch: Int) throws {
        let (c, p) = try model(height: height, width: width, patch: patch, forcingPatch: forcingPatch)
        #expect(throws: SPFModelError.self) { try c.validate(against: p) }
        #expect(throws: SPFModelError.self) { try MMDiT(config: c, pyramid: p, seed: 1) }
    }

    /// Patch 8 and forcing patch 16 on the 16 × 16 fixture (stage 0 is 4 × 4, upsampled to 8 × 8): training
    /// gives bit-identical weights on 1 and 2 threads and sampling every timescale gives finite fields
    /// of the stage shapes.
    @Test func upsampledStageTrainsAndSamples() throws {
        let p = TestFixtures.pyramid(steps: 2)
        var cfg = TestFixtures.tinyModel(p)
        cfg.patchSize = 8
        cfg.forcingPatchSize = 16
        try cfg.validate(against: p)
        #expect(cfg.tokenGridFactor(stage: 0, pyramid: p) == 2)
        let runs = [try TestFixtures.run(source: 0, startYear: 2015, years: 20, slope: 1, seed: 1)]
        let tc = TrainingConfig(steps: 3, batchSize: 6, learningRate: 1e-3, warmupSteps: 1, seed: 8)
        let one = try Trainer(model: cfg, pyramid: p, training: tc, runs: runs, threads: 1)
        let two = try Trainer(model: cfg, pyramid: p, training: tc, runs: runs, threads: 2)
        try one.train()
        try two.train()
        let a = one.exportArrays(), b = two.exportArrays()
        for k in a.keys { #expect(a[k]?.values == b[k]?.values, "array \(k) differs between 1 and 2 threads") }
        let forcing = try one.normalizer.normalize(runs[0].forcing)
        let sampler = try PyramidSampler(config: p)
        for target in [Timescale.decadal, .yearly, .monthly] {
            let req = SamplingRequest(scenario: "s", startYear: 2020, years: 10, target: target, members: [0, 1], source: 0, seed: 3)
            let out = try sampler.output(try sampler.sample(req, forcing: forcing, velocity: try one.emaModel()))
            #expect(out.shape.height == 16 && out.shape.width == 16 && out.shape.items == 2)
            #expect(!out.values.isEmpty && out.values.allSatisfy { $0.isFinite })
        }
    }
}

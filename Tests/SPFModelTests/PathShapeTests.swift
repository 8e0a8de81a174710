import Testing
import SPFModel

/// Shapes of every path: latent frames per stage, funneled items, token counts.
@Suite struct PathShapeTests {
    @Test func everyPathHasTheExpectedStageShapes() throws {
        let p = TestFixtures.pyramid(steps: 1)
        let cfg = TestFixtures.tinyModel(p)
        let model = try MMDiT(config: cfg, pyramid: p, seed: 1)
        let sampler = try PyramidSampler(config: p)
        let forcing = try TestFixtures.forcing(startYear: 2015, years: 20, slope: 1)
        // (target, per-stage (items per member, frames, h, w)) for a 10-year request 2025–2034.
        let expected: [(Timescale, [(Int, Int, Int, Int)])] = [
            (.decadal, [(1, 1, 4, 4), (1, 1, 8, 8), (1, 1, 16, 16)]),
            (.yearly, [(1, 1, 4, 4), (1, 10, 8, 8), (1, 10, 16, 16)]),
            (.monthly, [(1, 1, 4, 4), (1, 10, 8, 8), (10, 12, 16, 16)]),
        ]
        #expect(p.paths.map { $0.name(in: p) } == ["DDD", "DYY", "DYM"])
        for (target, stages) in expected {
            let req = SamplingRequest(scenario: "s", startYear: 2025, years: 10, target: target, members: [0, 1], source: 0, seed: 1)
            var st = try sampler.initialState(req)
            for (k, e) in stages.enumerated() {
                st = try sampler.runStage(k, from: st, forcing: forcing, velocity: model)
                #expect(st.info.shape.items == 2 * e.0 && st.info.shape.frames == e.1, "\(target) stage \(k): \(st.info.shape.dims)")
                #expect(st.info.shape.height == e.2 && st.info.shape.width == e.3)
                // Tokens: field (h/p)(w/p) per frame, forcing (16/8)² = 4 per frame.
                let fieldTokens = e.1 * (e.2 / cfg.patchSize) * (e.3 / cfg.patchSize)
                #expect(fieldTokens == [1, 4, 16][k] * e.1)
            }
            let out = try sampler.output(st)
            let framesOut = target == .decadal ? 1 : (target == .yearly ? 10 : 120)
            #expect(out.shape.items == 2 && out.shape.frames == framesOut && out.frameStarts.count == framesOut)
            #expect(out.frameStarts == out.frameStarts.sorted())
        }
        // Funnel to a sub-period: 2 years of monthly output keep 2 of the 10 yearly frames.
        let req = SamplingRequest(scenario: "s", startYear: 2027, years: 2, target: .monthly, members: [5], source: 0, seed: 1)
        let st = try sampler.sample(req, forcing: forcing, velocity: model)
        #expect(st.info.shape.items == 2 && st.info.itemFrameStart == [2027 * 12, 2028 * 12])
    }

    /// With passes of 3 items (`tokensPerChunk` 0) and with passes by tokens (all five members in one pass).
    @Test(arguments: [0, 4096])
    func memberIsTheSameAloneOrInABatch(tokensPerChunk: Int) throws {
        let p = TestFixtures.pyramid(steps: 2)
        let model = try MMDiT(config: TestFixtures.tinyModel(p), pyramid: p, seed: 2, itemsPerChunk: 3, tokensPerChunk: tokensPerChunk)
        let sampler = try PyramidSampler(config: p)
        let forcing = try TestFixtures.forcing(startYear: 2015, years: 20, slope: 1)
        let alone = try sampler.sample(SamplingRequest(scenario: "s", startYear: 2015, years: 2, target: .monthly, members: [731],
                                                       source: 1, seed: 9), forcing: forcing, velocity: model)
        let batch = try sampler.sample(SamplingRequest(scenario: "s", startYear: 2015, years: 2, target: .monthly,
                                                       members: [3, 731, 12, 40, 7], source: 1, seed: 9), forcing: forcing, velocity: model)
        let a = try sampler.output(alone), b = try sampler.output(batch)
        let per = a.values.count
        #expect(Array(b.values[per..<(2 * per)]) == a.values)
        #expect(Array(b.values[0..<per]) != a.values)
    }

    @Test func stateRoundTripsAndBranches() throws {
        let p = TestFixtures.pyramid(steps: 2)
        let model = try MMDiT(config: TestFixtures.tinyModel(p), pyramid: p, seed: 2)
        let sampler = try PyramidSampler(config: p)
        let forcing = try TestFixtures.forcing(startYear: 2015, years: 20, slope: 1)
        let req = SamplingRequest(scenario: "s", startYear: 2025, years: 10, target: .monthly, members: [0, 1], source: 0, seed: 4)
        let direct = try sampler.sample(req, forcing: forcing, velocity: model)
        var st = try sampler.runStage(0, from: try sampler.initialState(req), forcing: forcing, velocity: model)
        let restored = try SamplerState.restore(metadataJSON: try st.metadataJSON(), latent: st.namedArrays()["latent"]?.values ?? [])
        #expect(restored == st)
        st = restored
        for k in 1..<3 { st = try sampler.runStage(k, from: st, forcing: forcing, velocity: model) }
        #expect(st.latent == direct.latent)
        // Branch the decadal stage-0 state into a yearly request for 2030–2031 and a monthly one for 2031:
        // the monthly sample of 2031 equals the one from the full-decade request.
        let s0 = try sampler.runStage(0, from: try sampler.initialState(req), forcing: forcing, velocity: model)
        var m = try sampler.branch(s0, target: .monthly, startYear: 2031, years: 1)
        for k in 1..<3 { m = try sampler.runStage(k, from: m, forcing: forcing, velocity: model) }
        var y = try sampler.branch(s0, target: .yearly, startYear: 2030, years: 2)
        for k in 1..<3 { y = try sampler.runStage(k, from: y, forcing: forcing, velocity: model) }
        #expect(try sampler.output(y).shape.frames == 2)
        let full = try sampler.output(direct), one = try sampler.output(m)
        let per = one.values.count / 2
        let framePer = 2 * 16 * 16
        // Member 0: months of 2031 are frames 72..<84 of the decade.
        #expect(Array(full.values[(72 * framePer)..<(84 * framePer)]) == Array(one.values[0..<per]))
        #expect(throws: SPFModelError.self) { try sampler.runStage(2, from: s0, forcing: forcing, velocity: model) }
    }
}

/// Model sizes: the parameter count formula matches a built model, and the presets reach the paper's sizes.
@Suite struct ModelSizeTests {
    @Test func presetsSpanTinyTo200M() throws {
        let p = TestFixtures.pyramid()
        var cfg = TestFixtures.tinyModel(p)
        cfg.historyStream = true
        #expect(try MMDiT(config: cfg, pyramid: p, seed: 1).parameterCount == cfg.parameterCount)
        // Paper grid 192×288 with 8×8 / 16×16 patches.
        let paper = PyramidConfig.decadalYearlyMonthly(height: 192, width: 288, variables: ["tas", "pr"])
        for (name, lo, hi) in [("100M", 95_000_000, 120_000_000), ("200M", 190_000_000, 240_000_000)] {
            let c = try MMDiTConfig.preset(name, pyramid: paper, patchSize: 8, forcingPatchSize: 16, griddedForcingChannels: 4,
                                           globalForcingChannels: 2)
            try c.validate(against: paper)
            let backbone = c.parameterCount - c.meanFieldHeadParameterCount
            #expect(backbone > lo && backbone < hi, "\(name): \(backbone)")
        }
        #expect(throws: SPFModelError.self) {
            try MMDiTConfig.preset("huge", pyramid: paper, patchSize: 8, forcingPatchSize: 16, griddedForcingChannels: 0, globalForcingChannels: 1)
        }
    }
}

import Testing
import SPFModel

/// With the exact conditional velocity of Gaussian data, the stage-by-stage sampler (funneling, jump renoising,
/// Euler) reproduces the closed-form latent mean and covariance at the end of every stage, for every path.
@Suite struct ExactVelocityTests {
    @Test(arguments: [Timescale.decadal, .yearly, .monthly])
    func samplerReproducesDataMomentsAtEveryStage(target: Timescale) throws {
        var config = PyramidConfig.decadalYearlyMonthly(height: 4, width: 4, variables: ["tas"])
        config.stepsPerStage = [40, 40, 40]
        let sampler = try PyramidSampler(config: config)
        let exact = GaussianExactVelocity(config: config, firstMonth: 2020 * 12, months: 120, seed: 5)
        let forcing = try ForcingSeries(startYear: 2020, months: 120, griddedChannels: 0, height: 4, width: 4,
                                        gridded: [], globalChannels: 1, global: [Float](repeating: 0, count: 120))
        let members = 2500
        // One year (2023) so that stage-2 items of the monthly path share one month range.
        let request = SamplingRequest(scenario: "toy", startYear: 2023, years: 1, target: target,
                                      members: Array(0..<members), source: 0, seed: 11, decadeOriginYear: 2020)
        var state = try sampler.initialState(request)
        for stage in 0..<config.stageCount {
            state = try sampler.runStage(stage, from: state, forcing: forcing, velocity: exact)
            let info = state.info
            let ctx = StageContext.build(stage: stage, timescale: info.path.timescale(stage: stage, in: config),
                                         path: info.path, shape: info.shape, frameStart: info.itemFrameStart,
                                         source: Array(repeating: 0, count: info.shape.items), forcing: forcing)
            #expect(Set(info.itemFrameStart).count == 1)
            let (mean, cov, d) = exact.endMoments(context: ctx)
            #expect(d == info.shape.perItem)
            var em = [Double](repeating: 0, count: d)
            for i in 0..<info.shape.items { for r in 0..<d { em[r] += Double(state.latent[i * d + r]) } }
            let count = Double(info.shape.items)
            for r in 0..<d { em[r] /= count }
            var meanErr = 0.0, covErr = 0.0, maxVar = 0.0
            for r in 0..<d { meanErr = max(meanErr, abs(em[r] - mean[r])); maxVar = max(maxVar, cov[r * d + r]) }
            for r in 0..<d {
                for q in 0..<d {
                    var c = 0.0
                    for i in 0..<info.shape.items {
                        c += (Double(state.latent[i * d + r]) - em[r]) * (Double(state.latent[i * d + q]) - em[q])
                    }
                    covErr = max(covErr, abs(c / (count - 1) - cov[r * d + q]))
                }
            }
            #expect(meanErr < 0.08, "target \(target) stage \(stage): mean error \(meanErr)")
            #expect(covErr < 0.12 * max(maxVar, 0.5), "target \(target) stage \(stage): covariance error \(covErr) (max var \(maxVar))")
        }
    }
}

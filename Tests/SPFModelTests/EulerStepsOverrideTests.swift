import Testing
import SPFModel

/// Euler step counts are a sampling-time choice: a state from a sampler with other step counts continues, the
/// final stage's count changes the result, and a state of a different pyramid is still refused.
@Suite struct EulerStepsOverrideTests {
    /// v = −x: Euler integration with different step counts ends in different places.
    struct Decay: VelocityField {
        func velocity(_ x: [Float], tau: [Double], context: StageContext) throws -> [Float] { x.map { -$0 } }
    }

    @Test func stagesRunWithOtherStepCountsThanTheStateWasMadeWith() throws {
        let p = TestFixtures.pyramid(steps: 2)
        let model = Decay()
        let forcing = try TestFixtures.forcing(startYear: 2015, years: 20, slope: 1)
        let request = SamplingRequest(scenario: "s", startYear: 2025, years: 10, target: .yearly, members: [0, 1], source: 0, seed: 5)
        let sampler = try PyramidSampler(config: p)
        var state = try sampler.initialState(request)
        state = try sampler.runStage(0, from: state, forcing: forcing, velocity: model)
        state = try sampler.runStage(1, from: state, forcing: forcing, velocity: model)
        var more = p
        more.stepsPerStage = [2, 2, 6]
        let moreSampler = try PyramidSampler(config: more)
        let viaMore = try moreSampler.runStage(2, from: state, forcing: forcing, velocity: model)
        let viaSame = try sampler.runStage(2, from: state, forcing: forcing, velocity: model)
        #expect(viaMore.info.completedStage == 2 && viaMore.info.shape == viaSame.info.shape)
        #expect(viaMore.latent != viaSame.latent)
        #expect(viaMore.latent.allSatisfy { $0.isFinite })
        // Another grid is another pyramid: refused.
        var other = PyramidConfig.decadalYearlyMonthly(height: 32, width: 16, variables: ["tas", "pr"])
        other.stepsPerStage = [2, 2, 2]
        let otherSampler = try PyramidSampler(config: other)
        #expect(throws: SPFModelError.self) { try otherSampler.runStage(2, from: state, forcing: forcing, velocity: model) }
    }
}

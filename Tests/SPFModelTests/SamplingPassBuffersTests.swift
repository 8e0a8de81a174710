import Testing
import SPFModel
import TensorCore

/// A member block that does not divide into equal sampling passes (items per pass set by ``MMDiT/tokensPerChunk``) has
/// a shorter last pass. Both pass shapes keep their buffer sets across velocity evaluations (solver steps), so no step
/// re-carves and zeroes a workspace, and the velocities are the same bits at every step.
@Suite struct SamplingPassBuffersTests {
    @Test(arguments: [1, 2])
    func unequalPassesKeepTheirBuffersAcrossSolverSteps(threads: Int) throws {
        let p = TestFixtures.pyramid(), cfg = TestFixtures.tinyModel(p, width: 32, depth: 2)
        let stage = 0, members = 5
        let path = try p.path(for: .monthly)
        let frames = TrainingExampleBuilder(pyramid: p, decadeOriginYear: 2015).window(stage: stage, path: path).frames
        let (h, w) = p.grid(stage: stage)
        let shape = FieldShape(items: members, frames: frames, channels: cfg.channels, height: h, width: w)
        let forcing = try TestFixtures.forcing(startYear: 2015, years: 20, slope: 1)
        let context = StageContext.build(stage: stage, timescale: path.timescale(stage: stage, in: p), path: path, shape: shape,
                                          frameStart: Array(repeating: 2015 * 12, count: members),
                                          source: Array(repeating: 0, count: members), forcing: forcing)
        // Two items per pass: passes of 2, 2 and 1 items, two shapes.
        let probe = try MMDiT(config: cfg, pyramid: p, seed: 3, threads: threads)
        let model = try MMDiT(config: cfg, pyramid: p, seed: 3, tokensPerChunk: 2 * probe.tokensPerItem(context), threads: threads)
        var rng = RandomStream(seed: 4)
        rng.fillNormal(model.parameters.values, std: 0.2)
        model.parameters.freezeForInference()
        #expect(model.itemsPerPass(context) == 2)
        let x = rng.normals(count: shape.count)
        var velocities: [[UInt32]] = []
        for tau in [0.2, 0.5, 0.2] {
            velocities.append(try model.velocity(x, tau: Array(repeating: tau, count: members), context: context).map(\.bitPattern))
            #expect(model.samplingPassBufferBuilds == 2, "after τ = \(tau): \(model.samplingPassBufferBuilds) buffer sets built")
        }
        #expect(velocities[0] == velocities[2])
        #expect(velocities[0] != velocities[1])
    }
}

import Testing
import SPFModel
import TensorCore

/// A model frozen for sampling (weights packed once, ``ParameterStore/freezeForInference()``): its velocities equal the
/// unfrozen model's within float rounding, are the same bits on every thread count and kernel instruction set this CPU
/// runs, and it refuses to train.
@Suite struct FrozenSamplingModelTests {
    func velocity(_ model: MMDiT) throws -> [Float] {
        let run = try TestFixtures.run(source: 1, startYear: 2015, years: 10, slope: 1, seed: 1)
        var rng = RandomStream(seed: 5)
        let ex = try TestFixtures.example(pyramid: model.pyramid, run: run, timescale: .monthly, stage: 2, noise: &rng)
        return try model.velocity(ex.x, tau: [ex.tau], context: ex.context)
    }

    func model(threads: Int) throws -> MMDiT {
        let cfg = TestFixtures.tinyModel(TestFixtures.pyramid(), width: 40, depth: 2)
        let model = try MMDiT(config: cfg, pyramid: TestFixtures.pyramid(), seed: 3, threads: threads)
        // Random values everywhere, so the adaLN-Zero paths carry signal.
        var rng = RandomStream(seed: 4)
        rng.fillNormal(model.parameters.values, std: 0.2)
        return model
    }

    @Test func frozenVelocityEqualsTheBLASPathsWithinRounding() throws {
        let reference = try velocity(try model(threads: 2))
        var frozen: [[Float]] = []
        for threads in [1, 2, 3] {
            let m = try model(threads: threads)
            m.parameters.freezeForInference()
            frozen.append(try velocity(m))
            #expect(m.parameters.packedWeights.byteCount > 0)
        }
        #expect(frozen.allSatisfy { $0 == frozen[0] }, "frozen velocities differ across thread counts")
        let scale = reference.map { abs($0) }.max() ?? 1
        let worst = zip(reference, frozen[0]).map { abs($0 - $1) }.max() ?? 1
        #expect(worst <= 1e-4 * max(scale, 1), "worst \(worst), largest value \(scale)")
    }

    @Test func frozenModelRefusesToTrain() throws {
        let m = try model(threads: 1)
        m.parameters.freezeForInference()
        let run = try TestFixtures.run(source: 1, startYear: 2015, years: 10, slope: 1, seed: 1)
        var rng = RandomStream(seed: 6)
        let ex = try TestFixtures.example(pyramid: m.pyramid, run: run, timescale: .yearly, stage: 1, noise: &rng)
        #expect(throws: SPFModelError.self) {
            _ = try m.accumulateGradients(x: ex.x, target: ex.target, tau: [ex.tau], context: ex.context, weight: 1)
        }
    }
}

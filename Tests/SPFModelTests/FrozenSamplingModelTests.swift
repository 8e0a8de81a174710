import Testing
import SPFModel
import TensorCore

/// A model frozen for sampling (weights packed once, ``ParameterStore/freezeForInference()``): its velocities equal the
/// unfrozen model's within float rounding, are the same bits on every thread count and kernel instruction set this CPU
/// runs, and it refuses to train.
@Suite struct FrozenSamplingModelTests {
    func velocity(_ model: MMDiT) throws -> [Float] {
        let p = model.pyramid
        let run = try TestFixtures.run(source: 1, startYear: 2015, years: 10, slope: 1, seed: 1)
        let builder = TrainingExampleBuilder(pyramid: p, decadeOriginYear: 2015)
        let path = try p.path(for: .monthly)
        let stage = 2
        let w = builder.window(stage: stage, path: path)
        let (h, wd) = p.grid(stage: stage)
        var rng = RandomStream(seed: 5)
        let starts = builder.windowStarts(run: run, stage: stage, path: path)
        try #require(!starts.isEmpty)
        let ex = try builder.example(fields: run.fields, run: run, forcing: run.forcing, path: path, stage: stage, start: starts[0],
                                     noise: rng.normals(count: w.frames * 2 * h * wd), u: 0.4)
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
        let p = m.pyramid
        let run = try TestFixtures.run(source: 1, startYear: 2015, years: 10, slope: 1, seed: 1)
        let builder = TrainingExampleBuilder(pyramid: p, decadeOriginYear: 2015)
        let path = try p.path(for: .yearly)
        let w = builder.window(stage: 1, path: path)
        let (h, wd) = p.grid(stage: 1)
        var rng = RandomStream(seed: 6)
        let start = try #require(builder.windowStarts(run: run, stage: 1, path: path).first)
        let ex = try builder.example(fields: run.fields, run: run, forcing: run.forcing, path: path, stage: 1, start: start,
                                     noise: rng.normals(count: w.frames * 2 * h * wd), u: 0.4)
        #expect(throws: SPFModelError.self) {
            _ = try m.accumulateGradients(x: ex.x, target: ex.target, tau: [ex.tau], context: ex.context, weight: 1)
        }
    }
}

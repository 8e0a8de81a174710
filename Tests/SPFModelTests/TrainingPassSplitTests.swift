import Testing
import SPFModel

/// A step's group of items of one stage and timescale may train as several passes (``MMDiT/trainingTokensPerPass``):
/// each pass's loss is weighted by its share of the batch, so the accumulated gradient is the batch mean whatever the
/// cut (to float rounding), a cut run is bit-identical on 1 and 2 threads, and groups that fit one pass are untouched.
@Suite struct TrainingPassSplitTests {
    static let p = TestFixtures.pyramid()
    static let cfg = TestFixtures.tinyModel(p)
    static let tc = TrainingConfig(steps: 6, batchSize: 6, learningRate: 1e-3, warmupSteps: 1, gradientClip: 0, seed: 8)

    static func trainer(tokensPerPass: Int, threads: Int) throws -> Trainer {
        let runs = [try TestFixtures.run(source: 0, startYear: 2015, years: 20, slope: 1, seed: 1)]
        return try Trainer(model: cfg, pyramid: p, training: tc, runs: runs, normalizer: nil, threads: threads, dataCacheBytes: nil,
                           trainingTokensPerPass: tokensPerPass)
    }

    @Test func onePassPerItemGivesTheBatchMeanGradient() throws {
        let whole = try Self.trainer(tokensPerPass: 0, threads: 2)
        let cut = try Self.trainer(tokensPerPass: 1, threads: 2)
        var splitSteps = 0
        for step in 0..<Self.tc.steps {
            // A step with two items of the same stage and path has a group the cut really splits.
            let plan = whole.examplePlan(step: step)
            if plan.indices.contains(where: { i in plan.indices.contains { $0 > i && plan[$0].stage == plan[i].stage && plan[$0].path == plan[i].path } }) {
                splitSteps += 1
            }
            let lossWhole = try whole.trainStep(), lossCut = try cut.trainStep()
            let a = whole.model.parameters.gradients.toArray(), b = cut.model.parameters.gradients.toArray()
            var diff = 0.0, norm = 0.0
            for i in a.indices {
                diff += Double(a[i] - b[i]) * Double(a[i] - b[i])
                norm += Double(a[i]) * Double(a[i])
            }
            #expect(norm > 0)
            #expect(diff.squareRoot() <= 1e-5 * norm.squareRoot(), "step \(step): gradient differs by \(diff.squareRoot()) of \(norm.squareRoot())")
            for (x, y) in zip(lossWhole, lossCut) {
                #expect((x == nil) == (y == nil))
                if let x, let y { #expect(abs(x - y) <= 1e-5 * abs(x), "step \(step): loss \(x) against \(y)") }
            }
        }
        #expect(splitSteps > 0, "no step had a group of two items to cut")
    }

    @Test func cutPassesAreBitIdenticalOnOneAndTwoThreads() throws {
        let one = try Self.trainer(tokensPerPass: 1, threads: 1)
        let two = try Self.trainer(tokensPerPass: 1, threads: 2)
        try one.train()
        try two.train()
        let a = one.exportArrays(), b = two.exportArrays()
        #expect(!a.isEmpty && a.keys.sorted() == b.keys.sorted())
        for k in a.keys { #expect(a[k]?.values == b[k]?.values, "array \(k) differs between 1 and 2 threads") }
    }

    @Test func groupsThatFitTheDefaultPassAreNotCut() throws {
        let runs = [try TestFixtures.run(source: 0, startYear: 2015, years: 20, slope: 1, seed: 1)]
        let standard = try Trainer(model: Self.cfg, pyramid: Self.p, training: Self.tc, runs: runs, threads: 2)
        #expect(standard.model.trainingTokensPerPass == 4096)
        let whole = try Self.trainer(tokensPerPass: 0, threads: 2)
        try standard.train()
        try whole.train()
        let a = standard.exportArrays(), b = whole.exportArrays()
        for k in a.keys { #expect(a[k]?.values == b[k]?.values, "array \(k) differs from one pass per group") }
    }
}

import Testing
import SPFModel

/// A training run interrupted mid-way (state exported, trainer rebuilt, state imported) ends with the same
/// weights, moments and EMA as an uninterrupted run.
@Suite struct ResumeTests {
    @Test func resumedTrainingEndsWithIdenticalWeights() throws {
        let p = TestFixtures.pyramid()
        let cfg = TestFixtures.tinyModel(p)
        let runs = [try TestFixtures.run(source: 0, startYear: 2015, years: 20, slope: 1, seed: 1),
                    try TestFixtures.run(source: 1, startYear: 2015, years: 20, slope: 3, seed: 2)]
        let tc = TrainingConfig(steps: 8, batchSize: 6, learningRate: 1e-3, warmupSteps: 3, seed: 21)
        let full = try Trainer(model: cfg, pyramid: p, training: tc, runs: runs)
        var reported: [Int] = []
        try full.train { reported.append($0.step) }
        #expect(reported == Array(1...8))
        let first = try Trainer(model: cfg, pyramid: p, training: tc, runs: runs)
        try first.train(until: 3)
        let arrays = first.exportArrays(), meta = try first.exportMetadataJSON()
        let resumed = try Trainer(model: cfg, pyramid: p, training: tc, runs: runs)
        try resumed.importState(metadataJSON: meta, arrays: arrays)
        #expect(resumed.step == 3)
        try resumed.train()
        #expect(resumed.step == 8)
        let a = full.exportArrays(), b = resumed.exportArrays()
        #expect(a.keys.sorted() == b.keys.sorted())
        for k in a.keys { #expect(a[k]?.values == b[k]?.values, "array \(k) differs") }
        // Training changed the weights (the comparison is not between two untouched models).
        let fresh = try Trainer(model: cfg, pyramid: p, training: tc, runs: runs).exportArrays()
        #expect(fresh["param/final.out.weight"]?.values != a["param/final.out.weight"]?.values)
        // A state from another configuration is refused.
        var other = tc
        other.learningRate = 2e-3
        let wrong = try Trainer(model: cfg, pyramid: p, training: other, runs: runs)
        #expect(throws: SPFModelError.self) { try wrong.importState(metadataJSON: meta, arrays: arrays) }
    }
}

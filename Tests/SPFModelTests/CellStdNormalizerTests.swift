import Foundation
import Testing
import SPFModel

/// Normalisation by each ESM's per-cell std of the anomalies (`spf.norm-stats cell_std`): the fitted stds are the
/// fixtures' known noise std per cell, every scaled cell has unit variance, de-normalising undoes it exactly, a year
/// of normalised months still averages to the normalised year, the variables left out keep one std, and the stds
/// travel with the model (JSON, source order).
@Suite struct CellStdNormalizerTests {
    /// Three runs of two ESMs; ESM B's variable 1 has twice the fixtures' noise.
    static func runs() throws -> [TrainingRun] {
        let a = try TestFixtures.run(source: 0, startYear: 1990, years: 20, slope: 1.0, seed: 1)
        let a2 = try TestFixtures.run(source: 0, startYear: 2015, years: 20, slope: 3.0, seed: 2)
        var b = try TestFixtures.run(source: 1, startYear: 2000, years: 20, slope: 2.0, seed: 3)
        for m in 0..<b.months {
            for k in 256..<512 {
                let mean = TestFixtures.truthMean(1, (k - 256) / 16, k % 16, month: b.firstMonth + m, forcing: b.forcing)
                b.fields[m * 512 + k] = mean + 2 * (b.fields[m * 512 + k] - mean)
            }
        }
        return [a, a2, b]
    }

    static func fit(_ perCell: [Bool]) throws -> Normalizer {
        try Normalizer.fit(runs: try runs(), channels: 2, climatologySources: ["A", "B"], regressOnForcing: true, perCellStd: perCell)
    }

    @Test func fittedStdsAreTheKnownNoisePerCellAndESM() throws {
        let norm = try Self.fit([true, true])
        let scale = try #require(norm.cellStd)
        #expect(scale.sourceIDs == ["A", "B"] && scale.channels == 2 && scale.plane == 256)
        for (c, y, x) in [(0, 0, 0), (0, 15, 4), (0, 8, 11), (1, 3, 3), (1, 12, 9)] {
            let k = (c * 16 + y) * 16 + x
            let expectedA = Double(TestFixtures.noiseStd(c, y, x)), expectedB = expectedA * (c == 1 ? 2 : 1)
            // 480 months (A) and 240 (B): a std estimate within a few per cent (the regression takes a little).
            #expect(abs(Double(try scale.std(source: 0)[k]) / expectedA - 1) < 0.1, "ESM A, variable \(c), cell \(y),\(x)")
            #expect(abs(Double(try scale.std(source: 1)[k]) / expectedB - 1) < 0.12, "ESM B, variable \(c), cell \(y),\(x)")
        }
    }

    @Test func scaledCellsHaveUnitVarianceAndTheRoundTripIsExact() throws {
        let norm = try Self.fit([true, true])
        let run = try Self.runs()[2]
        let z = try norm.normalizeRun(run)
        for k in [0, 15 * 16 + 4, 256 + 3 * 16 + 3, 511] {
            var s2 = 0.0
            for m in 0..<run.months { s2 += Double(z[m * 512 + k] * z[m * 512 + k]) }
            #expect(abs((s2 / Double(run.months)).squareRoot() - 1) < 1e-3, "cell \(k)")
        }
        let shape = FieldShape(items: 1, frames: run.months, channels: 2, height: 16, width: 16)
        let back = try norm.denormalize(z, shape: shape, frameStarts: (0..<run.months).map { run.firstMonth + $0 }, monthsPerFrame: 1,
                                        source: 1, forcing: try norm.normalize(run.forcing))
        #expect(zip(back, run.fields).allSatisfy { abs($0 - $1) < 1e-4 * max(1, abs($1)) })
        // A year of normalised months, de-normalised as a yearly frame, is the physical yearly mean.
        var yearNorm = [Float](repeating: 0, count: 512), yearPhys = [Double](repeating: 0, count: 512)
        for m in 36..<48 {
            for k in 0..<512 {
                yearNorm[k] += z[m * 512 + k] / 12
                yearPhys[k] += Double(run.fields[m * 512 + k]) / 12
            }
        }
        let yearly = try norm.denormalizeFrame(yearNorm[...], plane: 256, source: 1, start: run.firstMonth + 36, months: 12,
                                               forcing: try norm.normalize(run.forcing))
        #expect(zip(yearly, yearPhys).allSatisfy { abs(Double($0) - $1) < 1e-3 })
    }

    @Test func variablesLeftOutKeepOneStd() throws {
        let perVariable = try Self.fit([false, false]), prOnly = try Self.fit([false, true])
        #expect(perVariable.cellStd == nil)
        let scale = try #require(prOnly.cellStd)
        #expect(try scale.std(source: 1)[0..<256].allSatisfy { $0 == prOnly.fieldStd[0] })
        #expect(try prOnly.scale(source: 0, plane: 256)[0..<256].allSatisfy { $0 == prOnly.fieldStd[0] })
        // Without per-cell stds the scale is the variable's std everywhere, and normalising is what it was.
        let plain = try perVariable.scale(source: 1, plane: 256)
        #expect(plain[0] == perVariable.fieldStd[0] && plain[300] == perVariable.fieldStd[1])
        // The per-variable statistics do not depend on the option.
        #expect(prOnly.fieldStd == perVariable.fieldStd && prOnly.climatology == perVariable.climatology)
    }

    @Test func stdsTravelWithTheModel() throws {
        let norm = try Self.fit([true, true])
        let decoded = try JSONDecoder().decode(Normalizer.self, from: JSONEncoder().encode(norm))
        #expect(decoded == norm)
        let swapped = try norm.reordered(to: ["B", "A"])
        #expect(try swapped.scale(source: 0, plane: 256) == norm.scale(source: 1, plane: 256))
        #expect(swapped.climatology?.sourceIDs == ["B", "A"] && swapped.cellStd?.sourceIDs == ["B", "A"])
        #expect(throws: SPFModelError.self) { try norm.reordered(to: ["A", "C"]) }
        // A normaliser stored before per-cell stds existed decodes without them.
        var old = norm
        old.cellStd = nil
        #expect(try JSONDecoder().decode(Normalizer.self, from: JSONEncoder().encode(old)).cellStd == nil)
    }

    @Test func badStdsAndMissingClimatologiesAreRefused() throws {
        #expect(throws: SPFModelError.self) { try FieldScale(sourceIDs: ["A"], channels: 1, plane: 2, values: [1, 0]) }
        #expect(throws: SPFModelError.self) { try FieldScale(sourceIDs: ["A"], channels: 1, plane: 2, values: [1, .nan]) }
        #expect(throws: SPFModelError.self) { try FieldScale(sourceIDs: ["A"], channels: 1, plane: 2, values: [1]) }
        #expect(throws: SPFModelError.self) { try Normalizer.fit(runs: try Self.runs(), channels: 2, perCellStd: [false, true]) }
        // A cell that never varies gets the floor (a fraction of its variable's std), not a zero to divide by.
        var runs = try Self.runs()
        for r in runs.indices { for m in 0..<runs[r].months { runs[r].fields[m * 512 + 300] = 1 } }
        let norm = try Normalizer.fit(runs: runs, channels: 2, climatologySources: ["A", "B"], perCellStd: [true, true])
        let floor = try #require(norm.cellStd).values[300]
        #expect(abs(floor - 0.05 * norm.fieldStd[1]) < 1e-6 * norm.fieldStd[1])
    }
}

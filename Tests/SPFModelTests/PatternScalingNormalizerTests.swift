import Foundation
import Testing
import SPFModel

/// Normalisation against each ESM's per-cell pattern scaling (`spf.norm-stats climatology: pattern-scaling`): the
/// regression recovers a known linear forced pattern, the residuals are what is left to learn, a year of normalised
/// months still averages to the normalised year (the pyramid's consistency), and a forcing is required to undo it.
@Suite struct PatternScalingNormalizerTests {
    /// A noise-free run of the fixtures' truth: 0.3·c + pattern·F(t) + season, exactly linear in F per calendar month.
    static func exactRun(source: Int, startYear: Int, years: Int, slope: Double) throws -> TrainingRun {
        let f = try TestFixtures.forcing(startYear: startYear, years: years, slope: slope)
        var v = [Float](repeating: 0, count: years * 12 * 512)
        for m in 0..<(years * 12) {
            for c in 0..<2 { for y in 0..<16 { for x in 0..<16 {
                v[((m * 2 + c) * 16 + y) * 16 + x] = TestFixtures.truthMean(c, y, x, month: startYear * 12 + m, forcing: f)
            } } }
        }
        return try TrainingRun(source: source, label: "exact-\(source)-\(slope)", startYear: startYear, months: years * 12, channels: 2,
                               height: 16, width: 16, fields: v, forcing: f)
    }

    @Test func regressionRecoversAKnownLinearPattern() throws {
        let runs = [try Self.exactRun(source: 0, startYear: 1990, years: 8, slope: 1.0),
                    try Self.exactRun(source: 0, startYear: 2015, years: 8, slope: 3.0)]
        // Normalised forcing z = (F - 0.5) / 2 (any affine map will do: the slope is pattern · 2 per unit z).
        let z = runs.map { $0.forcing.global.map { ($0 - 0.5) / 2 } }
        let clim = try FieldClimatology.fit(runs: runs, sourceIDs: ["A"], channels: 2, forcing: z, forcingChannels: 1, ridge: 0)
        #expect(clim.forcingChannels == 1 && clim.forcingSlopes.count == 12 * 512)
        for month in [0, 5, 11] {
            for (c, y, x) in [(0, 0, 0), (0, 15, 3), (1, 7, 15), (1, 2, 9)] {
                let k = (c * 16 + y) * 16 + x
                let slope = clim.forcingSlopes[month * 512 + k], intercept = clim.values[month * 512 + k]
                #expect(abs(slope - 2 * TestFixtures.pattern(c, y, x)) < 1e-3)
                let expectedIntercept = 0.3 * Float(c) + TestFixtures.pattern(c, y, x) * 0.5 + TestFixtures.season(c, y, month)
                #expect(abs(intercept - expectedIntercept) < 1e-3)
            }
        }
        // The expected field of a yearly frame follows that year's forcing.
        let forcing = try ForcingSeries(startYear: 2015, months: 96, griddedChannels: 0, height: 16, width: 16, gridded: [],
                                        globalChannels: 1, global: z[1])
        let year = try clim.mean(source: 0, start: 2020 * 12, months: 12, forcing: forcing)
        for k in [0, 100, 300, 511] {
            var physical = 0.0
            for m in (5 * 12)..<(6 * 12) { physical += Double(runs[1].fields[m * 512 + k]) / 12 }
            #expect(abs(Double(year[k]) - physical) < 1e-3)
        }
    }

    @Test func residualsAreSmallerThanSeasonalAnomaliesAndTheYearStaysConsistent() throws {
        let runs = [try TestFixtures.run(source: 0, startYear: 1990, years: 20, slope: 1.0, seed: 1),
                    try TestFixtures.run(source: 0, startYear: 2015, years: 20, slope: 3.0, seed: 2),
                    try TestFixtures.run(source: 1, startYear: 2000, years: 20, slope: 2.0, seed: 3)]
        let seasonal = try Normalizer.fit(runs: runs, channels: 2, climatologySources: ["A", "B"])
        let scaled = try Normalizer.fit(runs: runs, channels: 2, climatologySources: ["A", "B"], regressOnForcing: true)
        #expect(scaled.needsForcing && !seasonal.needsForcing)
        // The forced trend is no longer in the anomalies: variable 0's residual std is the noise's (0.5–0.8 by cell, RMS 0.66).
        #expect(abs(scaled.fieldStd[0] - 0.66) < 0.03, "residual std \(scaled.fieldStd[0])")
        #expect(seasonal.fieldStd[0] > 1.2 * scaled.fieldStd[0], "seasonal anomaly std \(seasonal.fieldStd[0])")
        let run = runs[1]
        let zRun = try scaled.normalizeRun(run)
        let forcing = try scaled.normalize(run.forcing)
        let shape = FieldShape(items: 1, frames: run.months, channels: 2, height: 16, width: 16)
        let back = try scaled.denormalize(zRun, shape: shape, frameStarts: (0..<run.months).map { run.firstMonth + $0 },
                                          monthsPerFrame: 1, source: 0, forcing: forcing)
        #expect(zip(back, run.fields).allSatisfy { abs($0 - $1) < 1e-4 * max(1, abs($1)) })
        // A decade of normalised months, de-normalised as one decadal frame, is the physical decadal mean.
        let frame = 512
        var decadeNorm = [Float](repeating: 0, count: frame), decadePhys = [Double](repeating: 0, count: frame)
        for m in 0..<120 {
            for k in 0..<frame {
                decadeNorm[k] += zRun[(60 + m) * frame + k] / 120
                decadePhys[k] += Double(run.fields[(60 + m) * frame + k]) / 120
            }
        }
        let decadal = try scaled.denormalizeFrame(decadeNorm[...], plane: 256, source: 0, start: run.firstMonth + 60, months: 120,
                                                  forcing: forcing)
        #expect(zip(decadal, decadePhys).allSatisfy { abs(Double($0) - $1) < 1e-3 })
        // Without the forcing the offset is unknown: an error, not a silently wrong field.
        #expect(throws: SPFModelError.self) {
            try scaled.denormalizeFrame(decadeNorm[...], plane: 256, source: 0, start: run.firstMonth, months: 120)
        }
    }

    @Test func slopesSurviveCodingAndReordering() throws {
        let runs = [try TestFixtures.run(source: 0, startYear: 1990, years: 3, slope: 1.0, seed: 1),
                    try TestFixtures.run(source: 1, startYear: 2000, years: 3, slope: 2.0, seed: 2)]
        let norm = try Normalizer.fit(runs: runs, channels: 2, climatologySources: ["A", "B"], regressOnForcing: true)
        #expect(try JSONDecoder().decode(Normalizer.self, from: JSONEncoder().encode(norm)) == norm)
        let clim = try #require(norm.climatology)
        let swapped = try clim.reordered(to: ["B", "A"])
        let slopes = 12 * 512
        #expect(Array(swapped.forcingSlopes[0..<slopes]) == Array(clim.forcingSlopes[slopes..<(2 * slopes)]))
        #expect(Array(swapped.forcingSlopes[slopes..<(2 * slopes)]) == Array(clim.forcingSlopes[0..<slopes]))
    }

    @Test func aConstantForcingIsNamedNotSolved() throws {
        let run = try TestFixtures.run(source: 0, startYear: 2000, years: 3, slope: 0, seed: 4)
        do {
            _ = try FieldClimatology.fit(runs: [run], sourceIDs: ["MRI-ESM2-0"], channels: 2, forcing: [run.forcing.global],
                                         forcingChannels: 1, ridge: 0)
            Issue.record("expected an error")
        } catch let error as SPFModelError {
            #expect("\(error)".contains("MRI-ESM2-0"))
            #expect("\(error)".contains("singular"))
        }
    }
}

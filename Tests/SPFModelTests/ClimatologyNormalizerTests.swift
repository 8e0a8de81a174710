import Foundation
import Testing
import SPFModel

/// Normalisation against each ESM's per-cell seasonal climatology: exact means, round trips at every timescale,
/// the pyramid's linearity (a year of normalised months averages to the normalised year) and errors that name the ESM.
@Suite struct ClimatologyNormalizerTests {
    /// Two ESMs with different seasonal cycles: source 0 as the fixtures, source 1 shifted by +5 and a larger season.
    static func runs() throws -> [TrainingRun] {
        let a = try TestFixtures.run(source: 0, startYear: 1990, years: 6, slope: 1.0, seed: 1)
        var b = try TestFixtures.run(source: 1, startYear: 2000, years: 4, slope: 2.0, seed: 2)
        for k in b.fields.indices { b.fields[k] = 5 + 1.5 * b.fields[k] }
        return [a, b]
    }

    @Test func climatologyIsTheMeanOfEachCalendarMonthPerESMAndCell() throws {
        let runs = try Self.runs()
        let clim = try FieldClimatology.fit(runs: runs, sourceIDs: ["A", "B"], channels: 2)
        let frame = 2 * 256
        for (s, run) in runs.enumerated() {
            for month in [0, 6, 11] {
                for k in [0, 37, 300, 511] {
                    var sum = 0.0, n = 0.0
                    for m in stride(from: month, to: run.months, by: 12) { sum += Double(run.fields[m * frame + k]); n += 1 }
                    #expect(abs(Double(clim.values[(s * 12 + month) * frame + k]) - sum / n) < 1e-4)
                }
            }
        }
        // A yearly frame's climatology is the mean of the twelve months'.
        let year = try clim.mean(source: 1, start: 2001 * 12, months: 12)
        var expected = [Double](repeating: 0, count: frame)
        for month in 0..<12 { for k in 0..<frame { expected[k] += Double(clim.values[(12 + month) * frame + k]) / 12 } }
        #expect(zip(year, expected).allSatisfy { abs(Double($0) - $1) < 1e-4 })
    }

    @Test func monthlyRoundTripAndYearlyConsistency() throws {
        let runs = try Self.runs()
        let norm = try Normalizer.fit(runs: runs, channels: 2, climatologySources: ["A", "B"])
        let run = runs[1]
        let z = try norm.normalizeRun(run)
        // The anomalies are small: the seasonal cycle and the offset of ESM B are gone.
        let anomalyMean = z.reduce(0.0) { $0 + Double($1) } / Double(z.count)
        #expect(abs(anomalyMean) < 0.5)
        let shape = FieldShape(items: 1, frames: run.months, channels: 2, height: 16, width: 16)
        let back = try norm.denormalize(z, shape: shape, frameStarts: (0..<run.months).map { run.firstMonth + $0 },
                                        monthsPerFrame: 1, source: 1)
        #expect(zip(back, run.fields).allSatisfy { abs($0 - $1) < 1e-4 * max(1, abs($1)) })
        // Linearity: the mean of a year's normalised months, de-normalised as a yearly frame, is the physical yearly mean.
        let frame = 512
        var yearNorm = [Float](repeating: 0, count: frame), yearPhys = [Double](repeating: 0, count: frame)
        for m in 12..<24 {
            for k in 0..<frame {
                yearNorm[k] += z[m * frame + k] / 12
                yearPhys[k] += Double(run.fields[m * frame + k]) / 12
            }
        }
        let yearly = try norm.denormalizeFrame(yearNorm[...], plane: 256, source: 1, start: run.firstMonth + 12, months: 12)
        #expect(zip(yearly, yearPhys).allSatisfy { abs(Double($0) - $1) < 1e-3 })
    }

    @Test func codableRoundTripIsBitExactAndReorderFollowsTheModelsSources() throws {
        let runs = try Self.runs()
        let norm = try Normalizer.fit(runs: runs, channels: 2, climatologySources: ["A", "B"])
        let data = try JSONEncoder().encode(norm)
        let decoded = try JSONDecoder().decode(Normalizer.self, from: data)
        #expect(decoded == norm)
        let clim = try #require(norm.climatology)
        let swapped = try clim.reordered(to: ["B", "A"])
        let frame = 12 * 512
        #expect(Array(swapped.values[0..<frame]) == Array(clim.values[frame..<(2 * frame)]))
        #expect(throws: SPFModelError.self) { try clim.reordered(to: ["A", "C"]) }
        // A normaliser without a climatology (older models) still decodes.
        let plain = Normalizer(fieldMean: [0, 0], fieldStd: [1, 1], griddedMean: [], griddedStd: [], globalMean: [], globalStd: [])
        #expect(try JSONDecoder().decode(Normalizer.self, from: JSONEncoder().encode(plain)).climatology == nil)
    }

    @Test func anESMMissingACalendarMonthIsNamed() throws {
        var run = try TestFixtures.run(source: 0, startYear: 2000, years: 1, slope: 1, seed: 3)
        run = try TrainingRun(source: 0, label: "short", startYear: 2000, months: 6, channels: 2, height: 16, width: 16,
                              fields: Array(run.fields[0..<(6 * 512)]),
                              forcing: try ForcingSeries(startYear: 2000, months: 6, griddedChannels: 0, height: 16, width: 16,
                                                         gridded: [], globalChannels: 1, global: [Float](repeating: 0, count: 6)))
        do {
            _ = try FieldClimatology.fit(runs: [run], sourceIDs: ["CESM2"], channels: 2)
            Issue.record("expected an error")
        } catch let error as SPFModelError {
            #expect("\(error)".contains("CESM2"))
            #expect("\(error)".contains("month 7"))
        }
    }
}

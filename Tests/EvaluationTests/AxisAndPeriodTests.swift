import Evaluation
import Testing

/// Tick placement, period parsing and time-axis bookkeeping.
@Suite struct AxisAndPeriodTests {
    @Test func ticksAreNiceAndInsideTheRange() {
        let t = AxisTicks(lower: 282.7, upper: 288.1, target: 6)
        #expect(t.step == 1)
        #expect(t.values == [283, 284, 285, 286, 287, 288])
        #expect(AxisTicks(lower: -0.93, upper: 0.93, target: 5).labels == ["−0.5", "0.0", "0.5"])
        #expect(AxisTicks(lower: 1850, upper: 2100, target: 8).values.first == 1850)
        let tiny = AxisTicks(lower: 0, upper: 2.4e-5, target: 4)
        #expect(abs(tiny.step - 1e-5) < 1e-18 && tiny.labels == ["0.00000", "0.00001", "0.00002"])
    }

    @Test func periodsParseAndSelectFrames() throws {
        let p = try EvaluationPeriod(parsing: "2080-2100")
        #expect(p.label == "2080-2100")
        #expect(try p.frames(in: FrameAxis(timescale: .yearly, startYear: 2015, count: 86)) == 65..<86)
        #expect(try p.frames(in: FrameAxis(timescale: .monthly, startYear: 2079, count: 36)) == 12..<36)
        #expect(throws: EvaluationError.self) { _ = try EvaluationPeriod(parsing: "2100-2015") }
        #expect(throws: EvaluationError.self) { _ = try EvaluationPeriod(parsing: "late century") }
        #expect(throws: EvaluationError.self) {
            _ = try p.frames(in: FrameAxis(timescale: .yearly, startYear: 1850, count: 100))
        }
    }

    @Test func decadalAxisCoversTheLastPartialDecade() {
        let axis = FrameAxis.decadal(startYear: 2015, endYear: 2100)
        #expect(axis.count == 9)
        #expect(axis.years(of: 8) == 2095...2100)
        #expect(axis.centre(of: 0) == 2020)
        #expect(FrameAxis(timescale: .monthly, startYear: 2081, count: 240).endYear == 2100)
    }

    @Test func quantileBandInterpolatesLikeNumpy() {
        // numpy.quantile([1, 2, 3, 4, 10], [0.05, 0.5, 0.95]) = [1.2, 3.0, 8.8]
        let band = EnsembleStatistics.quantileBand([[1], [10], [3], [2], [4]], lower: 0.05, upper: 0.95)
        #expect(abs(band.lower[0] - 1.2) < 1e-12 && band.median[0] == 3 && abs(band.upper[0] - 8.8) < 1e-12)
    }
}

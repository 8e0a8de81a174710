import Foundation
import Testing
import SPFModel

/// The monthly product's months are shifted, cell by cell and year by year, to average to the yearly product:
/// by one amount for a signed variable, and for a non-negative one with the months floored at zero and the shift
/// solved so the floored months still average to the annual value.
@Suite struct AnnualMeanConstraintTests {
    static func mean(_ x: [Float]) -> Double { x.reduce(0.0) { $0 + Double($1) } / Double(x.count) }

    @Test func aSignedVariableIsShiftedByOneAmount() {
        let months: [Float] = [271, 273, 276, 280, 284, 287, 289, 288, 285, 281, 276, 272]
        let fixed = AnnualMeanConstraint.constrain(months, toMean: 280.5, nonNegative: false)
        #expect(abs(Self.mean(fixed) - 280.5) < 1e-4)
        let shifts = zip(fixed, months).map { Double($0) - Double($1) }
        #expect(shifts.allSatisfy { abs($0 - shifts[0]) < 1e-4 }, "\(shifts)")
        // A signed variable may go below zero.
        #expect(AnnualMeanConstraint.constrain([1, -1, 3], toMean: -2, nonNegative: false).contains { $0 < 0 })
    }

    @Test func aNonNegativeVariableIsFlooredAndStillAveragesToTheAnnualValue() {
        // Dry months below zero, as a flow sampled in normalised units gives them.
        let months: [Float] = [-2e-6, 1e-6, 5e-6, 3e-5, 6e-5, 4e-5, 1e-5, -5e-6, 0, 2e-6, 8e-6, 1.5e-5]
        for annual: Float in [1e-7, 2e-6, 1.3e-5, 2.5e-5, 9e-5] {
            let fixed = AnnualMeanConstraint.constrain(months, toMean: annual, nonNegative: true)
            #expect(fixed.allSatisfy { $0 >= 0 })
            #expect(abs(Self.mean(fixed) - Double(annual)) < 1e-6 * Double(annual), "annual \(annual): mean \(Self.mean(fixed))")
            // The months above zero keep their differences (one shift), and the order of the months is kept.
            let wet = fixed.indices.filter { fixed[$0] > 0 }
            let shift = Double(fixed[wet[0]]) - Double(months[wet[0]])
            for i in wet { #expect(abs(Double(fixed[i]) - Double(months[i]) - shift) < 1e-9 + 1e-5 * Double(annual)) }
            for i in fixed.indices where fixed[i] == 0 { #expect(Double(months[i]) + shift <= 1e-12) }
        }
        // A year whose months already average to the annual value and are all positive is left as it is.
        let positive: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map { $0 * 1e-6 }
        let same = AnnualMeanConstraint.constrain(positive, toMean: Float(Self.mean(positive)), nonNegative: true)
        #expect(zip(same, positive).allSatisfy { abs($0 - $1) < 1e-12 })
        // A zero or negative annual value: every month is zero.
        #expect(AnnualMeanConstraint.constrain(months, toMean: -1e-6, nonNegative: true) == [Float](repeating: 0, count: 12))
        #expect(AnnualMeanConstraint.constrain(months, toMean: 0, nonNegative: true) == [Float](repeating: 0, count: 12))
    }

    @Test func wholeFieldsAreConstrainedPerCellAndYear() throws {
        let plane = 3, years = 2
        var monthly = (0..<(years * 12 * plane)).map { Float(sin(Double($0)) * 4e-5 + 1e-5) }
        let annual: [Float] = [1e-5, 2e-5, 0, 3e-5, 5e-6, 1e-6]
        try AnnualMeanConstraint.constrain(monthly: &monthly, annual: annual, plane: plane, nonNegative: true)
        for year in 0..<years {
            for cell in 0..<plane {
                let months = (0..<12).map { monthly[(year * 12 + $0) * plane + cell] }
                let target = Double(annual[year * plane + cell])
                #expect(abs(Self.mean(months) - target) <= 1e-6 * max(target, 1e-12), "year \(year) cell \(cell)")
                #expect(months.allSatisfy { $0 >= 0 })
            }
        }
        #expect(throws: SPFModelError.self) {
            var short = [Float](repeating: 0, count: 20)
            try AnnualMeanConstraint.constrain(monthly: &short, annual: [0, 0], plane: 1, nonNegative: false)
        }
    }
}

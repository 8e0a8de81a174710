/// Makes the months of a monthly sample average to a given annual value, cell by cell: the monthly
/// product of an ensemble then agrees with the yearly product of the same members by construction.
///
/// The monthly stage refines a year into its 12 months from a noisy yearly state, and a few solver
/// steps lose part of the skewed upper tail of a flux such as pr, so the months' mean drifts below the
/// yearly product's (measured on the default run: −1.7 % for CESM2 and −2.7 % for UKESM1-0-LL over
/// 2085–2094 with two midpoint steps, −0.5 % and −1.3 % with eight). The constraint keeps the
/// monthly stage's within-year anomalies and takes the annual mean from the yearly product.
///
/// Every month of a (cell, year) is shifted by the same amount. For a non-negative variable the
/// shifted months are floored at zero and the shift is solved so that the floored months still
/// average exactly to the annual value (itself floored at zero): the water level of the 12 months.
public enum AnnualMeanConstraint {
    /// The months of one cell and year, shifted by one amount so that their mean is `annual`; with
    /// `nonNegative`, floored at zero with the shift chosen so that the floored mean is `max(annual, 0)`.
    public static func constrain(_ months: [Float], toMean annual: Float, nonNegative: Bool) -> [Float] {
        let n = months.count
        guard n > 0 else { return months }
        if !nonNegative {
            let shift = annual - Self.mean(months)
            return months.map { $0 + shift }
        }
        guard annual > 0 else { return [Float](repeating: 0, count: n) }
        // f(c) = Σ max(0, x + c) rises piecewise linearly in c: with the k largest months above zero,
        // c = (n·annual − Σ top k) / k; the first k whose next month stays at or below zero is the one.
        let sorted = months.map(Double.init).sorted(by: >)
        let target = Double(n) * Double(annual)
        var top = 0.0
        var shift = 0.0
        for k in 1...n {
            top += sorted[k - 1]
            shift = (target - top) / Double(k)
            if k == n || sorted[k] + shift <= 0 { break }
        }
        return months.map { Float(max(0, Double($0) + shift)) }
    }

    /// Applies ``constrain(_:toMean:nonNegative:)`` to every cell and year of one member's variable:
    /// `monthly` is `[years·12, plane]` and `annual` `[years, plane]`.
    public static func constrain(monthly: inout [Float], annual: [Float], plane: Int, nonNegative: Bool) throws {
        guard plane > 0, monthly.count % (12 * plane) == 0, annual.count * 12 == monthly.count else {
            throw SPFModelError(.shapeMismatch, "\(monthly.count) monthly values and \(annual.count) annual values "
                                + "are not whole years of \(plane) cells")
        }
        var months = [Float](repeating: 0, count: 12)
        for year in 0..<(annual.count / plane) {
            for cell in 0..<plane {
                for m in 0..<12 { months[m] = monthly[(year * 12 + m) * plane + cell] }
                let fixed = constrain(months, toMean: annual[year * plane + cell], nonNegative: nonNegative)
                for m in 0..<12 { monthly[(year * 12 + m) * plane + cell] = fixed[m] }
            }
        }
    }

    private static func mean(_ x: [Float]) -> Float {
        Float(x.reduce(0.0) { $0 + Double($1) } / Double(x.count))
    }
}

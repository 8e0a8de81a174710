/// What the simple climate model computed, one value per year from 1750 to `lastYear`.
public struct SimpleClimateModelResult: Sendable {
    /// Last year.
    public var lastYear: Int
    /// CO2 (ppm), CH4 and N2O (ppb) concentrations.
    public var co2: [Double], ch4: [Double], n2o: [Double]
    /// ERF components (W m-2), keyed by RCMIP variable (modelled and prescribed).
    public var components: [String: [Double]]
    /// Total ERF (W m-2): observed through the last historical year, the sum of the components after it.
    public var totalForcing: [Double]
    /// Temperature anomaly driving the carbon-cycle feedback, K.
    public var temperature: [Double]

    /// Years, 1750...lastYear.
    public var years: ClosedRange<Int> { EmissionsPathway.firstYear...lastYear }

    /// The total ERF for `first...last` (inside `years`).
    public func totalForcing(from first: Int, through last: Int) throws(ForcingError) -> [Double] {
        guard first >= EmissionsPathway.firstYear, last <= lastYear, first <= last else {
            throw ForcingError(.missingYears, "simple climate model: years \(first)...\(last) requested, ran \(years)")
        }
        return Array(totalForcing[(first - EmissionsPathway.firstYear)...(last - EmissionsPathway.firstYear)])
    }
}

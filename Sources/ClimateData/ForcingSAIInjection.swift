/// The stratospheric aerosol injection (SAI) experiment: emissions of `emissionsScenario`
/// with an injected aerosol optical depth chosen so that the effective radiative forcing follows
/// `targetScenario`'s from `startYear` on (GeoMIP G6sulfur: ssp585 → ssp245 from 2020):
///
///     AOD(y) = max(0, ERF_emissions(y) − ERF_target(y)) / efficiency     for y ≥ startYear, else 0
///
/// with ERF the RCMIP total effective radiative forcing and `efficiency` the global forcing per
/// unit AOD (W m-2; about 20–25 for volcanic-like sulfate, here 22).
public struct SAIInjection: Sendable, Hashable {
    /// CMIP6 experiment id.
    public var experiment: String
    /// CMIP6 activity id.
    public var activity: String
    /// RCMIP scenario of the emissions.
    public var emissionsScenario: String
    /// RCMIP scenario whose forcing the injection targets.
    public var targetScenario: String
    /// First year with injection.
    public var startYear: Int
    /// Magnitude of the forcing per unit AOD, W m-2.
    public var efficiency: Double

    /// Creates a definition.
    public init(experiment: String, activity: String, emissionsScenario: String, targetScenario: String,
                startYear: Int, efficiency: Double) {
        self.experiment = experiment
        self.activity = activity
        self.emissionsScenario = emissionsScenario
        self.targetScenario = targetScenario
        self.startYear = startYear
        self.efficiency = efficiency
    }

    /// GeoMIP G6sulfur: ssp585 emissions, sulfate injection from 2020 bringing forcing to ssp245's.
    public static let g6sulfur = SAIInjection(experiment: "G6sulfur", activity: "GeoMIP", emissionsScenario: "ssp585",
                                              targetScenario: "ssp245", startYear: 2020, efficiency: 22)

    /// Annual AOD for `first...last` from an RCMIP table holding `Effective Radiative Forcing`.
    public func aod(from first: Int, through last: Int, forcing: RCMIPTable) throws(ForcingError) -> [Double] {
        guard first <= last else { return [] }
        guard last >= startYear else { return Array(repeating: 0, count: last - first + 1) }
        let from = max(first, startYear)
        let high = try forcing.series(scenario: emissionsScenario, variable: "Effective Radiative Forcing")
            .annual(from: from, through: last)
        let low = try forcing.series(scenario: targetScenario, variable: "Effective Radiative Forcing")
            .annual(from: from, through: last)
        var out = Array(repeating: 0.0, count: from - first)
        for k in 0..<high.count { out.append(max(0, high[k] - low[k]) / efficiency) }
        return out
    }
}

/// What the simple climate model is driven by, annual from 1750 (RCMIP's pre-industrial reference) to
/// `lastYear`: emissions per species in RCMIP's units (`EmissionSpecies.unit`), the forcings it does not model
/// (stratospheric ozone, the minor well-mixed greenhouse gases, solar and volcanic), and the observed history
/// it starts from: CO2, CH4 and N2O concentrations and the total ERF through `lastHistoricalYear`.
public struct EmissionsPathway: Sendable {
    /// First year: always 1750 (emission changes are counted from its values).
    public static let firstYear = 1750
    /// Last year.
    public var lastYear: Int
    /// Last year of the observed history (RCMIP: 2014); scenario years follow it.
    public var lastHistoricalYear: Int
    /// Emissions per species, one value per year from 1750.
    public var emissions: [EmissionSpecies: [Double]]
    /// Prescribed ERF components (W m-2), one value per year from 1750, keyed by RCMIP variable.
    public var prescribedForcing: [String: [Double]]
    /// Observed CO2 (ppm), CH4 and N2O (ppb) from 1750 through `lastHistoricalYear`.
    public var observedCO2: [Double], observedCH4: [Double], observedN2O: [Double]
    /// Observed total ERF (W m-2) from 1750 through `lastHistoricalYear`: drives the historical temperature.
    public var historicalForcing: [Double]

    /// The species the model needs.
    public static let requiredSpecies: [EmissionSpecies] = [.co2, .co2AFOLU, .ch4, .n2o, .sulfur, .bc, .oc, .nh3, .nox, .noxAviation, .co, .voc]
    /// The ERF components the model takes as given (RCMIP variables).
    public static let prescribedVariables = [
        "Effective Radiative Forcing|Anthropogenic|Stratospheric Ozone",
        "Effective Radiative Forcing|Anthropogenic|Other|Other WMGHGs",
        "Effective Radiative Forcing|Natural",
    ]

    /// Creates a pathway; checks the lengths.
    public init(lastYear: Int, lastHistoricalYear: Int, emissions: [EmissionSpecies: [Double]], prescribedForcing: [String: [Double]],
                observedCO2: [Double], observedCH4: [Double], observedN2O: [Double], historicalForcing: [Double]) throws(ForcingError) {
        let n = lastYear - Self.firstYear + 1, h = lastHistoricalYear - Self.firstYear + 1
        guard lastHistoricalYear >= Self.firstYear + 10, lastYear > lastHistoricalYear else {
            throw ForcingError(.badSpecification, "simple climate model: need history 1750...\(lastHistoricalYear) (≥ 10 years) before scenario years to \(lastYear)")
        }
        for s in Self.requiredSpecies {
            guard let e = emissions[s] else { throw ForcingError(.missingSeries, "simple climate model: no emissions of \(s.variable)") }
            guard e.count == n else { throw ForcingError(.shapeMismatch, "simple climate model: \(s.variable) has \(e.count) years, need \(n) (1750...\(lastYear))") }
        }
        for v in Self.prescribedVariables {
            guard let f = prescribedForcing[v] else { throw ForcingError(.missingSeries, "simple climate model: no \(v)") }
            guard f.count == n else { throw ForcingError(.shapeMismatch, "simple climate model: \(v) has \(f.count) years, need \(n)") }
        }
        for (name, s) in [("CO2 concentrations", observedCO2), ("CH4 concentrations", observedCH4), ("N2O concentrations", observedN2O),
                          ("historical ERF", historicalForcing)] where s.count < h {
            throw ForcingError(.shapeMismatch, "simple climate model: \(name) cover \(s.count) years, need 1750...\(lastHistoricalYear)")
        }
        self.lastYear = lastYear
        self.lastHistoricalYear = lastHistoricalYear
        self.emissions = emissions
        self.prescribedForcing = prescribedForcing
        self.observedCO2 = Array(observedCO2.prefix(h))
        self.observedCH4 = Array(observedCH4.prefix(h))
        self.observedN2O = Array(observedN2O.prefix(h))
        self.historicalForcing = Array(historicalForcing.prefix(h))
    }

    /// The pathway of an RCMIP scenario (e.g. "ssp245") from spfflow's RCMIP extract: emissions and the
    /// prescribed forcings of that scenario's row, the history shared by all rows.
    public init(rcmip: RCMIPForcingData, scenario: String, through lastYear: Int) throws(ForcingError) {
        guard let concentrations = rcmip.concentrations else {
            throw ForcingError(.missingSeries, "\(rcmip.emissions.source): no concentrations table (\(RCMIPForcingData.concentrationsExtractName)) beside it")
        }
        let history = 2014
        var emissions: [EmissionSpecies: [Double]] = [:]
        for s in Self.requiredSpecies {
            emissions[s] = try rcmip.emissions.series(scenario: scenario, variable: s.variable).annual(from: Self.firstYear, through: lastYear)
        }
        var prescribed: [String: [Double]] = [:]
        for v in Self.prescribedVariables {
            prescribed[v] = try rcmip.forcing.series(scenario: scenario, variable: v).annual(from: Self.firstYear, through: lastYear)
        }
        func observed(_ v: String) throws(ForcingError) -> [Double] {
            try concentrations.series(scenario: scenario, variable: v).annual(from: Self.firstYear, through: history)
        }
        try self.init(lastYear: lastYear, lastHistoricalYear: history, emissions: emissions, prescribedForcing: prescribed,
                      observedCO2: observed("Atmospheric Concentrations|CO2"), observedCH4: observed("Atmospheric Concentrations|CH4"),
                      observedN2O: observed("Atmospheric Concentrations|N2O"),
                      historicalForcing: rcmip.forcing.series(scenario: scenario, variable: "Effective Radiative Forcing")
                        .annual(from: Self.firstYear, through: history))
    }
}

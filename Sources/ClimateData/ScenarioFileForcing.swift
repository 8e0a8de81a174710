/// A scenario from an IAMC file turned into RCMIP-shaped rows, so that every forcing variable (`ForcingSet`)
/// reads it as it reads an SSP: the historical years (through 2014; emissions through 2015, the last year RCMIP's
/// SSPs share, unless the file gives it) from RCMIP, the scenario years from the
/// file (converted to RCMIP's units, interpolated in years). When the file has no `Effective Radiative Forcing`,
/// the embedded `SimpleClimateModel` computes it from the file's emissions.
///
/// CO2 (`Emissions|CO2`, or its `MAGICC Fossil and Industrial` and `MAGICC AFOLU` parts), CH4, Sulfur and BC must
/// be in the file. The other species the model uses (N2O, OC, NH3, NOx, aviation NOx, CO, VOC), and the forcings
/// it does not model (stratospheric ozone, minor greenhouse gases, solar and volcanic), are taken from the
/// `background` RCMIP scenario when the file lacks them; `infilled` lists them.
public struct ScenarioFileForcing: Sendable {
    /// The RCMIP tables with the scenario's rows added under `scenarioKey`.
    public var data: RCMIPForcingData
    /// The mapping to read the scenario with (`RCMIPForcingData.annual(_:scenario:from:through:)`).
    public var scenario: ForcingScenario
    /// Variables taken from the background scenario, with the reason.
    public var infilled: [String]
    /// Whether the total ERF came from the simple climate model (true) or from the file (false).
    public var forcingModelled: Bool

    /// The species the file must have (the ClimateBench ones).
    public static let requiredSpecies: [EmissionSpecies] = [.co2, .ch4, .sulfur, .bc]
    /// The row name of the total ERF.
    static let totalForcing = "Effective Radiative Forcing"

    /// Adds `file`'s scenario to `rcmip` for the years through `lastYear`, as experiment `experiment`.
    public init(rcmip: RCMIPForcingData, file: IAMCScenario, experiment: String, background: String = "ssp245",
                through lastYear: Int) throws(ForcingError) {
        let history = 2014, first = EmissionsPathway.firstYear
        guard lastYear > history else {
            throw ForcingError(.badSpecification, "\(file.source): scenario '\(file.name)' is read for years after \(history); asked for years to \(lastYear)")
        }
        let key = "file:\(file.name)"
        var infilled: [String] = []
        var emissionRows: [RCMIPSeries] = []
        var emissions: [EmissionSpecies: [Double]] = [:]
        let years = Array(first...lastYear)

        // History from RCMIP (1750...2014), the file's values after it; the gap from 2014 to the file's first later
        // year is interpolated like any other (at most 10 years).
        func joined(_ variable: String, unit: String, table: RCMIPTable) throws(ForcingError) -> [Double] {
            // RCMIP's emissions are common to all SSPs through 2015 (its forcing through 2014): that year is taken
            // from the history too unless the file gives it.
            let future = try file.points(variable, unit: unit).filter { $0.year > history }
            let commonEnd = table.series.contains(where: { $0.variable == variable && $0.variable.hasPrefix("Emissions") }) ? history + 1 : history
            let pastEnd = min(commonEnd, (future.first?.year ?? Int.max) - 1)
            let past = try table.series(scenario: background, variable: variable).annual(from: first, through: pastEnd)
            let known = past.enumerated().map { (year: first + $0.offset, value: $0.element) } + future
            let line = file.rows[variable]?.line ?? 0
            return try IAMCScenario.interpolate(known, from: first, through: lastYear, maxGap: 10) { (message: String) in
                ForcingError(.yearGap, "\(file.source) line \(line): variable '\(variable)' of scenario '\(file.name)': \(message) (after RCMIP's history to \(history))")
            }
        }
        func fromBackground(_ variable: String, table: RCMIPTable) throws(ForcingError) -> [Double] {
            try table.series(scenario: background, variable: variable).annual(from: first, through: lastYear)
        }

        for species in EmissionsPathway.requiredSpecies + [.co2FossilIndustrial] {
            let v = species.variable
            if file.has(v) {
                emissions[species] = try joined(v, unit: species.unit, table: rcmip.emissions)
            } else if species == .co2, file.has(EmissionSpecies.co2FossilIndustrial.variable), file.has(EmissionSpecies.co2AFOLU.variable) {
                let fossil = try joined(EmissionSpecies.co2FossilIndustrial.variable, unit: species.unit, table: rcmip.emissions)
                let afolu = try joined(EmissionSpecies.co2AFOLU.variable, unit: species.unit, table: rcmip.emissions)
                emissions[species] = zip(fossil, afolu).map { $0 + $1 }
            } else if Self.requiredSpecies.contains(species) {
                // Names the file, the scenario's first line and the variable.
                let alternative = species == .co2 ? " (or both '\(EmissionSpecies.co2FossilIndustrial.variable)' and '\(EmissionSpecies.co2AFOLU.variable)')" : ""
                throw ForcingError(.missingSeries, "\(file.source) line \(file.firstLine): scenario '\(file.name)' has no row for variable '\(v)'\(alternative)")
            } else if species == .co2FossilIndustrial {
                continue
            } else {
                emissions[species] = try fromBackground(v, table: rcmip.emissions)
                infilled.append("\(v) (from \(background))")
            }
            if let e = emissions[species] {
                emissionRows.append(RCMIPSeries(model: file.rows[v]?.model ?? "", scenario: key, region: "World", variable: v,
                                                unit: species.unit, years: years, values: e))
            }
        }

        var forcingRows: [RCMIPSeries] = []
        let modelled: Bool
        if file.has(Self.totalForcing) {
            let erf = try joined(Self.totalForcing, unit: "W/m^2", table: rcmip.forcing)
            forcingRows.append(RCMIPSeries(model: "", scenario: key, region: "World", variable: Self.totalForcing, unit: "W/m^2",
                                           years: years, values: erf))
            modelled = false
        } else {
            guard let concentrations = rcmip.concentrations else {
                throw ForcingError(.missingSeries, "\(file.source): scenario '\(file.name)' has no '\(Self.totalForcing)', and there is no RCMIP concentrations table (\(RCMIPForcingData.concentrationsExtractName)) to start the simple climate model from")
            }
            var prescribed: [String: [Double]] = [:]
            for v in EmissionsPathway.prescribedVariables {
                if file.has(v) {
                    prescribed[v] = try joined(v, unit: "W/m^2", table: rcmip.forcing)
                } else {
                    prescribed[v] = try fromBackground(v, table: rcmip.forcing)
                    infilled.append("\(v) (from \(background))")
                }
            }
            func observed(_ v: String) throws(ForcingError) -> [Double] {
                try concentrations.series(scenario: background, variable: v).annual(from: first, through: history)
            }
            let pathway = try EmissionsPathway(
                lastYear: lastYear, lastHistoricalYear: history, emissions: emissions, prescribedForcing: prescribed,
                observedCO2: observed("Atmospheric Concentrations|CO2"), observedCH4: observed("Atmospheric Concentrations|CH4"),
                observedN2O: observed("Atmospheric Concentrations|N2O"),
                historicalForcing: rcmip.forcing.series(scenario: background, variable: Self.totalForcing).annual(from: first, through: history))
            let result = SimpleClimateModel().run(pathway)
            forcingRows.append(RCMIPSeries(model: "spfflow simple climate model", scenario: key, region: "World", variable: Self.totalForcing,
                                           unit: "W/m^2", years: years, values: result.totalForcing))
            modelled = true
        }
        // Other variables of the file (e.g. for `rcmip:<Variable>` forcings), as given, in their own units.
        for (variable, row) in file.rows where !emissionRows.contains(where: { $0.variable == variable }) && variable != Self.totalForcing {
            let table = variable.hasPrefix("Effective Radiative Forcing") ? rcmip.forcing : rcmip.emissions
            guard table.series.contains(where: { $0.scenario == background && $0.variable == variable && $0.unit == row.unit }) else { continue }
            let values = try joined(variable, unit: row.unit, table: table)
            let s = RCMIPSeries(model: row.model, scenario: key, region: "World", variable: variable, unit: row.unit, years: years, values: values)
            if variable.hasPrefix("Effective Radiative Forcing") { forcingRows.append(s) } else { emissionRows.append(s) }
        }

        var data = rcmip
        data.emissions.series += emissionRows
        data.forcing.series += forcingRows
        self.data = data
        self.scenario = ForcingScenario(experiment: experiment, scenario: key, historicalScenario: background)
        self.infilled = infilled
        self.forcingModelled = modelled
    }
}

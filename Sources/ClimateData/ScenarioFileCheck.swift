/// What can be checked of a scenario in an IAMC file before any forcing is computed (when a manifest loads): the
/// variables `ScenarioFileForcing` needs are there, with units it can convert, and values after the history
/// (2014). Errors name the file, the line and the variable, as `ScenarioFileForcing` itself does.
extension ScenarioFileForcing {
    /// Throws the first problem with `file`'s scenario.
    public static func check(_ file: IAMCScenario) throws(ForcingError) {
        for species in requiredSpecies {
            if species == .co2, !file.has(species.variable),
               file.has(EmissionSpecies.co2FossilIndustrial.variable), file.has(EmissionSpecies.co2AFOLU.variable) {
                for part in [EmissionSpecies.co2FossilIndustrial, .co2AFOLU] { try checkFuture(file, part.variable, unit: species.unit) }
                continue
            }
            if !file.has(species.variable) {
                let alternative = species == .co2 ? " (or both '\(EmissionSpecies.co2FossilIndustrial.variable)' and '\(EmissionSpecies.co2AFOLU.variable)')" : ""
                throw ForcingError(.missingSeries, "\(file.source) line \(file.firstLine): scenario '\(file.name)' has no row for variable '\(species.variable)'\(alternative)")
            }
            try checkFuture(file, species.variable, unit: species.unit)
        }
        // Every other emission row the simple climate model reads, and the ERF, must convert too when present.
        for species in EmissionsPathway.requiredSpecies where file.has(species.variable) && !requiredSpecies.contains(species) {
            _ = try file.points(species.variable, unit: species.unit)
        }
        if file.has(totalForcing) { try checkFuture(file, totalForcing, unit: "W/m^2") }
    }

    /// The variable's values convert to `unit` and reach past 2014.
    static func checkFuture(_ file: IAMCScenario, _ variable: String, unit: String) throws(ForcingError) {
        let points = try file.points(variable, unit: unit)
        guard let last = points.last, last.year > 2014 else {
            throw ForcingError(.yearGap, "\(file.source) line \(file.rows[variable]?.line ?? file.firstLine): variable '\(variable)' of scenario '\(file.name)' has no values after 2014")
        }
    }
}

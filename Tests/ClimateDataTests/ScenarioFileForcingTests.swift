import ClimateData
import Foundation
import Testing

/// A scenario from an IAMC file as forcing: RCMIP's history, the file's years, the simple climate model's ERF.
@Suite struct ScenarioFileForcingTests {
    /// ssp245's emissions rewritten as a user's IAMC file (other units, every 10 years from 2020, no ERF): its
    /// ClimateBench forcings match ssp245's, and its ERF is the model's ERF for ssp245.
    @Test func anSSPRewrittenAsAFileGivesTheSSPsForcing() throws {
        let rcmip = try RCMIPTestSupport.extract()
        var csv = "Model,Scenario,Region,Variable,Unit," + stride(from: 2020, through: 2100, by: 10).map(String.init).joined(separator: ",") + "\n"
        let rewrites: [(EmissionSpecies, String, Double)] = [
            (.co2FossilIndustrial, "Gt C/yr", 12.01 / 44.01 / 1000), (.co2AFOLU, "Gt C/yr", 12.01 / 44.01 / 1000),
            (.ch4, "Mt CH4/yr", 1), (.sulfur, "Mt S/yr", 32.065 / 64.066), (.bc, "kt BC/yr", 1000), (.n2o, "Mt N2O/yr", 1e-3),
            (.oc, "Mt OC/yr", 1), (.nh3, "Mt NH3/yr", 1), (.nox, "Mt NOx/yr", 1), (.noxAviation, "Mt NOx/yr", 1),
            (.co, "Mt CO/yr", 1), (.voc, "Mt VOC/yr", 1),
        ]
        for (species, unit, factor) in rewrites {
            let row = try rcmip.emissions.series(scenario: "ssp245", variable: species.variable)
            let values = try stride(from: 2020, through: 2100, by: 10).map { y throws(ForcingError) in String(try row.value(in: y) * factor) }
            csv += "MESSAGE,my-ssp245,World,\(species.variable),\(unit)," + values.joined(separator: ",") + "\n"
        }
        let file = try IAMCScenarioFile(csv: csv, source: "my.csv").scenario("my-ssp245")
        let forcing = try ScenarioFileForcing(rcmip: rcmip, file: file, experiment: "my-ssp245", through: 2100)
        #expect(forcing.forcingModelled)
        // Only the forcings the model does not compute came from the background.
        #expect(forcing.infilled.count == EmissionsPathway.prescribedVariables.count)
        let set = try ForcingSet(names: ["co2_cumulative", "ch4", "so2", "bc", "erf", "erf_slow"])
        let ours = try forcing.data.annual(set, scenario: forcing.scenario, from: 1850, through: 2100)
        let theirs = try rcmip.annual(set, experiment: "ssp245", from: 1850, through: 2100)
        for name in ["co2_cumulative", "ch4", "so2", "bc"] {
            let a = try ours.series(name), b = try theirs.series(name)
            let worst = zip(a, b).map { abs($0 - $1) / max(abs($1), 1e-9) }.max() ?? .infinity
            #expect(worst < 1e-9, "\(name): relative difference \(worst)")
        }
        let model = SimpleClimateModel().run(try EmissionsPathway(rcmip: rcmip, scenario: "ssp245", through: 2100))
        let erf = try ours.series("erf")
        let expected = try model.totalForcing(from: 1850, through: 2100)
        #expect(zip(erf, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        // History is RCMIP's observed ERF; the scenario years are the model's, within 0.15 W m-2 of RCMIP's ssp245.
        #expect(abs(erf[2000 - 1850] - (try theirs.value("erf", year: 2000))) < 1e-9)
        #expect(abs(erf[2100 - 1850] - (try theirs.value("erf", year: 2100))) < 0.15)
    }

    /// ERF in the file is used as given; a file missing a ClimateBench species, or starting too late, is refused
    /// naming the file, the line and the variable.
    @Test func fileForcingIsUsedAndGapsAreErrors() throws {
        let rcmip = try RCMIPTestSupport.extract()
        let head = "Model,Scenario,Region,Variable,Unit,2020,2050,2100\n"
        let body = """
            M,s,World,Emissions|CO2,Gt CO2/yr,40,20,-5
            M,s,World,Emissions|CH4,Mt CH4/yr,380,250,150
            M,s,World,Emissions|Sulfur,Mt SO2/yr,80,40,10
            M,s,World,Emissions|BC,Mt BC/yr,7,5,3
            M,s,World,Effective Radiative Forcing,W/m2,2.5,3.5,3.0

            """
        let file = try IAMCScenarioFile(csv: head + body, source: "s.csv").scenario("s")
        // 2050 → 2100 is 50 years apart: a gap.
        let gap = #expect(throws: ForcingError.self) { try ScenarioFileForcing(rcmip: rcmip, file: file, experiment: "s", through: 2100) }
        #expect(gap?.code == .yearGap && gap?.message.contains("s.csv line 2") == true)
        let dense = "Model,Scenario,Region,Variable,Unit," + stride(from: 2020, through: 2100, by: 10).map(String.init).joined(separator: ",") + "\n"
        func row(_ v: String, _ u: String, _ a: Double, _ b: Double) -> String {
            "M,s,World,\(v),\(u)," + (0...8).map { String(a + (b - a) * Double($0) / 8) }.joined(separator: ",") + "\n"
        }
        let full = dense + row("Emissions|CO2", "Gt CO2/yr", 40, -5) + row("Emissions|CH4", "Mt CH4/yr", 380, 150)
            + row("Emissions|Sulfur", "Mt SO2/yr", 80, 10) + row("Emissions|BC", "Mt BC/yr", 7, 3)
            + row("Effective Radiative Forcing", "W/m2", 2.5, 3.0)
        let given = try ScenarioFileForcing(rcmip: rcmip, file: try IAMCScenarioFile(csv: full, source: "s.csv").scenario("s"),
                                            experiment: "s", through: 2100)
        #expect(!given.forcingModelled)
        let annual = try given.data.annual(try ForcingSet(names: ["erf", "co2_cumulative"]), scenario: given.scenario, from: 2010, through: 2100)
        #expect(abs(try annual.value("erf", year: 2060) - (2.5 + 0.5 * 4 / 8)) < 1e-9)
        #expect(abs(try annual.value("erf", year: 2014) - (try rcmip.annual(try ForcingSet(names: ["erf"]), experiment: "ssp245", from: 2014, through: 2014).value("erf", year: 2014))) < 1e-12)
        // 2014 → 2020 is interpolated: 2017 lies half-way between RCMIP's 2014 and the file's 2020.
        let e2014 = try rcmip.forcing.series(scenario: "ssp245", variable: "Effective Radiative Forcing").value(in: 2014)
        #expect(abs(try annual.value("erf", year: 2017) - (e2014 + 0.5 * (2.5 - e2014))) < 1e-9)
        // No BC: refused, naming the variable.
        let noBC = try IAMCScenarioFile(csv: full.split(separator: "\n").filter { !$0.contains("Emissions|BC") }.joined(separator: "\n"), source: "s.csv")
        let missing = #expect(throws: ForcingError.self) {
            try ScenarioFileForcing(rcmip: rcmip, file: noBC.scenario("s"), experiment: "s", through: 2100)
        }
        #expect(missing?.code == .missingSeries && missing?.message.contains("Emissions|BC") == true && missing?.message.contains("s.csv line 2") == true)
    }
}

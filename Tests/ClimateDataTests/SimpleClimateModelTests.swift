import ClimateData
import Foundation
import Testing

/// The embedded simple climate model against RCMIP's own ERF and concentrations (the extract's 8 SSPs).
@Suite struct SimpleClimateModelTests {
    /// The figure: mean over the 8 SSPs of the 2015–2100 RMS difference of total ERF, ≤ 0.15 W m-2.
    @Test func totalForcingFollowsRCMIPOnTheEightSSPs() throws {
        let validation = try SimpleClimateModelValidation(rcmip: RCMIPTestSupport.extract())
        #expect(validation.rmsError.count == 8)
        #expect(validation.meanRMSError <= 0.15, "erf_rms_error_wm2 = \(validation.meanRMSError)")
        // No SSP is far off (ssp434, whose CH4 RCMIP's concentrations do not follow from its emissions, is the worst).
        for (scenario, rms) in validation.rmsError { #expect(rms < 0.3, "\(scenario): \(rms)") }
    }

    /// The extract ships all 8 SSPs with every series the model reads, and their common history.
    @Test func extractShipsTheEightSSPs() throws {
        let rcmip = try RCMIPTestSupport.extract()
        let concentrations = try #require(rcmip.concentrations)
        #expect(Set(rcmip.emissions.series.map(\.scenario)) == Set(SimpleClimateModelValidation.ssps))
        for scenario in SimpleClimateModelValidation.ssps {
            for species in EmissionSpecies.allCases {
                #expect(try rcmip.emissions.series(scenario: scenario, variable: species.variable).unit == species.unit)
            }
            for v in EmissionsPathway.prescribedVariables + ["Effective Radiative Forcing"] {
                #expect(try rcmip.forcing.series(scenario: scenario, variable: v).value(in: 2100).isFinite)
            }
            let co2 = try concentrations.series(scenario: scenario, variable: "Atmospheric Concentrations|CO2")
            #expect(abs(try co2.value(in: 2014) - 397.5469793) < 1e-6)
        }
    }

    /// Concentrations: the observed history is reproduced exactly, and ssp245 (which the carbon cycle is fitted
    /// to) and ssp585 (which it is not) follow RCMIP's CO2 within a few percent.
    @Test func concentrationsStartFromTheObservedHistory() throws {
        let rcmip = try RCMIPTestSupport.extract()
        for (scenario, tolerance) in [("ssp245", 5.0), ("ssp585", 40.0)] {
            let pathway = try EmissionsPathway(rcmip: rcmip, scenario: scenario, through: 2100)
            let result = SimpleClimateModel().run(pathway)
            #expect(abs(result.co2[2014 - 1750] - pathway.observedCO2[2014 - 1750]) < 1e-9)
            #expect(abs(result.ch4[2014 - 1750] - pathway.observedCH4[2014 - 1750]) < 1e-9)
            let rcmipCO2 = try #require(rcmip.concentrations).series(scenario: scenario, variable: "Atmospheric Concentrations|CO2").value(in: 2100)
            #expect(abs(result.co2[2100 - 1750] - rcmipCO2) < tolerance, "\(scenario) CO2 2100: \(result.co2[2100 - 1750]) vs \(rcmipCO2)")
            // The ERF is continuous across the start of the scenario (within a year's change).
            #expect(abs(result.totalForcing[2015 - 1750] - result.totalForcing[2014 - 1750]) < 0.15)
        }
    }

    /// The aerosol forms reproduce RCMIP's aerosol ERF components over the scenario years (they are fitted on
    /// 1750–2014 only), and zero emissions change means zero aerosol forcing.
    @Test func aerosolForcingFollowsRCMIP() throws {
        let rcmip = try RCMIPTestSupport.extract()
        let pathway = try EmissionsPathway(rcmip: rcmip, scenario: "ssp370", through: 2100)
        let result = SimpleClimateModel().run(pathway)
        for v in ["Effective Radiative Forcing|Anthropogenic|Aerosols|Aerosols-radiation Interactions",
                  "Effective Radiative Forcing|Anthropogenic|Aerosols|Aerosols-cloud Interactions"] {
            let theirs = try rcmip.forcing.series(scenario: "ssp370", variable: v).annual(from: 2015, through: 2100)
            let ours = Array(try #require(result.components[v])[(2015 - 1750)...])
            let worst = zip(ours, theirs).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst < 0.01, "\(v): \(worst)")
        }
        #expect(try #require(result.components["Effective Radiative Forcing|Anthropogenic|Aerosols|Aerosols-cloud Interactions"])[0] == 0)
    }

    /// More CO2 emitted means more CO2 and more forcing, less means less; a pulse decays but part stays airborne.
    @Test func carbonCycleRespondsToAPulse() {
        var a = CarbonCycle(parameters: .rcmipCalibrated), b = a
        a.step(emissions: 100, temperature: 0)
        b.step(emissions: 0, temperature: 0)
        #expect(abs(a.concentration - b.concentration - 100 / CarbonCycleParameters.rcmipCalibrated.gtcPerPPM) < 1e-9)
        for _ in 0..<100 { a.step(emissions: 0, temperature: 0); b.step(emissions: 0, temperature: 0) }
        let airborne = (a.concentration - b.concentration) * CarbonCycleParameters.rcmipCalibrated.gtcPerPPM / 100
        #expect(airborne > 0.15 && airborne < 0.6, "airborne fraction after 100 years: \(airborne)")
        // Stepping to a concentration infers the emissions that reach it.
        var c = CarbonCycle(parameters: .rcmipCalibrated)
        let e = c.step(toConcentration: 300, temperature: 0)
        var d = CarbonCycle(parameters: .rcmipCalibrated)
        #expect(abs(d.step(emissions: e, temperature: 0) - 300) < 1e-9)
    }
}

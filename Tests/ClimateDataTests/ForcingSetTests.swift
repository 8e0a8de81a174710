import Foundation
import Testing
import ClimateData

@Test func defaultForcingSetIsClimateBenchPlusAOD() throws {
    #expect(ForcingSet.climateBench.names == ["co2_cumulative", "ch4", "so2", "bc", "aod"])
    let custom = try ForcingSet(names: ["so2", "rcmip:Effective Radiative Forcing|Anthropogenic|Aerosols"])
    #expect(custom.count == 2)
    #expect(throws: ForcingError.self) { try ForcingSet(names: ["so2", "so2"]) }
    #expect(throws: ForcingError.self) { try ForcingSet(names: ["nonsense"]) }
    #expect(throws: ForcingError.self) { try ForcingSet(names: []) }
}

@Test func historicalAndScenarioSeriesJoinAt2014() throws {
    let data = try RCMIPTestSupport.extract()
    let set = ForcingSet.climateBench
    let hist = try data.annual(set, experiment: "historical", from: 1850, through: 2014)
    let ssp = try data.annual(set, experiment: "ssp585", from: 2015, through: 2100)
    #expect(hist.yearCount == 165 && ssp.yearCount == 86)
    #expect(throws: ForcingError.self) { try data.annual(set, experiment: "historical", from: 2010, through: 2020) }
    // One series across the join: the scenario's 2015 follows the historical 2014 (cumulative CO2 continues).
    let joined = try data.annual(set, experiment: "ssp585", from: 1850, through: 2100)
    #expect(try joined.series("so2")[..<165].elementsEqual(hist.series("so2")))
    #expect(try joined.series("co2_cumulative")[165...].elementsEqual(ssp.series("co2_cumulative")))
    // Cumulative CO2 since 1850 in GtCO2: annual mean = mid-year cumulative sum.
    let co2 = try data.emissions.series(scenario: "ssp245", variable: "Emissions|CO2").annual(from: 1850, through: 2014)
    let expected2014 = co2.dropLast().reduce(0, +) / 1000 + co2[co2.count - 1] / 2000
    #expect(abs(try hist.value("co2_cumulative", year: 2014) - expected2014) < 1e-9)
    #expect(abs(try hist.value("co2_cumulative", year: 1850) - co2[0] / 2000) < 1e-12)
    // ClimateBench's cumulative CO2 in 2014 is around 2,200 GtCO2 (fossil + land use since 1850).
    #expect((2000...2600).contains(try hist.value("co2_cumulative", year: 2014)))
    // AOD is zero outside the SAI experiment.
    #expect(try ssp.series("aod").allSatisfy { $0 == 0 })
}

@Test func saiInjectionHoldsForcingAtTheTargetScenario() throws {
    let data = try RCMIPTestSupport.extract()
    let g6 = try data.annual(.climateBench, experiment: "G6sulfur", from: 2015, through: 2100)
    let ssp585 = try data.annual(.climateBench, experiment: "ssp585", from: 2015, through: 2100)
    #expect(try g6.series("so2") == ssp585.series("so2"))
    let aod = try g6.series("aod")
    #expect(aod[0..<5].allSatisfy { $0 == 0 })
    #expect(aod[85] > 0.08 && aod[85] < 0.3)
    let e585 = try data.forcing.series(scenario: "ssp585", variable: "Effective Radiative Forcing").annual(from: 2020, through: 2100)
    let e245 = try data.forcing.series(scenario: "ssp245", variable: "Effective Radiative Forcing").annual(from: 2020, through: 2100)
    for k in 0..<e585.count {
        let net = e585[k] - SAIInjection.g6sulfur.efficiency * aod[k + 5]
        #expect(abs(net - min(e585[k], e245[k])) < 1e-9)
    }
}

@Test func slowForcingMemoryIsTheRunningMeanOfTheERFSince1750() throws {
    let data = try RCMIPTestSupport.extract()
    let set = try ForcingSet(names: ["erf", "erf_slow"])
    let erf = try data.joined("Effective Radiative Forcing", scenario: ForcingScenario.forExperiment("ssp245"), from: 1750, through: 2100)
    let a = exp(-1.0 / 200)
    var memory = 0.0, expected: [Double] = []
    for x in erf { memory = a * memory + (1 - a) * x; expected.append(memory) }
    // The scenario's years carry the memory of the historical ones: the same values whatever the requested start.
    let ssp = try data.annual(set, experiment: "ssp245", from: 2015, through: 2100)
    let slow = try ssp.series("erf_slow")
    #expect(zip(slow, expected[(2015 - 1750)...]).allSatisfy { abs($0 - $1) < 1e-12 })
    let long = try data.annual(set, experiment: "ssp245", from: 1900, through: 2100)
    #expect(try long.series("erf_slow")[(2015 - 1900)...].elementsEqual(slow))
    // It lags the forcing: below it while the forcing rises, and it tells scenarios apart that the current ERF alone
    // would not (ssp126 has had more time at its level than ssp585 when both pass 3 W m-2).
    #expect(try ssp.value("erf_slow", year: 2100) < ssp.value("erf", year: 2100))
    func slowAt(_ experiment: String, erf level: Double) throws -> Double {
        let f = try data.annual(set, experiment: experiment, from: 2015, through: 2100)
        let years = try f.series("erf")
        guard let k = years.firstIndex(where: { $0 >= level }) else { return .nan }
        return try f.series("erf_slow")[k]
    }
    #expect(try slowAt("ssp126", erf: 2.8) > slowAt("ssp585", erf: 2.8))
}

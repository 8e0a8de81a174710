import Foundation
import Testing
import ClimateData

/// Emissions-style header: Mip_Era before Activity_Id; a 10-year gap after 2015 as in RCMIP.
private let emissionsCSV = """
# comment lines are skipped
Model,Scenario,Region,Variable,Unit,Mip_Era,Activity_Id,2014,2015,2016,2017,2018,2019,2020
IMAGE,ssp126,World,Emissions|CO2,Mt CO2/yr,CMIP6,not_applicable,100,110,,,,,160
IMAGE,ssp126,World,Emissions|BC,Mt BC/yr,CMIP6,not_applicable,1.5,2.5,,,,,
"""

/// Forcing-style header: Activity_Id before Mip_Era, and the year columns in a different order.
private let forcingCSV = """
Model,Scenario,Region,Variable,Unit,Activity_Id,Mip_Era,2016,2014,2015
IMAGE,ssp126,World,Effective Radiative Forcing,W/m^2,not_applicable,CMIP6,3.0,1.0,2.0\r
"""

@Test func rcmipParsesByHeaderNameInEitherColumnOrder() throws {
    let e = try RCMIPTable(csv: emissionsCSV, source: "emissions")
    let f = try RCMIPTable(csv: forcingCSV, source: "forcing")
    #expect(e.series.count == 2)
    let co2 = try e.series(scenario: "ssp126", variable: "Emissions|CO2")
    #expect(co2.model == "IMAGE" && co2.unit == "Mt CO2/yr" && co2.region == "World")
    #expect(co2.years == Array(2014...2020))
    #expect(co2.values == [100, 110, nil, nil, nil, nil, 160])
    let erf = try f.series(scenario: "ssp126", variable: "Effective Radiative Forcing")
    #expect(erf.years == [2014, 2015, 2016])
    #expect(erf.values == [1.0, 2.0, 3.0])
    #expect(erf.unit == "W/m^2")
}

@Test func rcmipInterpolatesGapsLinearlyInYears() throws {
    let e = try RCMIPTable(csv: emissionsCSV, source: "emissions")
    let co2 = try e.series(scenario: "ssp126", variable: "Emissions|CO2")
    let annual = try co2.annual(from: 2014, through: 2020)
    #expect(annual == [100, 110, 120, 130, 140, 150, 160])
    #expect(try co2.value(in: 2017) == 130)
    let bc = try e.series(scenario: "ssp126", variable: "Emissions|BC")
    #expect(throws: ForcingError.self) { try bc.annual(from: 2014, through: 2016) }
    #expect(try bc.annual(from: 2014, through: 2015) == [1.5, 2.5])
}

@Test func rcmipRejectsMalformedInput() {
    #expect(throws: ForcingError.self) { try RCMIPTable(csv: "Model,Scenario,Variable,Unit,2000\nA,B,C,D,1\n", source: "x") }
    #expect(throws: ForcingError.self) {
        try RCMIPTable(csv: "Model,Scenario,Region,Variable,Unit,2000\nA,B,World,C,D,1,2\n", source: "x")
    }
    #expect(throws: ForcingError.self) {
        try RCMIPTable(csv: "Model,Scenario,Region,Variable,Unit,2000\nA,B,World,C,D,abc\n", source: "x")
    }
    #expect(throws: ForcingError.self) { try RCMIPTable(contentsOf: URL(fileURLWithPath: "/nonexistent/rcmip.csv")) }
}

@Test func rcmipQuotedFieldsAreSplitCorrectly() throws {
    let t = try RCMIPTable(csv: "Model,Scenario,Region,Variable,Unit,2000\n\"A, Inc\",s,World,\"V \"\"x\"\"\",u,4\n", source: "q")
    #expect(t.series[0].model == "A, Inc")
    #expect(t.series[0].variable == "V \"x\"")
    #expect(t.series[0].values == [4])
}

/// Spot values of the real RCMIP files (io-notes §5), read from the committed extract.
@Test func committedExtractHasTheRCMIPValues() throws {
    let data = try RCMIPTestSupport.extract()
    func near(_ a: Double, _ b: Double, _ tol: Double) -> Bool { abs(a - b) <= tol }
    let co2 = try data.emissions.series(scenario: "ssp245", variable: "Emissions|CO2")
    #expect(near(try co2.value(in: 1850), 2029.7, 0.1))
    #expect(near(try co2.value(in: 2014), 39630.9, 0.1))
    #expect(near(try co2.value(in: 2100), 9682.9, 0.1))
    let so2 = try data.emissions.series(scenario: "ssp245", variable: "Emissions|Sulfur")
    #expect(near(try so2.value(in: 1850), 4.54, 0.01))
    #expect(near(try so2.value(in: 2014), 114.0, 0.1))
    #expect(near(try so2.value(in: 2100), 30.8, 0.1))
    let erf = try data.forcing.series(scenario: "ssp245", variable: "Effective Radiative Forcing")
    #expect(near(try erf.value(in: 1850), 0.311, 0.001))
    #expect(near(try erf.value(in: 2014), 2.246, 0.001))
    #expect(near(try erf.value(in: 2100), 5.182, 0.001))
    // Emissions: annual to 2015, then every 10 years.
    #expect(co2.values[co2.years.firstIndex(of: 2016)!] == nil)
    #expect(co2.values[co2.years.firstIndex(of: 2020)!] != nil)
    let v2015 = try co2.value(in: 2015), v2020 = try co2.value(in: 2020)
    #expect(near(try co2.value(in: 2017), v2015 + 0.4 * (v2020 - v2015), 1e-9))
    // Every SSP row carries the same history.
    let other = try data.emissions.series(scenario: "ssp585", variable: "Emissions|CO2")
    #expect(try other.annual(from: 1850, through: 2014) == co2.annual(from: 1850, through: 2014))
    // ERF columns: total = anthropogenic + natural.
    let anth = try data.forcing.series(scenario: "ssp370", variable: "Effective Radiative Forcing|Anthropogenic")
    let nat = try data.forcing.series(scenario: "ssp370", variable: "Effective Radiative Forcing|Natural")
    let tot = try data.forcing.series(scenario: "ssp370", variable: "Effective Radiative Forcing")
    for y in stride(from: 1850, through: 2100, by: 25) {
        let sum = try anth.value(in: y) + nat.value(in: y)
        #expect(near(try tot.value(in: y), sum, 1e-6))
    }
}

@Test func extractIsLocatedFromTheRepository() throws {
    let found = try RCMIPForcingData.locateExtract(near: RCMIPTestSupport.repositoryRoot.appendingPathComponent("Sources"))
    #expect(found.standardizedFileURL.path == RCMIPTestSupport.extractDirectory.standardizedFileURL.path)
    #expect(throws: ForcingError.self) { try RCMIPForcingData.locateExtract(explicit: "/nonexistent") }
}

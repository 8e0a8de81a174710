import ClimateData
import Foundation
import Testing

/// IAMC scenario files: parsing, units, RCMIP's interpolation, and errors that name file, line and variable.
@Suite struct IAMCScenarioFileTests {
    static let text = """
        # a comment line
        model,scenario,region,variable,unit,2015,2020.0,2030,2050,2100
        IAM-X,overshoot,World,Emissions|CO2|MAGICC Fossil and Industrial,Gt C/yr,10,11,8,2,-1
        IAM-X,overshoot,World,Emissions|CO2|MAGICC AFOLU,Mt CO2/yr,3000,2500,1000,0,-500
        IAM-X,overshoot,World,Emissions|CH4,kt CH4/yr,380000,370000,300000,200000,150000
        IAM-X,overshoot,World,Emissions|Sulfur,Mt S/yr,50,45,30,15,10
        IAM-X,overshoot,World,Emissions|BC,Mt BC/yr,8,7,6,4,3
        IAM-X,other,World,Emissions|CH4,Mt CH4/yr,380,370,,200,150
        """

    @Test func convertsUnitsByTheirStrings() throws {
        func f(_ a: String, _ b: String) throws -> Double { try #require(EmissionUnit.factor(from: a, to: b)) }
        #expect(abs(try f("Gt C/yr", "Mt CO2/yr") - 44.01 / 12.01 * 1000) < 1e-9)
        #expect(abs(try f("GtC/yr", "Mt CO2/yr") - 44.01 / 12.01 * 1000) < 1e-9)
        #expect(abs(try f("Mt S/yr", "Mt SO2/yr") - 64.066 / 32.065) < 1e-12)
        #expect(abs(try f("kt CH4/yr", "Mt CH4/yr") - 1e-3) < 1e-15)
        #expect(abs(try f("Mt N2O/yr", "kt N2O/yr") - 1000) < 1e-9)
        #expect(abs(try f("Mt N/yr", "kt N2O/yr") - 1000 * 44.013 / (2 * 14.0067)) < 1e-9)
        #expect(abs(try f("Mt N/yr", "Mt NOx/yr") - 46.0055 / 14.0067) < 1e-12)
        #expect(abs(try f("Tg SO2 yr-1", "Mt SO2/yr") - 1) < 1e-15)
        #expect(try f("W m-2", "W/m^2") == 1)
        #expect(EmissionUnit.factor(from: "Mt CH4/yr", to: "Mt CO2/yr") == nil)
        #expect(EmissionUnit.factor(from: "ppm", to: "Mt CO2/yr") == nil)
        #expect(EmissionUnit.factor(from: "Mt CO2", to: "Mt CO2/yr") == nil)
    }

    @Test func readsAndInterpolatesLinearlyInYears() throws {
        let file = try IAMCScenarioFile(csv: Self.text, source: "scen.csv")
        #expect(file.scenarios == ["overshoot", "other"])
        let s = try file.scenario("overshoot")
        let co2 = try s.annual("Emissions|CO2|MAGICC Fossil and Industrial", unit: "Mt CO2/yr", from: 2015, through: 2030)
        let k = 44.01 / 12.01 * 1000
        #expect(abs(co2[0] - 10 * k) < 1e-6)
        #expect(abs(co2[3] - (10 + 0.6) * k) < 1e-6)       // 2018: 3/5 of the way to 2020
        #expect(abs(co2[10] - (11 - 0.5 * 3) * k) < 1e-6)  // 2025: half-way to 2030
        let so2 = try s.annual("Emissions|Sulfur", unit: "Mt SO2/yr", from: 2015, through: 2015)
        #expect(abs(so2[0] - 50 * 64.066 / 32.065) < 1e-9)
        // An empty field is a missing value; the gap around it is interpolated.
        let other = try file.scenario("other").annual("Emissions|CH4", unit: "Mt CH4/yr", from: 2020, through: 2050, maxGap: 30)
        #expect(abs(other[10] - (370 + (200 - 370) / 3)) < 1e-9)
    }

    @Test func errorsNameFileLineAndVariable() throws {
        let file = try IAMCScenarioFile(csv: Self.text, source: "scen.csv")
        let s = try file.scenario("overshoot")
        // Missing variable.
        let missing = #expect(throws: ForcingError.self) { try s.annual("Emissions|N2O", unit: "kt N2O/yr", from: 2015, through: 2020) }
        #expect(missing?.code == .missingSeries)
        #expect(missing?.message.contains("scen.csv line 3") == true && missing?.message.contains("Emissions|N2O") == true)
        // Unknown unit.
        let bad = try IAMCScenarioFile(csv: Self.text.replacingOccurrences(of: "Mt BC/yr", with: "Mt BC/fortnight"), source: "scen.csv")
        let unit = #expect(throws: ForcingError.self) { try bad.scenario("overshoot").annual("Emissions|BC", unit: "Mt BC/yr", from: 2015, through: 2020) }
        #expect(unit?.code == .unknownUnit)
        #expect(unit?.message.contains("scen.csv line 7") == true && unit?.message.contains("Emissions|BC") == true
                && unit?.message.contains("Mt BC/fortnight") == true)
        // Year gap: 2050 → 2100 is 50 years; and years past the file's last.
        let gap = #expect(throws: ForcingError.self) { try s.annual("Emissions|BC", unit: "Mt BC/yr", from: 2015, through: 2060) }
        #expect(gap?.code == .yearGap)
        #expect(gap?.message.contains("scen.csv line 7") == true && gap?.message.contains("Emissions|BC") == true
                && gap?.message.contains("2030 and 2050") == true)
        let late = #expect(throws: ForcingError.self) { try s.annual("Emissions|BC", unit: "Mt BC/yr", from: 2015, through: 2101, maxGap: 100) }
        #expect(late?.code == .yearGap)
        // Unknown scenario: names the file and the scenarios it has, with their lines.
        let unknown = #expect(throws: ForcingError.self) { try file.scenario("ssp999") }
        #expect(unknown?.code == .unknownScenario)
        #expect(unknown?.message.contains("scen.csv") == true && unknown?.message.contains("'overshoot' (line 3)") == true)
        // Malformed files.
        #expect(throws: ForcingError.self) { try IAMCScenarioFile(csv: "Model,Scenario,Variable,Unit,2020\nA,B,C,D,1\n", source: "x") }
        let number = #expect(throws: ForcingError.self) {
            try IAMCScenarioFile(csv: "Model,Scenario,Region,Variable,Unit,2020\nA,B,World,Emissions|CH4,Mt CH4/yr,lots\n", source: "x.csv")
        }
        #expect(number?.message.contains("x.csv line 2") == true && number?.message.contains("Emissions|CH4") == true)
        let twice = #expect(throws: ForcingError.self) {
            try IAMCScenarioFile(csv: Self.text + "\nIAM-X,overshoot,World,Emissions|BC,Mt BC/yr,1,1,1,1,1", source: "x.csv").scenario("overshoot")
        }
        #expect(twice?.message.contains("line 9") == true && twice?.message.contains("line 7") == true)
        // A year written twice in the header ("2020" and "2020.0") is refused, naming both columns.
        let year = #expect(throws: ForcingError.self) {
            try IAMCScenarioFile(csv: "Model,Scenario,Region,Variable,Unit,2020,2020.0\nA,B,World,C,D,1,2\n", source: "y.csv")
        }
        #expect(year?.message.contains("y.csv line 1: year 2020 is the header's column 6 and 7") == true, "\(String(describing: year))")
    }

    /// RCMIP's tables are read by the same parser: every row over all the year columns, nil where a field is empty.
    @Test func rcmipTablesAreIAMCFilesOverAllYearColumns() throws {
        let file = try IAMCScenarioFile(csv: "Model,Scenario,Region,Variable,Unit,2000,2010,2005\nA,s,World,V,u,1,,2\n", source: "r.csv")
        #expect(file.yearColumns == [2000, 2005, 2010])
        let table = RCMIPTable(file)
        #expect(table.source == "r.csv")
        #expect(table.series[0].years == [2000, 2005, 2010])
        #expect(table.series[0].values == [1, 2, nil])
    }
}

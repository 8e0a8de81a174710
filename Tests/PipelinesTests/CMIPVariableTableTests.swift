import ClimateData
import Foundation
import Pipelines
import SPFEngine
import Testing

/// The CMIP tables, time ranges, variable metadata and nominal resolutions `layout: cmip` writes.
@Suite struct CMIPVariableTableTests {
    @Test func timescalesGoIntoAmonAyrAdec() throws {
        #expect(try CMIPVariableTable.table(timescale: "monthly", node: "n") == ("Amon", "mon"))
        #expect(try CMIPVariableTable.table(timescale: "yearly", node: "n") == ("Ayr", "yr"))
        #expect(try CMIPVariableTable.table(timescale: "decadal", node: "n") == ("Adec", "dec"))
        do {
            _ = try CMIPVariableTable.table(timescale: "daily", node: "export-cmip")
            Issue.record("daily has no table")
        } catch {
            #expect("\(error)".contains("export-cmip") && "\(error)".contains("param 'layout'") && "\(error)".contains("daily"), "\(error)")
        }
        #expect(CMIPVariableTable.timeRange(timescale: "monthly", startYear: 2091, years: 1) == ("209101", "209112"))
        #expect(CMIPVariableTable.timeRange(timescale: "yearly", startYear: 2085, years: 10) == ("2085", "2094"))
        #expect(CMIPVariableTable.timeRange(timescale: "decadal", startYear: 2015, years: 86) == ("2015", "2100"))
    }

    @Test func variablesCarryCMIP6sAmonMetadata() throws {
        let (tas, scalars) = try CMIPVariableTable.variable("tas", node: "n")
        #expect(tas.standardName == "air_temperature" && tas.units == "K" && tas.cellMethods == "area: time: mean")
        #expect(tas.extraAttributes.first { $0.name == "cell_measures" }?.value == .text("area: areacella"))
        #expect(scalars.map(\.name) == ["height"] && scalars.first?.value == 2 && scalars.first?.units == "m")
        let (pr, none) = try CMIPVariableTable.variable("pr", node: "n")
        #expect(pr.standardName == "precipitation_flux" && pr.units == "kg m-2 s-1" && none.isEmpty)
        #expect(pr.extraAttributes.first { $0.name == "cell_measures" }?.value == .text("area: areacella"))
        #expect(CMIPVariableTable.areacella.standardName == "cell_area" && CMIPVariableTable.areacella.units == "m2")
        #expect(throws: EngineError.self) { try CMIPVariableTable.variable("huss", node: "n") }
    }

    @Test func nominalResolutionFollowsTheMeanCellSize() throws {
        #expect(CMIPVariableTable.nominalResolution(try ClimateData.LatLonGrid.regular(nlon: 16, nlat: 8)) == "2500 km")   // ~2000 km
        #expect(CMIPVariableTable.nominalResolution(try ClimateData.LatLonGrid.regular(nlon: 144, nlat: 96)) == "250 km")  // ~210 km
        #expect(CMIPVariableTable.nominalResolution(try ClimateData.LatLonGrid.regular(nlon: 360, nlat: 180)) == "100 km") // ~100 km
    }
}

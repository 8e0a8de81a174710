import Foundation
import Testing
import ClimateData

/// CMIP6's DRS paths and file names (`CMIPDataReference`), and the fx-field writer that `areacella` goes through.
@Suite struct CMIPDataReferenceTests {
    static func tas() throws -> CMIPDataReference {
        try CMIPDataReference(activityID: "ScenarioMIP", institutionID: "spfflow", sourceID: "SPF-MRI-ESM2-0", experimentID: "ssp245",
                              memberID: "r3i1p1f1", tableID: "Amon", variableID: "tas", gridLabel: "gr", version: "v20261206",
                              timeRange: ("209101", "209112"))
    }

    @Test func pathsAndNamesFollowCMIP6sDRS() throws {
        let ref = try Self.tas()
        #expect(ref.directory == "CMIP6/ScenarioMIP/spfflow/SPF-MRI-ESM2-0/ssp245/r3i1p1f1/Amon/tas/gr/v20261206")
        #expect(ref.fileName == "tas_Amon_SPF-MRI-ESM2-0_ssp245_r3i1p1f1_gr_209101-209112.nc")
        #expect(ref.path == ref.directory + "/" + ref.fileName)
        #expect(ref.datasetID == "CMIP6.ScenarioMIP.spfflow.SPF-MRI-ESM2-0.ssp245.r3i1p1f1.Amon.tas.gr.v20261206")
        #expect(ref.timeRangeText == "209101-209112")
        #expect(ref.facets.map(\.name) == ["mip_era", "activity_id", "institution_id", "source_id", "experiment_id", "member_id",
                                           "table_id", "variable_id", "grid_label", "version"])
        // The reader's parser agrees with the writer's names.
        let parsed = try CMIP6FileName(parsing: ref.path)
        #expect([parsed.variable, parsed.table, parsed.sourceID, parsed.experiment, parsed.member, parsed.grid]
                == ["tas", "Amon", "SPF-MRI-ESM2-0", "ssp245", "r3i1p1f1", "gr"])
        #expect(parsed.start == "209101" && parsed.end == "209112")

        // Fixed fields have no time range; yearly products write years.
        let fx = try CMIPDataReference(activityID: "ScenarioMIP", institutionID: "spfflow", sourceID: "SPF-CESM2", experimentID: "ssp245",
                                       memberID: "r1i1p1f1", tableID: "fx", variableID: "areacella", gridLabel: "gr", version: "v20261206")
        #expect(fx.fileName == "areacella_fx_SPF-CESM2_ssp245_r1i1p1f1_gr.nc" && fx.timeRangeText.isEmpty)
        #expect(try CMIP6FileName(parsing: fx.fileName).start == nil)
        var yearly = try Self.tas()
        yearly.timeRange = ("2085", "2094")
        #expect(yearly.fileName == "tas_Amon_SPF-MRI-ESM2-0_ssp245_r3i1p1f1_gr_2085-2094.nc")

        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let date = try #require(calendar.date(from: DateComponents(year: 2026, month: 3, day: 5, hour: 23, minute: 59)))
        #expect(CMIPDataReference.version(of: date) == "v20260305")
    }

    @Test func facetsThatWouldBreakTheDRSAreRefused() throws {
        func refused(_ make: () throws -> CMIPDataReference, _ fragment: String) {
            do {
                _ = try make()
                Issue.record("accepted a reference that should fail with '\(fragment)'")
            } catch let error as ClimateDataError {
                #expect(error.code == .invalidArgument && error.message.contains(fragment), "\(error)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        func ref(source: String = "SPF-CESM2", member: String = "r1i1p1f1", version: String = "v20261206",
                 range: (String, String)? = ("209101", "209112")) throws -> CMIPDataReference {
            try CMIPDataReference(activityID: "ScenarioMIP", institutionID: "spfflow", sourceID: source, experimentID: "ssp245",
                                  memberID: member, tableID: "Amon", variableID: "tas", gridLabel: "gr", version: version, timeRange: range)
        }
        refused({ try ref(source: "SPF_CESM2") }, "source_id 'SPF_CESM2'")
        refused({ try ref(source: "SPF/CESM2") }, "source_id")
        refused({ try ref(source: "") }, "source_id")
        refused({ try ref(member: "r1 i1p1f1") }, "member_id")
        refused({ try ref(version: "20261206") }, "version '20261206'")
        refused({ try ref(version: "v2026-12-06") }, "version")
        refused({ try ref(range: ("2091", "209112")) }, "time range")
        refused({ try ref(range: ("209101", "2091xx")) }, "time range")
    }

    @Test func fixedFieldWriterWritesAreacellaAsCMIPDoes() throws {
        let dir = try TestSupport.scratch("fx-writer")
        defer { try? FileManager.default.removeItem(at: dir) }
        let grid = try LatLonGrid.regular(nlon: 16, nlat: 8)
        let areas = grid.cellAreas.map { Float($0 * 6_371_000 * 6_371_000) }
        let path = dir.appendingPathComponent("areacella_fx_SPF-CESM2_ssp245_r1i1p1f1_gr.nc").path
        try CFFixedFieldWriter.write(path: path, variable: CFVariableSpec(name: "areacella", standardName: "cell_area", units: "m2",
                                                                          cellMethods: "area: sum"),
                                     grid: grid, values: areas, globalAttributes: [("table_id", .text("fx")), ("realization_index", .integer(1))])
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
        let file = try NetCDFFile(path: path)
        let v = try file.variable("areacella")
        #expect(v.dimensions == ["lat", "lon"] && v.shape == [8, 16])
        #expect(v.text("standard_name") == "cell_area" && v.text("units") == "m2" && v.text("cell_methods") == "area: sum")
        #expect(try file.readDoubles(v).map { Float($0) } == areas)
        #expect(file.globalText("Conventions") == "CF-1.8" && file.globalText("table_id") == "fx")
        #expect(file.globalAttributes.first { $0.name == "realization_index" }?.value == .integer(1))
        #expect(try file.readDoubles(file.variable("lat_bnds")) == grid.latBounds)
        // A field of the wrong size is refused before anything is written.
        #expect(throws: ClimateDataError.self) {
            try CFFixedFieldWriter.write(path: path + "2", variable: CFVariableSpec(name: "areacella", units: "m2"), grid: grid,
                                         values: [1, 2, 3], globalAttributes: [])
        }
        #expect(!FileManager.default.fileExists(atPath: path + "2"))
    }
}

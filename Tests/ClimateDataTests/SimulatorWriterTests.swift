import Foundation
import Testing
import ClimateData

@Test func generatedFilesFollowTheDRSAndReadBack() throws {
    let data = try RCMIPTestSupport.extract()
    let config = ClimateSuiteConfiguration(models: ["UKESM1-0-LL", "NorESM2-LM"], experiments: ["historical", "ssp245"],
                                           members: 1, gridScale: 0.1, firstYear: 2005, lastYear: 2030, seed: 3)
    let sim = try ClimateSuiteSimulator(configuration: config, forcing: data)
    let root = try TestSupport.scratch("drs")
    defer { try? FileManager.default.removeItem(at: root) }
    let writer = ClimateSuiteWriter(root: root, softwareVersion: "test")
    var runs: [String: ClimateSuiteRun] = [:]
    var paths: [String] = []
    for name in config.models {
        try sim.simulate(model: ClimateSuiteCatalog.model(named: name), member: 1) { run in
            runs["\(name)/\(run.experiment)"] = run
            paths += try writer.write(run).map { $0.path.replacingOccurrences(of: root.path + "/", with: "") }
        }
    }
    #expect(paths.contains("CMIP6/CMIP/MOHC/UKESM1-0-LL/historical/r1i1p1f2/Amon/tas/gn/v20190406/tas_Amon_UKESM1-0-LL_historical_r1i1p1f2_gn_200501-201412.nc"))
    #expect(paths.contains("CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp245/r1i1p1f2/Amon/pr/gn/v20190406/pr_Amon_UKESM1-0-LL_ssp245_r1i1p1f2_gn_201501-203012.nc"))
    // NorESM2-LM: decade files (historical anchored at 1850, scenarios at 2021).
    let noresm = paths.filter { $0.contains("NorESM2-LM") && $0.contains("/tas/") }.map { ($0 as NSString).lastPathComponent }.sorted()
    #expect(noresm == ["tas_Amon_NorESM2-LM_historical_r1i1p1f1_gn_200501-200912.nc", "tas_Amon_NorESM2-LM_historical_r1i1p1f1_gn_201001-201412.nc",
                       "tas_Amon_NorESM2-LM_ssp245_r1i1p1f1_gn_201501-202012.nc", "tas_Amon_NorESM2-LM_ssp245_r1i1p1f1_gn_202101-203012.nc"])

    // Read one back: values, calendar, time axis with bounds, CMIP6 attributes.
    let run = try #require(runs["UKESM1-0-LL/ssp245"])
    let path = root.appendingPathComponent(try #require(paths.first { $0.hasSuffix("tas_Amon_UKESM1-0-LL_ssp245_r1i1p1f2_gn_201501-203012.nc") })).path
    let file = try NetCDFFile(path: path)
    let tas = try file.variable("tas")
    #expect(tas.dimensions == ["time", "lat", "lon"])
    #expect(tas.shape == [run.months, run.grid.nlat, run.grid.nlon])
    #expect(tas.text("standard_name") == "air_temperature" && tas.text("units") == "K")
    let values = try file.readDoubles(tas)
    #expect(values.count == run.tas.count)
    #expect(zip(values, run.tas).allSatisfy { $0 == Double($1) })
    let time = try file.variable("time")
    #expect(time.text("calendar") == (try CFCalendar(cfName: "360_day")).cfName)
    #expect(time.text("units")?.hasPrefix("days since 1850-01-01") == true)
    let stamps = try file.readDoubles(time)
    let bounds = try file.readDoubles(file.variable("time_bnds"))
    #expect(stamps.count == run.months && bounds.count == 2 * run.months)
    // 360_day: every month is 30 days; January 2015 starts 165 × 360 days after 1850-01-01.
    #expect((0..<run.months).allSatisfy { bounds[2 * $0 + 1] - bounds[2 * $0] == 30 })
    #expect(bounds[0] == 165 * 360 && stamps[0] == 165 * 360 + 15)
    #expect(file.globalText("source_id") == "UKESM1-0-LL" && file.globalText("experiment_id") == "ssp245")
    #expect(file.globalText("variant_label") == "r1i1p1f2" && file.globalText("table_id") == "Amon")
    #expect(file.globalText("parent_experiment_id") == "historical")
    #expect(file.globalText("source")?.contains("synthetic") == true)
    let lat = try file.readDoubles(file.variable("lat"))
    #expect(lat == run.grid.latitudes)
    // A noleap model: January 2010 of NorESM2-LM in days since 0001-01-01 (365-day years).
    let nor = root.appendingPathComponent(try #require(paths.first { $0.hasSuffix("tas_Amon_NorESM2-LM_historical_r1i1p1f1_gn_201001-201412.nc") })).path
    let norTime = try NetCDFFile(path: nor)
    let nb = try norTime.readDoubles(norTime.variable("time_bnds"))
    #expect(nb[0] == 2009 * 365 && nb[1] == 2009 * 365 + 31 && nb[3] - nb[2] == 28)
    // Same run, same bytes.
    let again = try TestSupport.scratch("drs2")
    defer { try? FileManager.default.removeItem(at: again) }
    let rewritten = try ClimateSuiteWriter(root: again, softwareVersion: "test").write(run)
    let first = try Data(contentsOf: URL(fileURLWithPath: path))
    let second = try Data(contentsOf: try #require(rewritten.first { $0.lastPathComponent.hasPrefix("tas_") }))
    #expect(first == second)
}

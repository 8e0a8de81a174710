import Foundation
import Testing
import ClimateData

@Suite struct CFWriterTests {
    static func ensembleSpec(calendar: CFCalendar.Kind = .noLeap, layout: CFFileSpec.MemberLayout = .memberFirst) throws -> (CFFileSpec, [Float]) {
        let grid = try LatLonGrid.regular(nlon: 8, nlat: 4)
        let time = try TimeAxis.monthly(calendar: CFCalendar(calendar), units: CFTimeUnits(parsing: "days since 1850-01-01"), startYear: 2015, endYear: 2016)
        let spec = CFFileSpec(
            variable: CFVariableSpec(name: "tas", standardName: "air_temperature", longName: "Near-Surface Air Temperature",
                                     units: "K", cellMethods: "area: time: mean"),
            grid: grid, time: time, members: ["spf-001", "spf-002", "spf-003"],
            scalarCoordinates: [CFScalarCoordinate(name: "height", value: 2, units: "m", standardName: "height", positive: "up")],
            provenance: CFProvenance(sources: ["CESM2", "MRI-ESM2-0"], scenario: "ssp245", softwareVersion: "test", cacheKey: "abc123"),
            memberLayout: layout)
        var values = [Float](repeating: 0, count: spec.shape.reduce(1, *))
        for i in values.indices { values[i] = 250 + Float(i % 97) * 0.5 }
        values[5] = .nan
        return (spec, values)
    }

    @Test(.enabled(if: TestSupport.has("ncdump"), "ncdump (netcdf-bin) not installed"))
    func writesCFEnsembleFileThatToolsRead() throws {
        let dir = try TestSupport.scratch("writer")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ens.nc").path
        let (spec, values) = try Self.ensembleSpec()
        try CFWriter.write(path: path, spec: spec, values: values)
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))

        // Read back with our own reader layer: exact values, NaN as fill.
        let f = try NetCDFFile(path: path)
        let v = try f.variable("tas")
        #expect(v.dimensions == ["member", "time", "lat", "lon"])
        #expect(v.shape == [3, 24, 4, 8])
        let raw = try f.readDoubles(v)
        #expect(raw[5] == Double(CFWriter.fillValue))
        #expect(raw[6] == Double(values[6]) && raw[raw.count - 1] == Double(values[values.count - 1]))
        #expect(f.format == "netCDF-4")

        let header = String(decoding: try TestSupport.run("ncdump", ["-hs", path]), as: UTF8.self)
        for needle in ["float tas(member, time, lat, lon)", "tas:standard_name = \"air_temperature\"", "tas:cell_methods = \"area: time: mean\"",
                       "time:calendar = \"noleap\"", "time:units = \"days since 1850-01-01 00:00:00\"", "time:bounds = \"time_bnds\"",
                       "lat:bounds = \"lat_bnds\"", ":Conventions = \"CF-1.8\"", "tas:_Shuffle = \"true\"", "tas:_DeflateLevel = 4",
                       ":spfflow_cache_key = \"abc123\"", ":source = \"CESM2, MRI-ESM2-0\"", "tas:_FillValue = 1.e+20f"] {
            #expect(header.contains(needle), "ncdump -h lacks \(needle)")
        }
    }

    @Test func writesSeveralVariablesInOneFile() throws {
        let dir = try TestSupport.scratch("writer-multi")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ens.nc").path
        var (spec, tas) = try Self.ensembleSpec()
        spec.additionalVariables = [CFVariableSpec(name: "pr", standardName: "precipitation_flux", units: "kg m-2 s-1")]
        let perMember = spec.time.count * spec.grid.size
        let pr = tas.map { $0.isNaN ? $0 : ($0 - 250) * 1e-6 }
        let w = try CFWriter(path: path, spec: spec)
        for m in 0..<3 {
            // Interleaved on purpose: variables may be written in any order, member by member.
            try w.write(variable: "pr", member: m, timeStart: 0, values: Array(pr[(m * perMember)..<((m + 1) * perMember)]))
            try w.write(member: m, timeStart: 0, values: Array(tas[(m * perMember)..<((m + 1) * perMember)]))
        }
        #expect(throws: ClimateDataError.self) { try w.write(variable: "psl", member: 0, timeStart: 0, values: Array(tas[0..<perMember])) }
        try w.close()

        let f = try NetCDFFile(path: path)
        for (name, values) in [("tas", tas), ("pr", pr)] {
            let v = try f.variable(name)
            #expect(v.dimensions == ["member", "time", "lat", "lon"])
            let raw = try f.readDoubles(v)
            #expect(raw.count == values.count)
            #expect(raw[7] == Double(values[7]) && raw[raw.count - 1] == Double(values[values.count - 1]), "\(name)")
            #expect(raw[5] == Double(CFWriter.fillValue), "\(name)")
        }

        // A data variable named like a coordinate, or twice, is refused before anything is written.
        spec.additionalVariables = [CFVariableSpec(name: "tas", units: "K")]
        #expect(throws: ClimateDataError.self) { try CFWriter(path: dir.appendingPathComponent("twice.nc").path, spec: spec) }
        spec.additionalVariables = [CFVariableSpec(name: "lat", units: "1")]
        #expect(throws: ClimateDataError.self) { try CFWriter(path: dir.appendingPathComponent("clash.nc").path, spec: spec) }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("clash.nc.partial").path))
    }

    @Test(.enabled(if: TestSupport.hasPython("xarray"), "\(TestSupport.python) lacks xarray"), .enabled(if: TestSupport.has("cdo"), "cdo not installed"),
          arguments: [CFFileSpec.MemberLayout.memberFirst, .timeFirst])
    func xarrayDecodesTimeAndCdoReads(layout: CFFileSpec.MemberLayout) throws {
        let dir = try TestSupport.scratch("writer2")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ens.nc").path
        var (spec, values) = try Self.ensembleSpec(calendar: .day360, layout: layout)
        // CDO takes a scalar `height` as the vertical axis and then refuses the member dimension.
        if layout == .timeFirst { spec.scalarCoordinates = [] }
        try CFWriter.write(path: path, spec: spec, values: values)
        do {
            let script = """
            import sys, xarray as xr
            ds = xr.open_dataset(sys.argv[1], decode_times=xr.coders.CFDatetimeCoder(use_cftime=True))
            t = ds.time.values
            tas = ds.tas.load().transpose('member', 'time', 'lat', 'lon').values
            assert tas[0, 0, 0, 5] != tas[0, 0, 0, 5], 'fill not masked'
            assert abs(float(tas[2, 23, 3, 7]) - float(sys.argv[2])) < 1e-4
            print(type(t[0]).__name__, t[0].strftime('%Y-%m-%d %H'), t[-1].strftime('%Y-%m-%d %H'), ds.time.encoding['calendar'])
            """
            let out = String(decoding: try TestSupport.run(TestSupport.python, ["-c", script, path, "\(values[values.count - 1])"]), as: UTF8.self)
            #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == "Datetime360Day 2015-01-16 00 2016-12-16 00 360_day")
        }
        if layout == .timeFirst {
            let out = String(decoding: try TestSupport.run("cdo", ["-s", "sinfo", path]), as: UTF8.self)
            #expect(out.contains("lonlat") && out.contains("points=32 (8x4)"), "cdo sinfo: \(out)")
            #expect(out.contains("360_day") || out.contains("360days"), "cdo sinfo: \(out)")
            #expect(out.contains("2015-01-16"), "cdo sinfo: \(out)")
        }
    }
}

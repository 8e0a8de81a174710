import Foundation
import Testing
import ClimateData

/// Files built from CDL with ncgen: netCDF-3 classic, netCDF-4 chunked+deflated, descending
/// latitude, −180…180 longitude, packed data with fill values, real `_ChunkSizes`/`DODS_EXTRA`
/// attributes, and grids that must be refused with a message naming the grid type.
@Suite struct OddFileTests {
    /// The spfflow binary the CLI test runs.
    static let binary = ProcessInfo.processInfo.environment["SPFFLOW_BIN"] ?? TestSupport.repoRoot.appendingPathComponent(".build/release/spfflow").path

    static func make(_ cdl: String, kind: String, in dir: URL, name: String) throws -> String {
        let cdlPath = dir.appendingPathComponent("\(name).cdl").path
        let ncPath = dir.appendingPathComponent("\(name).nc").path
        try cdl.write(toFile: cdlPath, atomically: true, encoding: .utf8)
        _ = try TestSupport.run("ncgen", ["-k", kind, "-o", ncPath, cdlPath])
        return ncPath
    }

    static let packedCDL = """
    netcdf packed {
    dimensions:
        time = 2 ; lat = 3 ; lon = 4 ;
    variables:
        double time(time) ; time:units = "hours since 2000-1-1 0:0" ; time:calendar = "all_leap" ;
        float lat(lat) ; lat:units = "degrees_north" ;
        float lon(lon) ; lon:units = "degrees_east" ;
        short tas(time, lat, lon) ; tas:scale_factor = 0.01 ; tas:add_offset = 273.15 ; tas:_FillValue = -32767s ;
            tas:units = "K" ;
            tas:_ChunkSizes = 1, 3, 4 ; tas:_DeflateLevel = 4 ; tas:_Shuffle = "true" ;
    // global attributes:
        :DODS_EXTRA.Unlimited_Dimension = "time" ;
    data:
        time = 0, 24 ;
        lat = 60, 0, -60 ;
        lon = -135, -45, 45, 135 ;
        tas = 0, 1, 2, 3, 100, 101, 102, 103, -32767, 201, 202, 203,
              1000, 1001, 1002, 1003, 1100, 1101, 1102, 1103, 1200, 1201, 1202, 1203 ;
    }
    """

    @Test(.enabled(if: TestSupport.has("ncgen"), "ncgen (netcdf-bin) not installed"), arguments: ["classic", "nc4", "nc7"])
    func packedDescendingMinus180File(kind: String) throws {
        let dir = try TestSupport.scratch("odd-\(kind)")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Chunking and deflate exist only in netCDF-4: strip them for classic. (A real, non-virtual
        // `_ChunkSizes` attribute cannot be made with ncgen; the CMIP6 sample files carry one.)
        let cdl = kind == "classic" ? Self.packedCDL.replacingOccurrences(of: "tas:_ChunkSizes = 1, 3, 4 ; tas:_DeflateLevel = 4 ; tas:_Shuffle = \"true\" ;", with: "") : Self.packedCDL
        let path = try Self.make(cdl, kind: kind, in: dir, name: "packed")
        let reader = try CFReader(path: path)
        #expect(reader.dataVariables() == ["tas"])
        #expect(reader.file.format == (kind == "classic" ? "netCDF-3 classic" : kind == "nc4" ? "netCDF-4" : "netCDF-4 classic model"))
        let field = try reader.read("tas")
        #expect(field.grid.lat == [-60, 0, 60])
        #expect(field.grid.lon == [45, 135, 225, 315])
        #expect(field.time?.calendar.kind == .allLeap)
        #expect(try field.time?.dates().last == CFDateTime(year: 2000, month: 1, day: 2))
        // Row lat=-60 of step 0 came from the file's last row: -32767 (fill), 201, 202, 203 at lon -135,-45,45,135.
        // Normalised lon order 45,135,225(-135),315(-45) -> file columns 2,3,0,1.
        let row0 = Array(field.values[0..<4])
        #expect(abs(row0[0] - Float(202 * 0.01 + 273.15)) < 1e-4)
        #expect(abs(row0[1] - Float(203 * 0.01 + 273.15)) < 1e-4)
        #expect(row0[2].isNaN)
        #expect(abs(row0[3] - Float(201 * 0.01 + 273.15)) < 1e-4)
        #expect(field.missing.declaredCount == 1 && field.missing.declared == [-32767])
        let m180 = try reader.read("tas", options: CFReadOptions(longitudes: .minus180To180))
        #expect(m180.grid.lon == [-135, -45, 45, 135])
        #expect(try reader.gridLayout(of: "tas").grid.boundsDerived)
    }

    @Test(.enabled(if: TestSupport.has("ncgen"), "ncgen (netcdf-bin) not installed"))

    func regionalGridAcrossGreenwichStaysContiguous() throws {
        let dir = try TestSupport.scratch("odd-regional")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cdl = """
        netcdf europe {
        dimensions: time = 1 ; lat = 2 ; lon = 4 ;
        variables:
            double time(time) ; time:units = "days since 2000-01-01" ;
            double lat(lat) ; lat:units = "degrees_north" ;
            double lon(lon) ; lon:units = "degrees_east" ;
            float tas(time, lat, lon) ; tas:units = "K" ;
        data: time = 0 ; lat = 40, 50 ; lon = 340, 350, 0, 10 ; tas = 1, 2, 3, 4, 5, 6, 7, 8 ;
        }
        """
        let path = try Self.make(cdl, kind: "nc4", in: dir, name: "europe")
        let field = try CFReader(path: path).read("tas")
        #expect(field.grid.lon == [-20, -10, 0, 10])
        #expect(field.values == [1, 2, 3, 4, 5, 6, 7, 8])
        let global = try CFReader(path: path).read("tas", options: CFReadOptions(longitudes: .minus180To180))
        #expect(global.grid.lon == [-20, -10, 0, 10])
    }

    @Test(.enabled(if: TestSupport.has("ncgen"), "ncgen (netcdf-bin) not installed"))

    func refusesUnsupportedGridsNamingThem() throws {
        let dir = try TestSupport.scratch("odd-grids")
        defer { try? FileManager.default.removeItem(at: dir) }
        let curvilinear = """
        netcdf curv {
        dimensions: time = 1 ; y = 2 ; x = 3 ;
        variables:
            double time(time) ; time:units = "days since 1850-01-01" ;
            float nav_lat(y, x) ; nav_lat:units = "degrees_north" ; nav_lat:standard_name = "latitude" ;
            float nav_lon(y, x) ; nav_lon:units = "degrees_east" ; nav_lon:standard_name = "longitude" ;
            float tos(time, y, x) ; tos:coordinates = "nav_lat nav_lon" ; tos:units = "degC" ;
        data: time = 0 ; nav_lat = 1,2,3,4,5,6 ; nav_lon = 1,2,3,4,5,6 ; tos = 1,2,3,4,5,6 ;
        }
        """
        let rotated = """
        netcdf rot {
        dimensions: time = 1 ; rlat = 2 ; rlon = 2 ;
        variables:
            double time(time) ; time:units = "days since 1850-01-01" ;
            double rlat(rlat) ; rlat:standard_name = "grid_latitude" ; rlat:units = "degrees" ;
            double rlon(rlon) ; rlon:standard_name = "grid_longitude" ; rlon:units = "degrees" ;
            char rotated_pole ; rotated_pole:grid_mapping_name = "rotated_latitude_longitude" ;
            float tas(time, rlat, rlon) ; tas:grid_mapping = "rotated_pole" ; tas:units = "K" ;
        data: time = 0 ; rlat = 0, 1 ; rlon = 0, 1 ; tas = 1, 2, 3, 4 ;
        }
        """
        let unstructured = """
        netcdf ugrid {
        dimensions: time = 1 ; ncells = 4 ;
        variables:
            double time(time) ; time:units = "days since 1850-01-01" ;
            double clat(ncells) ; clat:units = "degrees_north" ; clat:standard_name = "latitude" ;
            double clon(ncells) ; clon:units = "degrees_east" ; clon:standard_name = "longitude" ;
            float tas(time, ncells) ; tas:coordinates = "clat clon" ; tas:units = "K" ;
        data: time = 0 ; clat = 1,2,3,4 ; clon = 1,2,3,4 ; tas = 1,2,3,4 ;
        }
        """
        for (cdl, name, needle, variable) in [(curvilinear, "curv", "curvilinear", "tos"), (rotated, "rot", "rotated-pole", "tas"), (unstructured, "ugrid", "unstructured", "tas")] {
            let path = try Self.make(cdl, kind: "nc4", in: dir, name: name)
            do {
                _ = try CFReader(path: path).read(variable)
                Issue.record("\(name) should be refused")
            } catch {
                #expect(error.code == .unsupported && error.message.contains(needle) && error.file == path && error.variable == variable, "\(error)")
            }
        }
    }

    @Test func unreadableFilesGiveTypedErrors() throws {
        let dir = try TestSupport.scratch("odd-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let junk = dir.appendingPathComponent("junk.nc").path
        try Data("this is not netCDF".utf8).write(to: URL(fileURLWithPath: junk))
        #expect(throws: ClimateDataError.self) { try CFReader(path: junk) }
        do { _ = try NetCDFFile(path: junk) } catch { #expect(error.file == junk && error.code == .netcdf) }
        do { _ = try NetCDFFile(path: dir.appendingPathComponent("missing.nc").path) } catch { #expect(error.code == .notFound) }
        // Truncated real file.
        let (spec, values) = try CFWriterTests.ensembleSpec()
        let good = dir.appendingPathComponent("good.nc").path
        try CFWriter.write(path: good, spec: spec, values: values)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let cut = dir.appendingPathComponent("cut.nc").path
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
        do {
            let r = try CFReader(path: cut)
            _ = try r.read("tas")
            Issue.record("truncated file read without error")
        } catch {
            #expect(error.file == cut)
        }
        // Missing variable names file and variable.
        do { _ = try CFReader(path: good).read("pr") } catch { #expect(error.code == .notFound && error.variable == "pr" && error.file == good) }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: OddFileTests.binary), "spfflow binary not built at \(OddFileTests.binary)"), .enabled(if: RealCMIP6Tests.available, "CMIP6 sample data not found (run make test-deps)"))

    func cliInspectAndRegrid() throws {
        let bin = Self.binary
        let catalog = try RealCMIP6Tests.amonCatalog()
        let ds = try #require(catalog.datasets.first { $0.sourceID == "FGOALS-f3-L" })
        let text = String(decoding: try TestSupport.run(bin, ["inspect", ds.files[0].path]), as: UTF8.self)
        for needle in ["variable ta(time, plev, lat, lon): units K", "calendar: noleap (written \"365_day\")", "monthly",
                       "vertical: plev = 100000, 92500 Pa", "bounds NOT contiguous", "netCDF default-fill", "lat/lon bounds from the file"] {
            #expect(text.contains(needle), "inspect output lacks \(needle):\n\(text)")
        }
        let dir = try TestSupport.scratch("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.nc").path, output = dir.appendingPathComponent("out.nc").path
        try SyntheticField.writeFile(path: input, grid: LatLonGrid.regular(nlon: 144, nlat: 96), steps: 3)
        _ = try TestSupport.run(bin, ["regrid", input, output, "--to", "r72x36", "--method", "bilinear"])
        let out = try CFReader(path: output).read("tas")
        #expect(out.grid.nlat == 36 && out.grid.nlon == 72 && out.timeSteps == 3 && !out.values.contains { $0.isNaN })
        #expect(throws: (any Error).self) { try TestSupport.run(bin, ["regrid", input, output, "--to", "r72x36", "--method", "cubic"]) }
        // --to a grid file: the grid of that file's data variable.
        let again = dir.appendingPathComponent("again.nc").path
        _ = try TestSupport.run(bin, ["regrid", input, again, "--to", output, "--method", "conservative", "--deflate", "0"])
        let g = try CFReader(path: again).read("tas").grid
        #expect(g.lat == out.grid.lat && g.lon == out.grid.lon)
        // One level, or every level (then plev stays a dimension), as with CDO.
        _ = try TestSupport.run(bin, ["regrid", ds.files[0].path, again, "--to", "r72x36", "--level", "925 hPa"])
        let one = try CFReader(path: again).read("ta")
        #expect(one.level?.value == 92500)
        let all = dir.appendingPathComponent("all.nc").path
        _ = try TestSupport.run(bin, ["regrid", ds.files[0].path, all, "--to", "r72x36"])
        let reader = try CFReader(path: all)
        #expect(try reader.verticalAxis(of: "ta")?.values == [100000, 92500])
        let level925 = try reader.read("ta", options: CFReadOptions(level: VerticalSelection(value: 925, units: "hPa")))
        #expect(level925.values.elementsEqual(one.values) { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }
}

import Foundation
import Testing
import ClimateData

/// Target grids given as CDO grid description files (`gridtype = lonlat`, …), and regridding a
/// global file to regional grids, compared with `cdo remapcon,grid.txt` / `cdo remapbil,grid.txt`.
@Suite struct RegionalGridTests {
    /// Regional grids of the parity test: one across the dateline (160°E…142.5°W), one with a negative
    /// first longitude across Greenwich, one across the dateline written west of −180, one plain.
    static let grids: [(name: String, text: String)] = [
        ("dateline", "gridtype = lonlat\nxsize = 36\nysize = 25\nxfirst = 160\nxinc = 2.5\nyfirst = -30\nyinc = 2\n"),
        ("negative-first-lon", "# Europe and North Africa\ngridtype  = lonlat\ngridsize = 800\nxsize    = 40\nysize    = 20\nxname = \"lon\"\nxunits = \"degrees_east\"\nxfirst   = -30.25\nxinc     = 1.5\nyfirst   = 25.5\nyinc     = 1.25\n"),
        ("dateline-west-of-minus-180", "gridtype = lonlat\nxsize = 30\nysize = 12\nxfirst = -205\nxinc = 3\nyfirst = 50\nyinc = -3.5\n"),
        ("plain", "gridtype = lonlat\nxsize = 20\nysize = 15\nxfirst = 60.5\nxinc = 1\nyfirst = 5.5\nyinc = 1\n"),
    ]

    @Test func parsesLonlatDescriptions() throws {
        let d = try CDOGridDescription(parsing: Self.grids[0].text)
        #expect(d.longitudes.count == 36 && d.longitudes[0] == 160 && d.longitudes[35] == 247.5)
        #expect(d.latitudes.count == 25 && d.latitudes[0] == -30 && d.latitudes[24] == 18)
        let g = try d.grid()
        #expect(!g.isGlobalInLongitude && g.kind == .regular)
        #expect(g.lonBounds[0] == 158.75 && g.lonBounds[71] == 248.75 && g.latBounds[0] == -31 && g.latBounds[49] == 19)
        // Negative first longitude kept as written; quoted names and comments accepted.
        let e = try CDOGridDescription(parsing: Self.grids[1].text).grid()
        #expect(e.lon[0] == -30.25 && e.nlon == 40 && e.nlat == 20)
        // North-to-south latitudes come out ascending.
        let s = try CDOGridDescription(parsing: Self.grids[2].text).grid()
        #expect(s.lat.first == 11.5 && s.lat.last == 50 && s.lon.first == -205)
        // Value lists over several lines.
        let v = try CDOGridDescription(parsing: "gridtype = lonlat\nxsize = 4\nysize = 2\nxvals = 0 10\n  20 30\nyvals = -5 5\n").grid()
        #expect(v.lon == [0, 10, 20, 30] && v.lat == [-5, 5])
        // A description that closes the circle is global, like r<nlon>x<nlat>.
        let global = try CDOGridDescription(parsing: "gridtype = lonlat\nxsize = 72\nysize = 36\nxfirst = 0\nxinc = 5\nyfirst = -87.5\nyinc = 5\n").grid()
        let r72x36 = try LatLonGrid.named("r72x36")
        #expect(global.isGlobalInLongitude && global.lat == r72x36.lat && global.lon == r72x36.lon && global.lonBounds == r72x36.lonBounds)
    }

    @Test func refusesWhatItCannotRepresentNamingTheLine() throws {
        func message(_ text: String) -> String {
            do { _ = try CDOGridDescription(parsing: text, file: "grid.txt"); return "" } catch { return error.description }
        }
        let curvilinear = message("gridtype = curvilinear\nxsize = 4\nysize = 2\n")
        #expect(curvilinear.contains("grid.txt") && curvilinear.contains("line 1") && curvilinear.contains("curvilinear"), "\(curvilinear)")
        let noInc = message("gridtype = lonlat\nxsize = 4\nysize = 2\nxfirst = 0\nxinc = 1\nyfirst = 0\n")
        #expect(noInc.contains("yinc"), "\(noInc)")
        let size = message("gridtype = lonlat\ngridsize = 9\nxsize = 4\nysize = 2\nxfirst = 0\nxinc = 1\nyfirst = 0\nyinc = 1\n")
        #expect(size.contains("line 2") && size.contains("gridsize"), "\(size)")
        let bounds = message("gridtype = lonlat\nxsize = 2\nysize = 1\nxvals = 0 1\nxbounds = -0.5 0.5 0.5 1.5\nyvals = 0\n")
        #expect(bounds.contains("line 5") && bounds.contains("xbounds"), "\(bounds)")
        let list = message("gridtype = lonlat\nxsize = 3\nysize = 1\nxvals = 0 1\nyvals = 0\n")
        #expect(list.contains("line 4") && list.contains("2 values"), "\(list)")
        let lat = message("gridtype = lonlat\nxsize = 1\nysize = 3\nxfirst = 0\nxinc = 1\nyfirst = 85\nyinc = 5\n")
        #expect(lat.contains("beyond ±90"), "\(lat)")
        let wide = message("gridtype = lonlat\nxsize = 100\nysize = 1\nxfirst = 0\nxinc = 5\nyfirst = 0\nyinc = 1\n")
        #expect(wide.contains("more than one turn"), "\(wide)")
        // `--to` resolves text files as grid descriptions and netCDF files as grids of their data.
        let dir = try TestSupport.scratch("griddes")
        defer { try? FileManager.default.removeItem(at: dir) }
        let txt = dir.appendingPathComponent("grid.txt").path
        try Self.grids[3].text.write(toFile: txt, atomically: true, encoding: .utf8)
        #expect(try FileRegridder.grid(named: txt) == CDOGridDescription(contentsOf: txt).grid())
        let nc = dir.appendingPathComponent("grid.nc").path
        try SyntheticField.writeFile(path: nc, grid: LatLonGrid.named("r16x8"), steps: 1)
        #expect(try FileRegridder.grid(named: nc).nlon == 16)
    }

    /// Global sources (io-notes §3's regular 96x144 grid with bounds, and the F48 Gaussian grid without
    /// bounds, whose bounds CDO and spfflow derive) regridded to each regional grid by spfflow and by CDO;
    /// the largest difference per source, method and grid is printed.
    @Test(.enabled(if: TestSupport.has("cdo"), "cdo is not installed (make test-deps installs it)"),
          arguments: grids.map(\.name), ["regular", "gaussian"])
    func matchesCdoOnRegionalGrids(gridName: String, sourceKind: String) throws {
        let dir = try TestSupport.scratch("regional-\(gridName)-\(sourceKind)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.nc").path
        if sourceKind == "regular" {
            try SyntheticField.writeFile(path: input, grid: RegridTests.source96x144(), steps: 12)
        } else {
            try SyntheticField.writeFile(path: input, grid: LatLonGrid.gaussian(nlon: 192, nlat: 96), steps: 12, withGridBounds: false)
        }
        let gridFile = dir.appendingPathComponent("\(gridName).txt").path
        try #require(Self.grids.first { $0.name == gridName }).text.write(toFile: gridFile, atomically: true, encoding: .utf8)
        let destination = try FileRegridder.grid(named: gridFile)
        #expect(!destination.isGlobalInLongitude)
        for (method, op) in [(RegridMethod.conservative, "remapcon"), (.bilinear, "remapbil")] {
            let ours = dir.appendingPathComponent("ours-\(op).nc").path, theirs = dir.appendingPathComponent("cdo-\(op).nc").path
            try FileRegridder(destination: destination, method: method, threads: 2, deflateLevel: 0).regrid(input: input, output: ours)
            _ = try TestSupport.run("cdo", ["-s", "\(op),\(gridFile)", input, theirs])
            let a = try CFReader(path: ours).read("tas"), b = try CFReader(path: theirs).read("tas")
            #expect(a.grid.lat == b.grid.lat && a.grid.lon == b.grid.lon, "\(gridName): grids differ: \(a.grid.lon.prefix(3)) vs \(b.grid.lon.prefix(3))")
            #expect(a.values.count == b.values.count && a.values.count == 12 * destination.size)
            var maxDiff: Float = 0, nan = 0
            for (x, y) in zip(a.values, b.values) {
                if x.isNaN || y.isNaN { nan += 1 } else { maxDiff = max(maxDiff, abs(x - y)) }
            }
            print("figure regional_regrid_max_abs_diff_\(op)_\(sourceKind)_to_\(gridName) = \(maxDiff) K")
            #expect(nan == 0, "\(sourceKind) to \(gridName) \(op): \(nan) missing values")
            #expect(maxDiff <= 1e-4, "\(sourceKind) to \(gridName) \(op): max |spfflow - cdo| = \(maxDiff) K")
        }
    }

    /// A regional source is not wrapped in longitude: regridded to a global grid, the cells beyond it
    /// stay missing (bilinear never interpolates between its last and first column across the rest of
    /// the globe), as CDO leaves them; where both have values they agree.
    @Test(.enabled(if: TestSupport.has("cdo"), "cdo is not installed (make test-deps installs it)"))
    func regionalSourceIsNotWrapped() throws {
        let dir = try TestSupport.scratch("regional-source")
        defer { try? FileManager.default.removeItem(at: dir) }
        let global = dir.appendingPathComponent("global.nc").path, regional = dir.appendingPathComponent("regional.nc").path
        try SyntheticField.writeFile(path: global, grid: RegridTests.source96x144(), steps: 3)
        let gridFile = dir.appendingPathComponent("dateline.txt").path
        try Self.grids[0].text.write(toFile: gridFile, atomically: true, encoding: .utf8)
        try FileRegridder(destination: FileRegridder.grid(named: gridFile), method: .conservative, deflateLevel: 0).regrid(input: global, output: regional)
        let source = try CFReader(path: regional).read("tas")
        #expect(!source.grid.isGlobalInLongitude)
        for (method, op) in [(RegridMethod.conservative, "remapcon"), (.bilinear, "remapbil")] {
            let ours = dir.appendingPathComponent("ours-\(op).nc").path, theirs = dir.appendingPathComponent("cdo-\(op).nc").path
            try FileRegridder(destination: LatLonGrid.named("r72x36"), method: method, deflateLevel: 0).regrid(input: regional, output: ours)
            _ = try TestSupport.run("cdo", ["-s", "\(op),r72x36", regional, theirs])
            let a = try CFReader(path: ours).read("tas"), b = try CFReader(path: theirs).read("tas")
            var both = 0, onlyOurs = 0, onlyTheirs = 0
            var maxDiff: Float = 0
            for (x, y) in zip(a.values, b.values) {
                switch (x.isNaN, y.isNaN) {
                case (false, false): both += 1; maxDiff = max(maxDiff, abs(x - y))
                case (false, true): onlyOurs += 1
                case (true, false): onlyTheirs += 1
                default: break
                }
            }
            print("figure regional_source_max_abs_diff_\(op) = \(maxDiff) K over \(both) values; only spfflow \(onlyOurs), only cdo \(onlyTheirs)")
            // Far outside the region (lon 0-150, 260-360) nothing is filled: no wrap.
            for s in 0..<3 {
                for j in 0..<36 {
                    for i in 0..<72 where a.grid.lon[i] < 150 || a.grid.lon[i] > 260 {
                        #expect(a.values[(s * 36 + j) * 72 + i].isNaN, "\(op): lon \(a.grid.lon[i]) lat \(a.grid.lat[j]) filled")
                    }
                }
            }
            #expect(both > 0 && maxDiff <= 1e-4, "\(op): max |spfflow - cdo| = \(maxDiff) K")
            #expect(onlyOurs == 0 && onlyTheirs == 0, "\(op): cells filled by one only: spfflow \(onlyOurs), cdo \(onlyTheirs)")
        }
    }

    /// `spfflow regrid IN OUT --to grid.txt` writes the regional grid as described.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ProcessInfo.processInfo.environment["SPFFLOW_BIN"] ?? ""), "SPFFLOW_BIN (the built spfflow binary) is not set"))
    func cliRegridsToAGridDescription() throws {
        let bin = ProcessInfo.processInfo.environment["SPFFLOW_BIN"] ?? ""
        let dir = try TestSupport.scratch("regional-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.nc").path, output = dir.appendingPathComponent("out.nc").path
        try SyntheticField.writeFile(path: input, grid: LatLonGrid.named("r144x96"), steps: 2)
        let gridFile = dir.appendingPathComponent("europe.txt").path
        try Self.grids[1].text.write(toFile: gridFile, atomically: true, encoding: .utf8)
        _ = try TestSupport.run(bin, ["regrid", input, output, "--to", gridFile, "--method", "bilinear"])
        let out = try CFReader(path: output).read("tas", options: CFReadOptions(longitudes: .minus180To180))
        #expect(out.grid.nlon == 40 && out.grid.nlat == 20 && out.grid.lon.first == -30.25 && out.grid.lat.first == 25.5)
        #expect(out.timeSteps == 2 && out.values.allSatisfy { $0.isFinite })
        let bad = dir.appendingPathComponent("bad.txt").path
        try "gridtype = gaussian\nxsize = 4\nysize = 2\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bin)
        process.arguments = ["regrid", input, output, "--to", bad]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2, "exit \(process.terminationStatus): \(message)")
        #expect(message.contains("bad.txt") && message.contains("line 1") && message.contains("gaussian"), "\(message)")
    }
}

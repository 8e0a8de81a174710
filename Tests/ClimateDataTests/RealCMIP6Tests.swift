import Foundation
import Testing
import ClimateData

/// Tests on the real CMIP6 sample files (esmvaltool-sample-data 0.0.4; `make test-deps`).
@Suite struct RealCMIP6Tests {
    static var available: Bool { FileManager.default.fileExists(atPath: TestSupport.cmip6Root.path) }

    static func amonCatalog() throws -> CMIP6Catalog {
        try CMIP6Catalog(root: TestSupport.cmip6Root.path, selection: CMIP6Selection(tables: ["Amon"]))
    }

    /// Parses the `<var> = …;` data section of `ncdump -v <var> -p 9,17`.
    static func ncdumpValues(_ path: String, _ variable: String) throws -> [Float] {
        let text = String(decoding: try TestSupport.run("ncdump", ["-v", variable, "-p", "9,17", path]), as: UTF8.self)
        guard let dataRange = text.range(of: "\ndata:") else { throw ClimateDataError(.malformed, "no data section", file: path) }
        let data = text[dataRange.upperBound...]
        guard let start = data.range(of: "\n \(variable) =") else { throw ClimateDataError(.malformed, "no \(variable) in ncdump output", file: path) }
        let body = data[start.upperBound...].prefix { $0 != ";" }
        // ncdump prints `_` for fill values (here: netCDF's default float fill in never-written cells).
        return body.split(whereSeparator: { $0 == "," || $0.isWhitespace }).compactMap { $0 == "_" ? Float.nan : Float(String($0)) }
    }

    @Test(.enabled(if: RealCMIP6Tests.available, "CMIP6 sample data not found at \(TestSupport.cmip6Root.path) (run make test-deps)"), .enabled(if: TestSupport.has("ncdump"), "ncdump (netcdf-bin) not installed"))

    func everyAmonFileIsReadAndMatchesNcdump() throws {
        let catalog = try Self.amonCatalog()
        let files = catalog.datasets.flatMap(\.files)
        #expect(files.count == 270)
        #expect(Set(files.map(\.name.sourceID)).count == 42)
        var filesWithHuge = 0
        for f in files {
            let reader = try CFReader(path: f.path)
            let layout = try reader.gridLayout(of: "ta")
            let v = try reader.file.variable("ta")
            #expect(v.dimensions == ["time", "plev", "lat", "lon"], "\(f.path)")
            guard let levels = try reader.verticalAxis(of: "ta") else { Issue.record("no plev in \(f.path)"); continue }
            let dump = try Self.ncdumpValues(f.path, "ta")
            guard dump.count == v.shape.reduce(1, *) else { Issue.record("\(f.path): ncdump gave \(dump.count) values for shape \(v.shape)"); continue }
            let (nt, nl, ny, nx) = (v.shape[0], v.shape[1], v.shape[2], v.shape[3])
            var huge = 0
            for (k, level) in levels.values.enumerated() {
                let field = try reader.read("ta", options: CFReadOptions(level: VerticalSelection(value: level / 100, units: "hPa")))
                #expect(field.values.count == nt * ny * nx)
                var mismatches = 0
                for t in 0..<nt {
                    for j in 0..<ny {
                        for i in 0..<nx {
                            let ours = field.values[(t * ny + j) * nx + i]
                            let theirs = dump[((t * nl + k) * ny + layout.latSource[j]) * nx + layout.lonSource[i]]
                            if theirs.isNaN {
                                if !ours.isNaN { mismatches += 1 }
                                huge += 1
                            } else if abs(theirs) >= 1e20 * (1 - 1e-6) {
                                if !ours.isNaN { mismatches += 1 }
                                huge += 1
                            } else if ours != theirs { mismatches += 1 }
                        }
                    }
                }
                #expect(mismatches == 0, "\(f.path) level \(level): \(mismatches) values differ from ncdump")
                #expect(field.grid.lat == field.grid.lat.sorted())
            }
            if huge > 0 { filesWithHuge += 1 }
        }
        // Many sample files carry fill values in the data without any fill attribute (io-notes §4).
        #expect(filesWithHuge > 30, "only \(filesWithHuge) files with missing values")
    }

    @Test(.enabled(if: RealCMIP6Tests.available, "CMIP6 sample data not found (run make test-deps)"), .enabled(if: TestSupport.hasPythonCF, "\(TestSupport.python) lacks netCDF4/cftime"))

    func decodedTimesEqualCftime() throws {
        let catalog = try CMIP6Catalog(root: TestSupport.cmip6Root.path)
        let files = catalog.datasets.flatMap(\.files).map(\.path)
        #expect(files.count == 326)
        guard let ref = try TestSupport.reference(["times"] + files) as? [String: [String: Any]] else {
            Issue.record("reference script returned no JSON object"); return
        }
        var calendars: Set<String> = []
        for path in files {
            guard let entry = ref[path], let dates = entry["dates"] as? [[Int]] else { Issue.record("no reference for \(path)"); continue }
            let axis = try #require(try CFReader(path: path).timeAxis(of: "ta"))
            calendars.insert(axis.calendar.cfName)
            let ours = try axis.dates().map(TestSupport.fields)
            #expect(ours == dates, "\(path): times differ from cftime")
            if let b = entry["bounds"] as? [[Int]] {
                let ob = try #require(try axis.boundInstants())
                let flat = ob.flatMap { [axis.calendar.dateTime($0.0), axis.calendar.dateTime($0.1)] }.map(TestSupport.fields)
                #expect(flat == b, "\(path): time bounds differ from cftime")
            }
        }
        #expect(calendars == ["proleptic_gregorian", "noleap", "standard", "julian", "360_day"])
    }

    @Test(.enabled(if: RealCMIP6Tests.available, "CMIP6 sample data not found (run make test-deps)"))

    func multiFileDatasetsJoinWithoutGaps() throws {
        let catalog = try Self.amonCatalog()
        #expect(catalog.issues.isEmpty, "\(catalog.issues)")
        let multi = catalog.datasets.filter { $0.files.count > 1 }
        #expect(multi.count >= 25)
        for ds in catalog.datasets {
            let (field, issues, summary) = try ds.read(options: CFReadOptions(level: VerticalSelection(value: 1000, units: "hPa")))
            #expect(issues.isEmpty, "\(ds.id): \(issues)")
            let time = try #require(field.time)
            // Monthly and continuous: consecutive stamps fall in consecutive months of the model calendar.
            let dates = try time.dates()
            for k in 1..<dates.count {
                let a = dates[k - 1], b = dates[k]
                let next = a.month == 12 ? (a.year + 1, 1) : (a.year, a.month + 1)
                if (b.year, b.month) != next { Issue.record("\(ds.id): \(a) followed by \(b)"); break }
            }
            #expect(summary.timeSteps == (summary.lastYear - summary.firstYear + 1) * 12 || dates.first?.month != 1)
            #expect(field.values.count == time.count * field.grid.size)
        }
        // Reference dates that change between files (BCC-CSM2-MR: 1930 … 2010) are re-referenced.
        let bcc = try #require(catalog.datasets.first { $0.sourceID == "BCC-CSM2-MR" })
        let (_, _, s) = try bcc.read(options: CFReadOptions(level: VerticalSelection(value: 100000, units: "Pa")))
        #expect(s.timeUnits.count == bcc.files.count && s.calendar == "noleap")
    }

    @Test(.enabled(if: RealCMIP6Tests.available, "CMIP6 sample data not found (run make test-deps)"))

    func pressureLevelFloatNoiseAndMissingBounds() throws {
        let catalog = try Self.amonCatalog()
        // ACCESS-CM2 stores 100000.00000001 Pa; 1000 hPa must still match.
        let access = try #require(catalog.datasets.first { $0.sourceID == "ACCESS-CM2" })
        let reader = try CFReader(path: access.files[0].path)
        let (_, coord) = try reader.levelIndex(of: "ta", VerticalSelection(value: 1000, units: "hPa"))
        #expect(coord.value != 100000 && abs(coord.value - 100000) < 1e-6)
        #expect(throws: ClimateDataError.self) { try reader.levelIndex(of: "ta", VerticalSelection(value: 500, units: "hPa")) }
        // IPSL-CM6A-LR has float32 coordinates and no lat/lon bounds: bounds are derived, clipped at 90.
        let ipsl = try #require(catalog.datasets.first { $0.sourceID == "IPSL-CM6A-LR" })
        let grid = try CFReader(path: ipsl.files[0].path).gridLayout(of: "ta").grid
        #expect(!grid.boundsInFile && grid.boundsDerived && grid.latBounds.allSatisfy { abs($0) <= 90 } && grid.latBounds.last == 90)
        // A level must be chosen for a multi-level variable.
        do {
            _ = try reader.read("ta")
            Issue.record("reading ta without a level should fail")
        } catch {
            #expect(error.code == .invalidArgument && error.variable == "ta" && error.file == access.files[0].path)
        }
    }
}

extension CFGridLayout {
    var boundsInFileFlag: Bool { boundsInFile }
}

extension LatLonGrid {
    var boundsInFile: Bool { !boundsDerived }
}

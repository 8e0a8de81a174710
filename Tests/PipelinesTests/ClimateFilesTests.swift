import ClimateData
import Foundation
import Pipelines
import SPFEngine
import Testing

/// `climate.files` on an archive that is not a CMIP6 DRS tree: the ClimateSuite simulator's output
/// rewritten as a single-model archive would hold it (own file names, cropped to a region, yearly
/// means, a 360_day calendar, files split in time with different units), curated from a manifest,
/// then regridded to a regional grid given as a CDO grid description.
@Suite struct ClimateFilesTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var binaryBuilt: Bool { FileManager.default.isExecutableFile(atPath: SmokeManifestTests.binary()) }

    /// One rewritten dataset: its yearly values `[year, lat, lon]`, the regional grid and years.
    struct Archive {
        var grid: LatLonGrid
        var years: ClosedRange<Int>
        var tas: [Float]
        var pr: [Float]
    }

    /// Simulates CESM2 historical 1990–2014 (a tenth of its grid), crops it to 20°S–60°N, 100°E–280°E
    /// (across the dateline), averages each year with the model's month lengths, and writes tas and
    /// pr on a 360_day yearly axis in two files each (1990–2001 in hours since 1970-01-01, 2002–2014
    /// in days since 2002-01-01), with non-DRS names; tas carries CMIP-like global attributes, pr none.
    static func writeArchive(in dir: URL) throws -> Archive {
        let config = ClimateSuiteConfiguration(models: ["CESM2"], experiments: ["historical"], members: 1, gridScale: 0.1,
                                               firstYear: 1990, lastYear: 2014, seed: 11)
        let forcing = try RCMIPForcingData(directory: RCMIPForcingData.locateExtract(explicit: repoRoot.appendingPathComponent("Manifests/data/forcings").path))
        let simulator = try ClimateSuiteSimulator(configuration: config, forcing: forcing)
        var runs: [ClimateSuiteRun] = []
        try simulator.simulate(model: try ClimateSuiteCatalog.model(named: "CESM2"), member: 1) { runs.append($0) }
        let run = try #require(runs.first { $0.experiment == "historical" })
        let years = run.firstYear...run.lastYear
        let g = run.grid
        let rows = g.latitudes.indices.filter { g.latitudes[$0] > -20 && g.latitudes[$0] < 60 }
        let cols = g.longitudes.indices.filter { g.longitudes[$0] > 100 && g.longitudes[$0] < 280 }
        let grid = try LatLonGrid(lat: rows.map { g.latitudes[$0] }, lon: cols.map { g.longitudes[$0] })
        // Yearly means in the model's own calendar.
        let modelCalendar = try CFCalendar(cfName: run.model.calendar)
        let monthly = try TimeAxis.monthly(calendar: modelCalendar, units: CFTimeUnits(parsing: "days since 1850-01-01"), startYear: years.lowerBound, endYear: years.upperBound)
        let frames = try TimeAggregator(period: .year).frames(of: monthly)
        func yearly(_ values: [Float]) -> [Float] {
            var cropped: [Float] = []
            for t in 0..<run.months { for j in rows { for i in cols { cropped.append(values[(t * g.nlat + j) * g.nlon + i]) } } }
            return TimeAggregator.mean(cropped, pointsPerStep: grid.size, frames: frames)
        }
        let archive = Archive(grid: grid, years: years, tas: yearly(run.tas), pr: yearly(run.pr))
        // Two files per variable on a 360_day calendar.
        let cal = CFCalendar(.day360)
        func axis(_ y0: Int, _ y1: Int, units: String) throws -> TimeAxis {
            let u = try CFTimeUnits(parsing: units)
            let ref = try u.referenceInstant(in: cal)
            var v: [Double] = [], b: [Double] = []
            for y in y0...y1 {
                let lo = cal.startOfMonth(year: y, month: 1), hi = cal.startOfMonth(year: y + 1, month: 1)
                v.append(u.value(of: lo.adding(microseconds: hi.microseconds(since: lo) / 2), reference: ref))
                b += [u.value(of: lo, reference: ref), u.value(of: hi, reference: ref)]
            }
            return try TimeAxis(calendar: cal, units: u, values: v, bounds: b)
        }
        let n = grid.size
        let datasets: [(name: String, units: String, values: [Float], globals: [(String, String)])] = [
            ("t2m", "K", archive.tas, [("source_id", "CESM2"), ("experiment_id", "historical"), ("variant_label", "r1i1p1f1"), ("variable_id", "tas")]),
            ("precip", "kg m-2 s-1", archive.pr, []),
        ]
        for (name, units, values, globals) in datasets {
            let variable = name == "t2m" ? "tas" : "pr"
            for (y0, y1, units_) in [(1990, 2001, "hours since 1970-01-01 00:00:00"), (2002, 2014, "days since 2002-01-01")] {
                let spec = CFFileSpec(variable: CFVariableSpec(name: variable, units: units), grid: grid, time: try axis(y0, y1, units: units_),
                                      globalAttributes: globals.map { ($0.0, CFAttribute.text($0.1)) }, deflateLevel: 1, timeStepsPerChunk: 1)
                let slice = Array(values[((y0 - years.lowerBound) * n)..<((y1 - years.lowerBound + 1) * n)])
                try CFWriter.write(path: dir.appendingPathComponent("archive/cesm_run1_\(name)_\(y0)-\(y1).nc").path, spec: spec, values: slice)
            }
        }
        return archive
    }

    static func session(_ manifest: String, in dir: URL, name: String = "m-\(UUID().uuidString.prefix(6)).yaml") throws -> EngineSession {
        let path = dir.appendingPathComponent(name)
        try manifest.write(to: path, atomically: true, encoding: .utf8)
        return try EngineSession(manifestPath: path.path, cacheOverride: dir.appendingPathComponent("cache").path, registry: NodeKindRegistry.registry)
    }

    static let options = RunOptions(jobs: 2, keepGoing: true, until: [], force: [], progress: .none, showCached: false)

    @Test(.enabled(if: binaryBuilt, "the spfflow binary is not built (climate.files runs in its own exec-node process); set SPFFLOW_BIN"))
    func curatesANonDRSArchiveAndRegridsItToARegionalGrid() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-files-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("archive"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let archive = try Self.writeArchive(in: dir)
        // The regional target: 10°S–50°N, 150°E–140°W (across the dateline), 5° cells.
        try "gridtype = lonlat\nxsize = 14\nysize = 12\nxfirst = 152.5\nxinc = 5\nyfirst = -7.5\nyinc = 5\n"
            .write(to: dir.appendingPathComponent("pacific.txt"), atomically: true, encoding: .utf8)
        let manifest = """
        name: own-archive-test
        nodes:
          - id: tas
            kind: climate.files
            params: {root: archive, files: ["cesm_run1_t2m_*.nc"], period: year}
          - id: pr
            kind: climate.files
            params: {root: archive, files: [cesm_run1_precip_2002-2014.nc, cesm_run1_precip_1990-2001.nc], variable: pr,
                     source_id: CESM2, experiment: historical, member: r1i1p1f1, period: decade, start_year: 1990, end_year: 2009}
          - id: weights
            kind: climate.regrid-weights
            inputs: {source: tas}
            params: {grid_file: pacific.txt, method: conservative}
          - id: tas-regional
            kind: climate.regrid
            inputs: {data: tas, weights: weights}
        """
        let session = try Self.session(manifest, in: dir, name: "own-archive.yaml")
        let manifestPath = dir.appendingPathComponent("own-archive.yaml").path
        let cache = dir.appendingPathComponent("cache").path
        let before = try SmokeManifestTests.run(SmokeManifestTests.binary(), ["plan", manifestPath, "--cache", cache])
        #expect(before.status == 0 && before.output.contains(", 4 will run"), "\(before.output.suffix(800))")
        let result = try session.run(options: Self.options)
        #expect(result.succeeded, "\(result.failures)")
        // `spfflow run` finds everything cached; a changed grid file reruns the weights and the regridding only.
        let again = try SmokeManifestTests.run(SmokeManifestTests.binary(), ["run", manifestPath, "--cache", cache])
        #expect(again.status == 0 && again.output.contains("0 computed"), "\(again.output.suffix(800))")
        try "gridtype = lonlat\nxsize = 13\nysize = 12\nxfirst = 152.5\nxinc = 5\nyfirst = -7.5\nyinc = 5\n"
            .write(to: dir.appendingPathComponent("pacific.txt"), atomically: true, encoding: .utf8)
        let changed = try SmokeManifestTests.run(SmokeManifestTests.binary(), ["plan", manifestPath, "--cache", cache])
        #expect(changed.status == 0 && changed.output.contains(", 2 will run"), "\(changed.output.suffix(800))")
        try "gridtype = lonlat\nxsize = 14\nysize = 12\nxfirst = 152.5\nxinc = 5\nyfirst = -7.5\nyinc = 5\n"
            .write(to: dir.appendingPathComponent("pacific.txt"), atomically: true, encoding: .utf8)
        func object(_ id: String) throws -> StoredObject {
            let i = try #require(session.manifest.index[id])
            return try #require(session.store.open(session.keys.keys[i]))
        }
        // tas: facets from the files' global attributes, 25 years on the 360_day calendar, the values as written.
        let tas = try object("tas")
        #expect(tas.attribute("source_id") == "CESM2" && tas.attribute("experiment") == "historical" && tas.attribute("member") == "r1i1p1f1")
        #expect(tas.attribute("table") == "Ayr" && tas.attribute("period") == "year" && tas.attribute("calendar") == "360_day")
        let (shape, values) = try tas.readFloats("values")
        #expect(shape == [25, archive.grid.nlat, archive.grid.nlon])
        var maxDiff: Float = 0
        for (a, b) in zip(values, archive.tas) { maxDiff = max(maxDiff, abs(a - b)) }
        #expect(maxDiff < 1e-3, "curated tas differs from the yearly means written by \(maxDiff) K")
        #expect(try tas.readDoubles("lon").values == archive.grid.lon)
        // pr: facets from params, decadal means of 1990–2009 (two decades).
        let pr = try object("pr")
        #expect(try pr.readFloats("values").shape == [2, archive.grid.nlat, archive.grid.nlon])
        let n = archive.grid.size
        let firstDecade = (0..<10).map { Double(archive.pr[$0 * n]) }.reduce(0, +) / 10
        #expect(abs(Double(try pr.readFloats("values").values[0]) - firstDecade) < 1e-9 + 1e-5 * abs(firstDecade))
        // Regridded to the regional grid, read back with the shared object schema.
        let regional = try object("tas-regional")
        #expect(try regional.readDoubles("lon").values == (0..<14).map { 152.5 + 5 * Double($0) })
        #expect(try regional.readFloats("values").values.allSatisfy { $0.isFinite && $0 > 200 && $0 < 330 })
    }

    @Test(.enabled(if: binaryBuilt, "the spfflow binary is not built (climate.files runs in its own exec-node process); set SPFFLOW_BIN"))
    func refusesWhatWouldPoisonAnEmulatorNamingTheFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-files-bad-\(UUID().uuidString.prefix(8))")
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let grid = try LatLonGrid(lat: [-5, 5], lon: [170, 180, 190])
        func write(_ name: String, variable: String, units: String, years: ClosedRange<Int>) throws {
            let cal = CFCalendar(.noLeap)
            let time = try TimeAxis.monthly(calendar: cal, units: CFTimeUnits(parsing: "hours since 1970-01-01"), startYear: years.lowerBound, endYear: years.upperBound)
            let values = (0..<(time.count * grid.size)).map { Float(101_000 + $0 % 17) / (units == "hPa" ? 100 : 1) }
            try CFWriter.write(path: data.appendingPathComponent(name).path,
                               spec: CFFileSpec(variable: CFVariableSpec(name: variable, units: units), grid: grid, time: time, deflateLevel: 0), values: values)
        }
        // psl, a third variable: in Pa it curates; in hPa it is refused (spfflow converts no units).
        try write("slp_a.nc", variable: "psl", units: "Pa", years: 2000...2001)
        try write("slp_b.nc", variable: "psl", units: "Pa", years: 2002...2003)
        // A symbolic link to a file elsewhere is listed like the file (the key digests its target).
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("elsewhere"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: data.appendingPathComponent("slp_b.nc"), to: dir.appendingPathComponent("elsewhere/slp_b.nc"))
        try FileManager.default.createSymbolicLink(at: data.appendingPathComponent("slp_b.nc"), withDestinationURL: dir.appendingPathComponent("elsewhere/slp_b.nc"))
        try write("slp_late.nc", variable: "psl", units: "Pa", years: 2005...2006)
        try write("slp_hpa.nc", variable: "psl", units: "hPa", years: 2000...2001)
        // A file's own name curated as a CMIP name: units checked against the CMIP name.
        try write("t2m_kelvin.nc", variable: "t2m", units: "K", years: 2000...2001)
        try write("t2m_celsius.nc", variable: "t2m", units: "degC", years: 2000...2001)
        // Daily data on a 360_day calendar in hours since 1970, averaged to months.
        let cal = CFCalendar(.day360)
        let hours = try CFTimeUnits(parsing: "hours since 1970-01-01 00:00:00")
        let ref = try hours.referenceInstant(in: cal)
        let first = cal.startOfMonth(year: 2000, month: 1).dayNumber
        let days = 2 * 360
        let stamps = (0..<days).map { hours.value(of: CFInstant(dayNumber: first + $0, microsecondOfDay: 43_200_000_000), reference: ref) }
        let bounds = (0..<days).flatMap { [hours.value(of: CFInstant(dayNumber: first + $0, microsecondOfDay: 0), reference: ref),
                                          hours.value(of: CFInstant(dayNumber: first + $0 + 1, microsecondOfDay: 0), reference: ref)] }
        try CFWriter.write(path: data.appendingPathComponent("daily_tasmax.nc").path,
                           spec: CFFileSpec(variable: CFVariableSpec(name: "tasmax", units: "K"), grid: grid,
                                            time: TimeAxis(calendar: cal, units: hours, values: stamps, bounds: bounds), deflateLevel: 0),
                           values: (0..<(days * grid.size)).map { Float(290 + ($0 / grid.size) % 30) })
        let facets = "source_id: M, experiment: historical, member: r1i1p1f1"
        let manifest = """
        name: bad-files
        nodes:
          - {id: good, kind: climate.files, params: {root: data, files: [slp_b.nc, slp_a.nc], \(facets), period: year}}
          - {id: hpa, kind: climate.files, params: {root: data, files: [slp_hpa.nc], \(facets)}}
          - {id: gap, kind: climate.files, params: {root: data, files: ["slp_[ab].nc", slp_late.nc], \(facets)}}
          - {id: nothing, kind: climate.files, params: {root: data, files: ["tas_*.nc"], \(facets)}}
          - {id: outside, kind: climate.files, params: {root: data, files: ["../data/slp_a.nc"], \(facets)}}
          - {id: nofacet, kind: climate.files, params: {root: data, files: [slp_a.nc]}}
          - {id: renamed, kind: climate.files, params: {root: data, files: [t2m_kelvin.nc], variable_id: tas, \(facets)}}
          - {id: celsius, kind: climate.files, params: {root: data, files: [t2m_celsius.nc], variable_id: tas, \(facets)}}
          - {id: daily, kind: climate.files, params: {root: data, files: [daily_tasmax.nc], \(facets), period: month}}
        """
        let session = try Self.session(manifest, in: dir)
        let result = try session.run(options: Self.options)
        let failures = Dictionary(result.failures.map { ($0.node, $0.error) }, uniquingKeysWith: { a, _ in a })
        #expect(result.record.nodes.first { $0.id == "good" }?.status == .ran, "\(failures)")
        #expect(failures["good"] == nil)
        let hpa = failures["hpa"] ?? ""
        #expect(hpa.contains("slp_hpa.nc") && hpa.contains("'hPa'") && hpa.contains("Pa, the CMIP6 units of psl"), "\(hpa)")
        let gap = failures["gap"] ?? ""
        #expect(gap.contains("slp_late.nc") && gap.contains("slp_b.nc") && gap.contains("gap"), "\(gap)")
        #expect((failures["nothing"] ?? "").contains("'tas_*.nc' matches no file"), "\(failures["nothing"] ?? "")")
        #expect((failures["outside"] ?? "").contains("not inside root"), "\(failures["outside"] ?? "")")
        #expect((failures["nofacet"] ?? "").contains("no source_id") && (failures["nofacet"] ?? "").contains("slp_a.nc"), "\(failures["nofacet"] ?? "")")
        let celsius = failures["celsius"] ?? ""
        #expect(celsius.contains("t2m_celsius.nc") && celsius.contains("'degC'") && celsius.contains("CMIP6 units of tas"), "\(celsius)")
        #expect(failures.count == 6, "\(failures)")
        func object(_ id: String) throws -> StoredObject {
            let i = try #require(session.manifest.index[id])
            return try #require(session.store.open(session.keys.keys[i]))
        }
        #expect(try object("good").readFloats("values").shape == [4, 2, 3])   // 2000–2003 from slp_a.nc and the linked slp_b.nc
        #expect(try object("renamed").attribute("variable")?.contains("\"name\":\"tas\"") == true)
        // 720 days of a 360_day calendar: 24 months of 30 days; month k holds days 30k…30k+29 (values 290 + day % 30).
        let daily = try object("daily")
        #expect(daily.attribute("calendar") == "360_day" && daily.attribute("table") == "day")
        let (shape, values) = try daily.readFloats("values")
        #expect(shape == [24, 2, 3])
        #expect(values.allSatisfy { abs($0 - 304.5) < 1e-4 }, "\(values.prefix(6))")
    }

    @Test(.enabled(if: binaryBuilt, "the spfflow binary is not built (climate.files runs in its own exec-node process); set SPFFLOW_BIN"))
    func refusesAPeriodFinerThanTheData() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-files-period-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("archive"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.writeArchive(in: dir)
        let manifest = "name: p\nnodes:\n  - {id: monthly, kind: climate.files, params: {root: archive, files: [\"*t2m*\"], period: month}}\n"
        let result = try Self.session(manifest, in: dir).run(options: Self.options)
        #expect(!result.succeeded)
        let message = result.failures.first?.error ?? ""
        #expect(message.contains("the data are yearly") && message.contains("period 'month'"), "\(message)")
    }

    /// Simulates CESM2 (a tenth of its grid, member 1) for 1985–2014 historical and 2015–2040 ssp585 and
    /// writes monthly tas, pr and huss in files of its own naming (`cesm-historical-tas-1985_1999.nc`), two per
    /// variable and experiment. huss
    /// (specific humidity, 1) is not simulated: it is derived from tas at 80 % relative humidity and
    /// 1013.25 hPa (Bolton's saturation vapour pressure), a smooth third variable with its own units.
    static func writeMonthlyArchive(in dir: URL) throws {
        let config = ClimateSuiteConfiguration(models: ["CESM2"], experiments: ["historical", "ssp585"], members: 1, gridScale: 0.1,
                                               firstYear: 1985, lastYear: 2040, seed: 5)
        let forcing = try RCMIPForcingData(directory: RCMIPForcingData.locateExtract(explicit: repoRoot.appendingPathComponent("Manifests/data/forcings").path))
        let simulator = try ClimateSuiteSimulator(configuration: config, forcing: forcing)
        var runs: [ClimateSuiteRun] = []
        try simulator.simulate(model: try ClimateSuiteCatalog.model(named: "CESM2"), member: 1) { runs.append($0) }
        for run in runs {
            let g = run.grid
            let grid = try LatLonGrid(lat: g.latitudes, lon: g.longitudes, latBounds: g.latitudeBounds, lonBounds: g.longitudeBounds)
            let cal = try CFCalendar(cfName: run.model.calendar)
            let huss = run.tas.map { t -> Float in
                let e = 0.8 * 611.2 * exp(17.67 * (Double(t) - 273.15) / (Double(t) - 29.65))
                return Float(0.622 * e / (101_325 - 0.378 * e))
            }
            let middle = (run.firstYear + run.lastYear) / 2
            for (spec, values) in [(CFVariableSpec(name: "tas", units: "K"), run.tas),
                                   (CFVariableSpec(name: "pr", units: "kg m-2 s-1"), run.pr),
                                   (CFVariableSpec(name: "huss", units: "1"), huss)] {
                for (y0, y1) in [(run.firstYear, middle), (middle + 1, run.lastYear)] {
                    let time = try TimeAxis.monthly(calendar: cal, units: CFTimeUnits(parsing: "hours since 1970-01-01"), startYear: y0, endYear: y1)
                    let n = grid.size
                    let slice = Array(values[((y0 - run.firstYear) * 12 * n)..<((y1 - run.firstYear + 1) * 12 * n)])
                    try CFWriter.write(path: dir.appendingPathComponent("monthly/cesm-\(run.experiment)-\(spec.name)-\(y0)_\(y1).nc").path,
                                       spec: CFFileSpec(variable: spec, grid: grid, time: time, deflateLevel: 0), values: slice)
                }
            }
        }
    }

    /// Three variables curated from files train the emulator the same way as tas and pr: shards with
    /// three channels, per-cell statistics for each, a few optimiser steps.
    @Test(.enabled(if: binaryBuilt, "the spfflow binary is not built (climate.files runs in its own exec-node process); set SPFFLOW_BIN"))
    func threeVariablesFromFilesTrainTheEmulator() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-files-train-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("monthly"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeMonthlyArchive(in: dir)
        let rcmip = Self.repoRoot.appendingPathComponent("Manifests/data/forcings").path
        let manifest = """
        name: three-variables
        axes:
          experiment: [historical, ssp585]
          variable: [tas, pr, huss]
        nodes:
          - id: files-${experiment}-${variable}
            kind: climate.files
            over: [experiment, variable]
            params: {root: monthly, files: ["cesm-${experiment}-${variable}-*.nc"], variable: "${variable}", source_id: CESM2,
                     experiment: "${experiment}", member: r1i1p1f1, period: month}
          - id: weights
            kind: climate.regrid-weights
            inputs: {source: files-historical-tas}
            params: {grid: r16x8, method: conservative}
          - id: regrid-${experiment}-${variable}
            kind: climate.regrid
            over: [experiment, variable]
            inputs: {data: "files-${experiment}-${variable}", weights: weights}
          - id: forcing-${experiment}
            kind: climate.align-forcings
            over: [experiment]
            inputs: {data: "files-${experiment}-tas"}
            params: {forcings: [co2_cumulative, ch4, so2, bc, aod, erf_slow], rcmip_dir: \(rcmip)}
          - id: shards
            kind: spf.shards
            inputs: {fields: "regrid-${experiment}-${variable}", forcing: "forcing-${experiment}"}
            params: {variables: [tas, pr, huss]}
          - id: norm
            kind: spf.norm-stats
            inputs: {shards: shards}
            params: {experiments: [historical, ssp585], cell_std: [tas, pr, huss]}
          - id: train
            kind: spf.train
            inputs: {shards: shards, norm: norm}
            params: {sources: [CESM2], experiments: [historical, ssp585], model: tiny, patch: 2, steps: 6, batch: 4,
                     solver_steps: [2, 2, 2], checkpoint_every: 3}
        """
        let session = try Self.session(manifest, in: dir)
        let result = try session.run(options: Self.options)
        #expect(result.succeeded, "\(result.failures)")
        let shardsIndex = try #require(session.manifest.index["shards"])
        let shards = try #require(session.store.open(session.keys.keys[shardsIndex]))
        #expect(shards.attribute("variables") == "[\"tas\",\"pr\",\"huss\"]")
        let names = shards.datasetNames.filter { $0.hasPrefix("fields_") }.sorted()
        #expect(names.count == 2)
        for name in names {
            let (shape, values) = try shards.readFloats(name)
            #expect(shape.count == 4 && shape[1] == 3 && shape[2] == 8 && shape[3] == 16, "\(name) \(shape)")
            // The third channel holds huss (kg/kg: 1e-4 … 3e-2), not a copy of tas or pr.
            let plane = 8 * 16
            var huss: [Float] = []
            for t in 0..<shape[0] { huss += values[((t * 3 + 2) * plane)..<((t * 3 + 3) * plane)] }
            let inRange = huss.allSatisfy { $0 > 1e-5 && $0 < 0.05 }
            #expect(inRange, "\(name): huss outside 1e-5…0.05")
        }
        let trainIndex = try #require(session.manifest.index["train"])
        let model = try #require(session.store.open(session.keys.keys[trainIndex]))
        #expect(model.attribute("variables") == "[\"tas\",\"pr\",\"huss\"]")
        let losses = try JSONDecoder().decode([[Double?]].self, from: Data((model.attribute("loss_history") ?? "[]").utf8))
        let finite = losses.flatMap { $0 }.compactMap { $0 }.filter(\.isFinite)
        #expect(!losses.isEmpty && !finite.isEmpty, "\(losses)")
    }

    /// On the same files (a generated DRS tree, wired in as `tree`), climate.files writes the object
    /// climate.curate writes: the same datasets, values and attributes (facets read from the files).
    @Test(.enabled(if: binaryBuilt, "the spfflow binary is not built (curation runs in its own exec-node process); set SPFFLOW_BIN"))
    func writesTheObjectClimateCurateWritesOnTheSameFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-files-same-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rcmip = Self.repoRoot.appendingPathComponent("Manifests/data/forcings").path
        let manifest = """
        name: same-object
        nodes:
          - id: suite
            kind: climate.generate-suite
            params: {models: [CESM2], experiments: [historical], members: 1, grid_scale: 0.1, first_year: 2000, last_year: 2014, rcmip_dir: \(rcmip)}
          - id: discover
            kind: climate.discover
            inputs: {tree: suite}
            params: {tables: [Amon]}
          - id: curate
            kind: climate.curate
            inputs: {catalog: discover}
            params: {source_id: CESM2, variable: pr, period: year}
          - id: files
            kind: climate.files
            inputs: {tree: suite}
            params: {files: ["CMIP6/CMIP/*/CESM2/historical/r1i1p1f1/Amon/pr/*/*/*.nc"], period: year}
          - id: both
            kind: climate.files
            inputs: {tree: suite}
            params: {root: elsewhere, files: ["*.nc"]}
        """
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("elsewhere"), withIntermediateDirectories: true)
        let session = try Self.session(manifest, in: dir)
        let result = try session.run(options: Self.options)
        #expect(result.failures.map(\.node) == ["both"], "\(result.failures)")
        #expect(result.failures.first?.error.contains("either `root` or an input `tree`, not both") == true)
        func object(_ id: String) throws -> StoredObject {
            let i = try #require(session.manifest.index[id])
            return try #require(session.store.open(session.keys.keys[i]))
        }
        let curated = try object("curate"), files = try object("files")
        #expect(curated.datasetNames.sorted() == files.datasetNames.sorted())
        #expect(try curated.readFloats("values").shape == [15, files.readFloats("values").shape[1], files.readFloats("values").shape[2]])
        #expect(try curated.readFloats("values").values == files.readFloats("values").values)
        for name in ["lat", "lon", "lat_bnds", "lon_bnds", "time", "time_bnds"] {
            #expect(try curated.readDoubles(name).values == files.readDoubles(name).values, "\(name)")
        }
        for name in ["calendar", "time_units", "variable", "level", "source_id", "experiment", "member", "table", "period", "grid"] {
            #expect(curated.attribute(name) != nil && curated.attribute(name) == files.attribute(name), "\(name): \(curated.attribute(name) ?? "-") vs \(files.attribute(name) ?? "-")")
        }
    }
}

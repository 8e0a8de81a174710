import ClimateData
import Evaluation
import Foundation
import Pipelines
import SPFEngine
import Testing

/// Manifests/own-archive.yaml end to end on an archive the test writes: the ClimateSuite simulator's CESM2 (one member)
/// rewritten as a single-model archive holds it — own file names, cropped to a North-Pacific region, yearly means on a
/// 360_day calendar, files split in time — with the forcing of each run as a CSV the test writes. It trains the
/// decadal → yearly pyramid on historical + ssp585 (1900–2100) and scores it on ssp245, against the three cheap
/// baselines, with no floor (one member).
@Suite(.serialized) struct OwnArchiveManifestTests {
    static let manifest = NightlyManifestTests.repositoryRoot.appendingPathComponent("Manifests/own-archive.yaml")
    static var binaryBuilt: Bool { FileManager.default.isExecutableFile(atPath: NightlyManifestTests.binary) }

    /// `spfflow plan` on a fresh clone names the variable to set and exits 2.
    @Test(.enabled(if: binaryBuilt, "the spfflow binary is not built; set SPFFLOW_BIN"))
    func planNamesTheVariableToSet() throws {
        let (status, log) = try NightlyManifestTests.spfflow(["plan", Self.manifest.path], environment: ["SPFFLOW_OWN_ARCHIVE": ""])
        #expect(status == 2, "\(log)")
        #expect(log.contains("${env:SPFFLOW_OWN_ARCHIVE}"), "\(log)")
    }

    /// A grid whose sizes do not divide by the pyramid's factor and the patch is refused when the manifest loads (exit 2),
    /// naming the nearest sizes that work — before any data are read.
    @Test(.enabled(if: binaryBuilt, "the spfflow binary is not built; set SPFFLOW_BIN"))
    func planRefusesAGridThePyramidCannotTile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-ownplan-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data/grids"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "gridtype = lonlat\nxsize = 15\nysize = 8\nxfirst = 142.5\nxinc = 5\nyfirst = 2.5\nyinc = 5\n"
            .write(to: dir.appendingPathComponent("data/grids/north-pacific.txt"), atomically: true, encoding: .utf8)
        for file in ["forcing-train.csv", "forcing-heldout.csv"] {
            try "year,erf\nunits,W m-2\n2015,2.0\n".write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        try FileManager.default.copyItem(at: Self.manifest, to: dir.appendingPathComponent("own-archive.yaml"))
        let (status, log) = try NightlyManifestTests.spfflow(["plan", dir.appendingPathComponent("own-archive.yaml").path],
                                                             environment: ["SPFFLOW_OWN_ARCHIVE": dir.path])
        #expect(status == 2, "\(log)")
        #expect(log.contains("node 'weights'") && log.contains("nearest sizes that work: 15 longitudes → 14 or 16"), "\(log)")
        #expect(log.contains("own-archive.yaml:"), "the error names the manifest line: \(log)")
    }

    /// The archive: `train/` (historical 1900–2014 and ssp585 2015–2100, two files per variable, different time units),
    /// `heldout/` (ssp245), and the two forcing CSVs (total ERF and cumulative CO2 emissions from RCMIP, per year).
    static func writeArchive(in dir: URL) throws {
        let config = ClimateSuiteConfiguration(models: ["CESM2"], experiments: ["historical", "ssp585", "ssp245"], members: 1,
                                               gridScale: 0.1, firstYear: 1900, lastYear: 2100, seed: 24)
        let forcing = try RCMIPForcingData(directory: RCMIPForcingData.locateExtract(
            explicit: NightlyManifestTests.repositoryRoot.appendingPathComponent("Manifests/data/forcings").path))
        let simulator = try ClimateSuiteSimulator(configuration: config, forcing: forcing)
        var runs: [String: ClimateSuiteRun] = [:]
        try simulator.simulate(model: try ClimateSuiteCatalog.model(named: "CESM2"), member: 1) { runs[$0.experiment] = $0 }
        let fm = FileManager.default
        for sub in ["train", "heldout"] { try fm.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true) }
        let cal = CFCalendar(.day360)
        func axis(_ y0: Int, _ y1: Int, units: String) throws -> ClimateData.TimeAxis {
            let u = try CFTimeUnits(parsing: units)
            let ref = try u.referenceInstant(in: cal)
            var v: [Double] = [], b: [Double] = []
            for y in y0...y1 {
                let lo = cal.startOfMonth(year: y, month: 1), hi = cal.startOfMonth(year: y + 1, month: 1)
                v.append(u.value(of: lo.adding(microseconds: hi.microseconds(since: lo) / 2), reference: ref))
                b += [u.value(of: lo, reference: ref), u.value(of: hi, reference: ref)]
            }
            return try ClimateData.TimeAxis(calendar: cal, units: u, values: v, bounds: b)
        }
        // (experiment, folder, file label, time units)
        let layout = [("historical", "train", "hist", "hours since 1970-01-01 00:00:00"), ("ssp585", "train", "ssp585", "days since 2015-01-01"),
                      ("ssp245", "heldout", "ssp245", "days since 1850-01-01")]
        for (experiment, folder, label, units) in layout {
            let run = try #require(runs[experiment], "the simulator made no \(experiment)")
            let g = run.grid
            // 10°S–55°N, 125°E–125°W: a margin around the 0–40°N, 140°E–140°W target.
            let rows = g.latitudes.indices.filter { g.latitudes[$0] > -10 && g.latitudes[$0] < 55 }
            let cols = g.longitudes.indices.filter { g.longitudes[$0] > 125 && g.longitudes[$0] < 235 }
            let grid = try ClimateData.LatLonGrid(lat: rows.map { g.latitudes[$0] }, lon: cols.map { g.longitudes[$0] })
            let monthly = try ClimateData.TimeAxis.monthly(calendar: try CFCalendar(cfName: run.model.calendar),
                                                           units: CFTimeUnits(parsing: "days since 1850-01-01"),
                                                           startYear: run.firstYear, endYear: run.lastYear)
            let frames = try TimeAggregator(period: .year).frames(of: monthly)
            func yearly(_ values: [Float]) -> [Float] {
                var cropped: [Float] = []
                cropped.reserveCapacity(run.months * grid.size)
                for t in 0..<run.months { for j in rows { for i in cols { cropped.append(values[(t * g.nlat + j) * g.nlon + i]) } } }
                return TimeAggregator.mean(cropped, pointsPerStep: grid.size, frames: frames)
            }
            for (name, variable, cfUnits, values) in [("t2m", "tas", "K", yearly(run.tas)), ("precip", "pr", "kg m-2 s-1", yearly(run.pr))] {
                let spec = CFFileSpec(variable: CFVariableSpec(name: name, units: cfUnits), grid: grid,
                                      time: try axis(run.firstYear, run.lastYear, units: units),
                                      globalAttributes: [("title", CFAttribute.text("CESM2-like run, \(variable), rewritten for spfflow's tests"))],
                                      deflateLevel: 1, timeStepsPerChunk: 8)
                try CFWriter.write(path: dir.appendingPathComponent("\(folder)/myesm_\(label)_\(name)_\(run.firstYear)-\(run.lastYear).nc").path,
                                   spec: spec, values: values)
            }
        }
        // The forcing CSVs: yearly total ERF and cumulative CO2 emissions of each run.
        let set = try ForcingSet(names: ["erf", "co2_cumulative"])
        for (file, experiments) in [("forcing-train.csv", [("historical", 1900, 2014), ("ssp585", 2015, 2100)]),
                                    ("forcing-heldout.csv", [("ssp245", 2015, 2100)])] {
            var lines: [String] = ["# written by OwnArchiveManifestTests from RCMIP", "year,erf,co2_cumulative", "units,\(set.variables.map(\.units).joined(separator: ","))"]
            for (experiment, first, last) in experiments {
                let annual = try forcing.annual(set, experiment: experiment, from: first, through: last)
                for y in first...last {
                    let k = y - annual.firstYear
                    lines.append("\(y),\(annual.values[k * 2]),\(annual.values[k * 2 + 1])")
                }
            }
            try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
    }

    @Test(.enabled(if: binaryBuilt, "the spfflow binary is not built; set SPFFLOW_BIN"))
    func trainsAndScoresOnANonDRSYearlyRegionalArchive() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("spfflow-own-\(UUID().uuidString.prefix(8))")
        let archive = dir.appendingPathComponent("archive")
        try fm.createDirectory(at: archive, withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("data/grids"), withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        try Self.writeArchive(in: archive)
        try fm.copyItem(at: NightlyManifestTests.repositoryRoot.appendingPathComponent("Manifests/data/grids/north-pacific.txt"),
                        to: dir.appendingPathComponent("data/grids/north-pacific.txt"))
        var text = try String(contentsOf: Self.manifest, encoding: .utf8)
        for (old, new) in [("train_first: 1850", "train_first: 1900"), ("train_steps: 3000", "train_steps: 400"), ("members: 20", "members: 8")] {
            #expect(text.contains(old), "own-archive.yaml no longer contains '\(old)'")
            text = text.replacingOccurrences(of: old, with: new)
        }
        let small = dir.appendingPathComponent("own-archive.yaml")
        try text.write(to: small, atomically: true, encoding: .utf8)
        let cache = dir.appendingPathComponent("cache")
        let started = Date()
        let (status, log) = try NightlyManifestTests.spfflow(["run", small.path, "--cache", cache.path, "--progress", "none"],
                                                             environment: ["SPFFLOW_OWN_ARCHIVE": archive.path])
        let seconds = Date().timeIntervalSince(started)
        try #require(status == 0, "\(log)")
        print("figure own_archive_wall_seconds = \(String(format: "%.1f", seconds)) s")

        let store = try ObjectStore(root: cache, cleanLeftovers: false)
        let records = store.records()
        func object(_ node: String) throws -> StoredObject {
            let record = try #require(records.first { $0.node == node }, "no \(node) in the cache")
            return try #require(store.open(record.key))
        }
        // Yearly shards; the trained pyramid is decadal → yearly, with no monthly stage.
        #expect(try object("shards").attribute("timescale") == "yearly")
        let trainer = try #require(try object("train").attribute("trainer"))
        #expect(trainer.contains("\"timescales\":[\"decadal\",\"yearly\"]"), "\(trainer.prefix(600))")
        // The regional grid of the products: 8 x 16, across the dateline.
        let merge = try object("merge")
        #expect(try merge.readDoubles("lon").values.count == 16 && merge.readDoubles("lat").values.count == 8)
        #expect(merge.attribute("timescale") == "yearly")

        // SPF and the three baselines scored at the yearly and decadal timescales; no monthly scores, no floor.
        let evaluation = try object("evaluate")
        let skill = try JSONDecoder().decode([SkillRecord].self, from: Data(try #require(evaluation.attribute("skill")).utf8))
        for model in [ModelID.spf, ModelID.climatology, ModelID.patternScaling, ModelID.stochasticPatternScaling] {
            #expect(skill.contains { $0.model == model && $0.timescale == .yearly && $0.metric == .crps && $0.variable == "tas" },
                    "no yearly tas CRPS of \(model)")
        }
        #expect(!skill.contains { $0.timescale == .monthly }, "yearly data scored monthly")
        #expect(!skill.contains { $0.model == ModelID.floor })
        #expect(evaluation.attribute("floor_note")?.contains("No floor") == true)
        // The skill table this measures (yearly CRPS and RMSE over the held-out period, ESM average).
        for variable in ["tas", "pr"] {
            for metric in [SkillMetric.crps, .rmse] {
                let row = [ModelID.spf, ModelID.climatology, ModelID.patternScaling, ModelID.stochasticPatternScaling].map { model -> String in
                    let v = skill.first { $0.model == model && $0.variable == variable && $0.timescale == .yearly && $0.metric == metric
                        && $0.esm == "MY-ESM" }?.value
                    return "\(model) \(v.map { String(format: "%.4g", $0) } ?? "-")"
                }
                print("own-archive skill yearly \(variable) \(metric): \(row.joined(separator: ", "))")
            }
        }

        // The report says there is no floor and draws both runs' forcing paths.
        let files = try #require(try object("report").filesDirectory)
        let report = try String(contentsOf: files.appendingPathComponent("report/index.md"), encoding: .utf8)
        #expect(report.contains("No floor"), "the report does not say there is no floor")
        #expect(report.contains("Forcing paths") && report.contains("forcing-train.csv") && report.contains("forcing-heldout.csv"))
        #expect(fm.fileExists(atPath: files.appendingPathComponent("report/forcing_erf.svg").path))
    }
}

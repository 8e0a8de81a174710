import ClimateData
import Foundation
import Pipelines
import SPFEngine
import Testing

/// The climate.generate-suite and climate.align-forcings node kinds run through the engine.
@Suite(.serialized) struct GenerateSuiteTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var rcmip: String { repositoryRoot.appendingPathComponent(RCMIPForcingData.extractDirectory).path }

    static var manifest: String {
        """
        name: climate-sim-test
        nodes:
          - id: suite
            kind: climate.generate-suite
            seed: 5
            params:
              models: [UKESM1-0-LL, CESM2]
              experiments: [historical, ssp245, G6sulfur]
              members: 2
              grid_scale: 0.08
              first_year: 2000
              last_year: 2025
              rcmip_dir: \(rcmip)
          - id: forcing-ukesm-ssp245
            kind: climate.align-forcings
            params:
              experiment: ssp245
              calendar: 360_day
              first_year: 2015
              last_year: 2024
              rcmip_dir: \(rcmip)
          - id: found
            kind: climate.discover
            inputs:
              tree: suite
            params:
              source_ids: [CESM2]
              variables: [pr]
          - id: pr-cesm2-hist
            kind: climate.curate
            inputs:
              catalog: found
            params:
              source_id: CESM2
              experiment: historical
              member: r2i1p1f1
              variable: pr
              period: month
          - id: forcing-cesm2-hist
            kind: climate.align-forcings
            inputs:
              data: pr-cesm2-hist
            params:
              rcmip_dir: \(rcmip)
        """
    }

    @Test func generateSuiteWritesACuratableDRSTreeAndAlignForcingsAggregates() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-gensuite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("manifest.yaml")
        try Self.manifest.write(to: path, atomically: true, encoding: .utf8)
        let session = try EngineSession(manifestPath: path.path, cacheOverride: dir.appendingPathComponent("cache").path,
                                        registry: NodeKindRegistry.registry)
        let summary = try session.run(options: RunOptions(jobs: 2, progress: .none, showCached: false))
        #expect(summary.record.state == .succeeded)
        func object(_ id: String) throws -> StoredObject {
            let i = try #require(session.manifest.index[id])
            return try #require(session.store.open(session.keys.keys[i]))
        }
        let suite = try object("suite")
        let files = try #require(suite.filesDirectory)
        let catalog = try CMIP6Catalog(root: files.path)
        // 2 models × (historical + ssp245) × 2 members + UKESM G6sulfur × 2 members, × tas and pr.
        #expect(catalog.datasets.count == (2 * 2 * 2 + 2) * 2)
        #expect(catalog.issues.isEmpty)
        let g6 = catalog.datasets.filter { $0.experiment == "G6sulfur" }
        #expect(g6.count == 4 && g6.allSatisfy { $0.sourceID == "UKESM1-0-LL" })
        #expect(suite.datasetNames.contains("ebm_temperature_CESM2_historical_r1i1p1f1"))
        #expect(suite.attribute("runs")?.contains("\"calendar\":\"360_day\"") == true)
        let (field, issues, _) = try #require(catalog.datasets.first { $0.variable == "tas" && $0.experiment == "ssp245" }).read()
        #expect(issues.isEmpty && field.values.allSatisfy { $0 > 150 && $0 < 350 })

        let forcing = try object("forcing-ukesm-ssp245")
        #expect(forcing.attribute("calendar") == "360_day")
        let monthly = try forcing.readFloats("forcing_monthly"), yearly = try forcing.readFloats("forcing_yearly")
        let decadal = try forcing.readFloats("forcing_decadal")
        #expect(monthly.shape == [120, 5] && yearly.shape == [10, 5] && decadal.shape == [2, 5])
        let bounds = try forcing.readDoubles("time_bnds_monthly").values
        #expect((0..<120).allSatisfy { bounds[2 * $0 + 1] - bounds[2 * $0] == 30 })
        // Yearly SO2 equals the RCMIP annual value.
        let data = try RCMIPForcingData(directory: URL(fileURLWithPath: Self.rcmip))
        let so2 = try data.annual(.climateBench, experiment: "ssp245", from: 2015, through: 2024).series("so2")
        for y in 0..<10 { #expect(abs(Double(yearly.values[y * 5 + 2]) - so2[y]) < 1e-3 * so2[y]) }

        // The generated tree flows through climate.discover (input tree) and climate.curate like
        // downloaded files, and the forcing aligns to the curated frames in CESM2's 365-day calendar.
        let curated = try object("pr-cesm2-hist")
        #expect(curated.attribute("calendar") == "noleap" && curated.attribute("source_id") == "CESM2")
        let pr = try curated.readFloats("values")
        #expect(pr.shape[0] == 15 * 12 && pr.values.allSatisfy { $0 >= 0 })
        let cesmForcing = try object("forcing-cesm2-hist")
        #expect(cesmForcing.attribute("experiment_id") == "historical")
        #expect(try cesmForcing.readFloats("forcing_monthly").shape == [15 * 12, 5])
        #expect(try cesmForcing.readDoubles("time_monthly").values == curated.readDoubles("time").values)

        // Same manifest and seed: the second run is served from the cache.
        let again = try session.run(options: RunOptions(jobs: 2, progress: .none, showCached: false))
        #expect(again.record.nodes.allSatisfy { $0.status == .cached })
    }

    /// Simulated files → climate.discover → climate.curate (monthly and yearly) → climate.align-forcings
    /// on the curated frames, in UKESM1-0-LL's 360-day calendar.
    @Test func alignForcingsFollowsCuratedFrames() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-alignforcings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tree = dir.appendingPathComponent("tree")
        let config = ClimateSuiteConfiguration(models: ["UKESM1-0-LL"], experiments: ["ssp585"], members: 1, gridScale: 0.08,
                                               firstYear: 2010, lastYear: 2032, seed: 9)
        let sim = try ClimateSuiteSimulator(configuration: config, forcing: RCMIPForcingData(directory: URL(fileURLWithPath: Self.rcmip)))
        try sim.run(threads: 1) { run in try ClimateSuiteWriter(root: tree, softwareVersion: "test").write(run) }
        let manifest = """
            name: align-test
            nodes:
              - id: found
                kind: climate.discover
                params:
                  root: \(tree.path)
              - id: tas-${period}
                kind: climate.curate
                over: {period: [month, year]}
                inputs: {catalog: found}
                params:
                  source_id: UKESM1-0-LL
                  experiment: ssp585
                  variable: tas
                  period: ${period}
              - id: forcing-${period}
                kind: climate.align-forcings
                over: {period: [month, year]}
                inputs:
                  data: tas-${period}
                params:
                  rcmip_dir: \(Self.rcmip)
            """
        let path = dir.appendingPathComponent("manifest.yaml")
        try manifest.write(to: path, atomically: true, encoding: .utf8)
        let session = try EngineSession(manifestPath: path.path, cacheOverride: dir.appendingPathComponent("cache").path,
                                        registry: NodeKindRegistry.registry)
        let summary = try session.run(options: RunOptions(jobs: 2, progress: .none, showCached: false))
        #expect(summary.record.state == .succeeded)
        func object(_ id: String) throws -> StoredObject {
            let i = try #require(session.manifest.index[id])
            return try #require(session.store.open(session.keys.keys[i]))
        }
        let monthly = try object("forcing-month"), yearly = try object("forcing-year")
        #expect(monthly.attribute("experiment_id") == "ssp585" && monthly.attribute("calendar") == "360_day")
        #expect(try monthly.readFloats("forcing_monthly").shape == [18 * 12, 5])
        #expect(try yearly.readFloats("forcing_monthly").shape == [18, 5])
        #expect(try monthly.readDoubles("time_monthly").values == object("tas-month").readDoubles("time").values)
        // The yearly forcing from monthly frames equals the forcing aligned on yearly frames.
        let a = try monthly.readFloats("forcing_yearly").values, b = try yearly.readFloats("forcing_monthly").values
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($0)) })
    }
}

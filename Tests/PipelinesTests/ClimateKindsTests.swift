import ClimateData
import Foundation
import Pipelines
import SPFEngine
import Testing

/// Runs Manifests/cmip6-sample.yaml (the climate node kinds) on the real CMIP6 sample files.
@Suite struct ClimateKindsTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var cmip6Root: URL {
        let base = ProcessInfo.processInfo.environment["SPFFLOW_TESTDATA"].map { URL(fileURLWithPath: $0) } ?? repoRoot.appendingPathComponent(".testdata")
        return base.appendingPathComponent("esmvaltool_sample_data/data/timeseries/CMIP6")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: ClimateKindsTests.cmip6Root.path), "CMIP6 sample data not found at \(ClimateKindsTests.cmip6Root.path) (run make test-deps)"))

    func sampleManifestCuratesRegridsAndExports() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-climate-kinds-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var text = try String(contentsOf: Self.repoRoot.appendingPathComponent("Manifests/cmip6-sample.yaml"), encoding: .utf8)
        text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("  cmip6_root:") ? "  cmip6_root: \(Self.cmip6Root.path)" : String(line)
        }.joined(separator: "\n")
        text = text.replacingOccurrences(of: "      member_layout: timeFirst", with: "      member_layout: timeFirst\n      print_summary: false")
        let manifest = dir.appendingPathComponent("cmip6-sample.yaml")
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        let cache = dir.appendingPathComponent("cache")
        let session = try EngineSession(manifestPath: manifest.path, cacheOverride: cache.path, registry: NodeKindRegistry.registry)
        let first = try session.run(options: RunOptions(jobs: 2, keepGoing: false, until: [], force: [], progress: .none, showCached: false))
        #expect(first.succeeded)
        #expect(first.record.nodes.count == 26)
        #expect(first.record.nodes.allSatisfy { $0.status == .ran })

        // The exported files: one per model, on r72x36, yearly, each model's own calendar kept.
        let files = (FileManager.default.enumerator(atPath: cache.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".nc") }
        #expect(files.count == 8, "\(files)")
        let expectedCalendars = ["BCC-CSM2-MR": "noleap", "CESM2": "noleap", "IPSL-CM6A-LR": "standard", "MRI-ESM2-0": "proleptic_gregorian"]
        for rel in files {
            let path = cache.appendingPathComponent(rel).path
            let reader = try CFReader(path: path)
            let field = try reader.read("ta", options: CFReadOptions())
            #expect(field.grid.nlat == 36 && field.grid.nlon == 72)
            let model = reader.file.globalText("source_id") ?? ""
            if let cal = expectedCalendars[model] { #expect(field.time?.calendar.cfName == cal, "\(model)") }
            // Data near the North Pole survive regridding; cells far from the sample's points are missing.
            let lastRow = field.values[(35 * 72)..<(36 * 72)]
            #expect(lastRow.contains { !$0.isNaN && $0 > 200 && $0 < 320 }, "\(model): no valid polar values")
            #expect(field.values[0].isNaN)
            let dates = try #require(try field.time?.dates())
            #expect(dates.first?.month == 7 && dates.count >= 65, "\(model): yearly stamps mid-year, \(dates.count) years")
        }
        let summary = try String(contentsOf: cache.appendingPathComponent(try #require(files.first)).deletingLastPathComponent().appendingPathComponent("summary.txt"), encoding: .utf8)
        for model in ["BCC-CSM2-MR", "CESM2", "CESM2-WACCM", "CMCC-CM2-SR5", "GFDL-ESM4", "IPSL-CM6A-LR", "MRI-ESM2-0", "NorESM2-LM"] {
            #expect(summary.contains("\n" + model + " "), "summary lacks \(model)")
        }
        #expect(summary.contains("re-referenced"))       // BCC-CSM2-MR's per-file reference dates
        #expect(summary.contains("[bounds derived]"))    // IPSL-CM6A-LR has no lat/lon bounds

        // A second run computes nothing.
        let second = try session.run(options: RunOptions(jobs: 2, keepGoing: false, until: [], force: [], progress: .none, showCached: false))
        #expect(second.record.nodes.allSatisfy { $0.status != .ran })
    }

    @Test func discoverNeedsARootOrATree() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-climate-discover-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifest = dir.appendingPathComponent("m.yaml")
        try "name: d\nnodes:\n  - id: discover\n    kind: climate.discover\n    params: {tables: [Amon]}\n".write(to: manifest, atomically: true, encoding: .utf8)
        let session = try EngineSession(manifestPath: manifest.path, cacheOverride: dir.appendingPathComponent("cache").path, registry: NodeKindRegistry.registry)
        let result = try session.run(options: RunOptions(jobs: 1, keepGoing: false, until: [], force: [], progress: .none, showCached: false))
        #expect(!result.succeeded)
        #expect(result.failures.first?.error.contains("needs `root` (a directory) or an input `tree`") == true, "\(result.failures)")
    }
}

import Foundation
import Pipelines
import SPFEngine
import Testing

/// Manifests/nightly-ensemble.yaml against a tiny model: smoke.yaml's train-spf output exported with
/// `spfflow model export`, loaded by `spf.load-model`, sampled for three scenarios in member blocks,
/// merged, exported and published. Runs the real binary (SPFFLOW_BIN, else .build/release/spfflow).
@Suite(.serialized) struct NightlyManifestTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var binary: String {
        if let bin = ProcessInfo.processInfo.environment["SPFFLOW_BIN"], !bin.isEmpty { return bin }
        return repositoryRoot.appendingPathComponent(".build/release/spfflow").path
    }

    /// Runs the binary in the repository root; returns (status, stdout + stderr).
    static func spfflow(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-nightly-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// Trains smoke.yaml's model into `cache` and exports it to `file` with `spfflow model export`.
    static func exportTinyModel(cache: URL, file: URL) throws {
        let smoke = repositoryRoot.appendingPathComponent("Manifests/smoke.yaml").path
        let (trained, trainLog) = try spfflow(["run", smoke, "--cache", cache.path, "--until", "train-spf", "--progress", "none"])
        #expect(trained == 0, "\(trainLog)")
        let store = try ObjectStore(root: cache, cleanLeftovers: false)
        let record = try #require(store.records().first { $0.node == "train-spf" })
        // A unique prefix is enough, as `spfflow cache ls` prints it.
        let (exported, exportLog) = try spfflow(["model", "export", String(record.key.prefix(16)), file.path, "--cache", cache.path])
        #expect(exported == 0, "\(exportLog)")
    }

    /// The production manifest with a small ensemble: 2 blocks of 2 members per scenario, one year of months.
    static func smallNightlyManifest() throws -> String {
        var text = try String(contentsOf: repositoryRoot.appendingPathComponent("Manifests/nightly-ensemble.yaml"), encoding: .utf8)
        let edits = [("block_size: 100", "block_size: 2"), ("  years: 10", "  years: 1"),
                     ("block: [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]", "block: [0, 2]")]
        for (old, new) in edits {
            #expect(text.contains(old), "nightly-ensemble.yaml no longer contains '\(old)'")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    @Test func nightlyManifestPublishesOneFilePerScenarioAndRerunsFromCache() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("spfflow-nightly-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let model = dir.appendingPathComponent("model.h5")
        try Self.exportTinyModel(cache: dir.appendingPathComponent("train-cache"), file: model)

        let manifest = dir.appendingPathComponent("nightly.yaml")
        try Self.smallNightlyManifest().write(to: manifest, atomically: true, encoding: .utf8)
        let publish = dir.appendingPathComponent("publish")
        let env = ["SPFFLOW_NIGHTLY_MODEL": model.path, "SPFFLOW_PUBLISH_DIR": publish.path]
        let cache = dir.appendingPathComponent("cache")
        let (status, log) = try Self.spfflow(["run", manifest.path, "--cache", cache.path, "--progress", "none"], environment: env)
        try #require(status == 0, "\(log)")

        // The publication: one directory, `latest` pointing at it, one file per scenario (tas and pr inside).
        let latest = publish.appendingPathComponent("latest")
        let target = try fm.destinationOfSymbolicLink(atPath: latest.path)
        let published = try fm.contentsOfDirectory(atPath: publish.path).filter { !$0.hasPrefix(".") && $0 != "latest" && $0 != "summary.json" }
        #expect(published == [target])
        let files = try fm.contentsOfDirectory(atPath: latest.path).sorted()
        var expected: [String] = []
        for scenario in ["ssp126", "ssp245", "ssp585"] {
            expected.append("SPF-CESM2_\(scenario)_r16x8_monthly.nc")
        }
        #expect(files == (expected + ["summary.json"]).sorted())

        // The monitoring summary: per scenario its members, files and timings.
        let data = try Data(contentsOf: latest.appendingPathComponent("summary.json"))
        let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(summary["label"] as? String == target)
        let scenarios = try #require(summary["scenarios"] as? [[String: Any]])
        #expect(scenarios.compactMap { $0["scenario"] as? String }.sorted() == ["ssp126", "ssp245", "ssp585"])
        for s in scenarios {
            #expect(s["members"] as? Int == 4)
            #expect((s["files"] as? [String])?.count == 1)
            #expect(((s["sampling_seconds"] as? Double) ?? 0) > 0)
        }
        let timings = try #require(summary["timings"] as? [String: Any])
        #expect(((timings["sampling_seconds"] as? Double) ?? 0) > 0)
        #expect(timings["export_seconds"] is Double)
        #expect(fm.fileExists(atPath: publish.appendingPathComponent("summary.json").path))

        // The netCDF: (member, time, lat, lon) with 4 members of 12 months, finite values.
        let python = ProcessInfo.processInfo.environment["SPFFLOW_PYTHON"] ?? "python3"
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let nc = latest.appendingPathComponent("SPF-CESM2_ssp585_r16x8_monthly.nc").path
        check.arguments = [python, "-c", "import netCDF4, numpy as np, sys; d = netCDF4.Dataset(sys.argv[1]); v = d['tas']; "
                           + "assert v.dimensions == ('member', 'time', 'lat', 'lon'), v.dimensions; "
                           + "assert v.shape == (4, 12, 8, 16), v.shape; a = v[:]; assert np.isfinite(a).all() and 150 < a.mean() < 350, a.mean(); "
                           + "p = d['pr']; assert p.dimensions == v.dimensions and p.shape == v.shape, p.shape; "
                           + "b = p[:]; assert np.isfinite(b).all() and 0 < b.mean() < 1e-3, b.mean()", nc]
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)

        // A rerun computes nothing and publishes nothing new.
        let (again, againLog) = try Self.spfflow(["run", manifest.path, "--cache", cache.path, "--progress", "none"], environment: env)
        #expect(again == 0, "\(againLog)")
        let runs = RunStore(cacheDirectory: cache).recent(limit: 10).sorted { $0.startedAt < $1.startedAt }
        let last = try #require(runs.last)
        #expect(runs.count == 2)
        #expect(!last.nodes.isEmpty && last.nodes.allSatisfy { $0.status == .cached }, "\(last.nodes.map { "\($0.id): \($0.status)" })")
        #expect(try fm.destinationOfSymbolicLink(atPath: latest.path) == target)
    }

    @Test func loadModelByKeyReEmitsTheTrainedModel() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("spfflow-loadmodel-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let cache = dir.appendingPathComponent("cache")
        let file = dir.appendingPathComponent("model.h5")
        try Self.exportTinyModel(cache: cache, file: file)
        let store = try ObjectStore(root: cache, cleanLeftovers: false)
        let record = try #require(store.records().first { $0.node == "train-spf" })
        let manifest = dir.appendingPathComponent("load.yaml")
        try """
        name: load-model-test
        nodes:
          - {id: by-key, kind: spf.load-model, params: {key: \(record.key)}}
          - {id: by-file, kind: spf.load-model, params: {file: \(file.path)}}
        """.write(to: manifest, atomically: true, encoding: .utf8)
        let session = try EngineSession(manifestPath: manifest.path, cacheOverride: cache.path, registry: NodeKindRegistry.registry,
                                        cleanLeftovers: false)
        let summary = try session.run(options: RunOptions(jobs: 1, progress: .none, showCached: false))
        #expect(summary.record.state == .succeeded)
        let trained = try LoadModel.lookup(record.key, in: store)
        for id in ["by-key", "by-file"] {
            let i = try #require(session.manifest.index[id])
            let loaded = try #require(session.store.open(session.keys.keys[i]))
            #expect(loaded.datasetNames == trained.datasetNames)
            for (name, value) in trained.attributes where !name.hasPrefix("spfflow.") { #expect(loaded.attribute(name) == value, "\(id) \(name)") }
            for name in trained.datasetNames where name.hasPrefix("ema:") {
                #expect(try loaded.readFloats(name).values == trained.readFloats(name).values)
            }
            #expect(try loaded.readDoubles("lat").values == trained.readDoubles("lat").values)
        }
        // A key that is not in the cache fails with a message naming it.
        try "name: bad\nnodes:\n  - {id: m, kind: spf.load-model, params: {key: 00ff00ff}}\n".write(to: manifest, atomically: true, encoding: .utf8)
        let bad = try EngineSession(manifestPath: manifest.path, cacheOverride: cache.path, registry: NodeKindRegistry.registry, cleanLeftovers: false)
        let failed = try bad.run(options: RunOptions(jobs: 1, progress: .none, showCached: false))
        #expect(!failed.succeeded)
        #expect(failed.failures.contains { $0.error.contains("00ff00ff") })
    }
}

import Foundation
import Pipelines
import SPFEngine
import Testing

/// Manifests/nightly-ensemble.yaml against a tiny model: smoke.yaml's train-spf output exported with
/// `spfflow model export`, loaded by `spf.load-model`, sampled for three scenarios in member blocks,
/// merged, exported in the CMIP layout and published with an intake-esm catalogue. Runs the real binary (SPFFLOW_BIN,
/// else .build/release/spfflow).
@Suite(.serialized) struct NightlyManifestTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var binary: String { SmokeManifestTests.binary() }

    /// Runs the binary in the repository root; returns (status, stdout + stderr).
    static func spfflow(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        let result = try TestCommand.run(binary, arguments, environment: environment, in: repositoryRoot)
        return (result.status, result.output)
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

    @Test func nightlyManifestPublishesTheCMIPLayoutAndRerunsFromCache() throws {
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

        // The publication: one directory, `latest` pointing at it, in the CMIP layout: one file per scenario, variable and
        // member (r1..r4 from the two blocks), an areacella fx file per scenario, the intake-esm catalogue and summary.json.
        let latest = publish.appendingPathComponent("latest")
        let target = try fm.destinationOfSymbolicLink(atPath: latest.path)
        let published = try fm.contentsOfDirectory(atPath: publish.path).filter { !$0.hasPrefix(".") && $0 != "latest" && $0 != "summary.json" }
        #expect(published == [target])
        #expect(try fm.contentsOfDirectory(atPath: latest.path).sorted() == ["CMIP6", "catalog.csv", "catalog.json", "summary.json"])
        let files = CMIPExportTests.relativeFiles(latest.resolvingSymlinksInPath(), suffix: ".nc")
        // The version is the export's date: one vYYYYMMDD for every file.
        let versions = Set(files.map { $0.split(separator: "/").map(String.init) }.filter { $0.count == 11 }.map { $0[9] })
        #expect(versions.count == 1 && versions.allSatisfy { $0.count == 9 && $0.hasPrefix("v") && $0.dropFirst().allSatisfy(\.isNumber) },
                "\(versions)")
        let version = versions.first ?? "v?"
        var expected: [String] = []
        for scenario in ["ssp126", "ssp245", "ssp585"] {
            let base = "CMIP6/ScenarioMIP/spfflow/SPF-CESM2/\(scenario)"
            for member in 1...4 {
                for variable in ["tas", "pr"] {
                    expected.append("\(base)/r\(member)i1p1f1/Amon/\(variable)/gr/\(version)/"
                                    + "\(variable)_Amon_SPF-CESM2_\(scenario)_r\(member)i1p1f1_gr_208501-208512.nc")
                }
            }
            expected.append("\(base)/r1i1p1f1/fx/areacella/gr/\(version)/areacella_fx_SPF-CESM2_\(scenario)_r1i1p1f1_gr.nc")
        }
        #expect(files == expected.sorted(), "\(files)")

        // The monitoring summary: per scenario its members, files and timings.
        let data = try Data(contentsOf: latest.appendingPathComponent("summary.json"))
        let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(summary["label"] as? String == target)
        let scenarios = try #require(summary["scenarios"] as? [[String: Any]])
        #expect(scenarios.compactMap { $0["scenario"] as? String }.sorted() == ["ssp126", "ssp245", "ssp585"])
        for s in scenarios {
            #expect(s["members"] as? Int == 4)
            #expect((s["files"] as? [String])?.count == 9)
            #expect(((s["sampling_seconds"] as? Double) ?? 0) > 0)
        }
        let timings = try #require(summary["timings"] as? [String: Any])
        #expect(((timings["sampling_seconds"] as? Double) ?? 0) > 0)
        #expect(timings["export_seconds"] is Double)
        #expect(fm.fileExists(atPath: publish.appendingPathComponent("summary.json").path))

        // The netCDF: tas and pr of one member as (time, lat, lon), 12 months, finite values in range.
        let python = ProcessInfo.processInfo.environment["SPFFLOW_PYTHON"] ?? "python3"
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let member = latest.appendingPathComponent("CMIP6/ScenarioMIP/spfflow/SPF-CESM2/ssp585/r4i1p1f1/Amon")
        check.arguments = [python, "-c", "import netCDF4, numpy as np, sys; d = netCDF4.Dataset(sys.argv[1]); v = d['tas']; "
                           + "assert v.dimensions == ('time', 'lat', 'lon'), v.dimensions; assert v.dtype == np.float32; "
                           + "assert v.shape == (12, 8, 16), v.shape; a = v[:]; assert np.isfinite(a).all() and 150 < a.mean() < 350, a.mean(); "
                           + "assert d.variant_label == 'r4i1p1f1' and d.table_id == 'Amon' and d.frequency == 'mon', d.variant_label; "
                           + "p = netCDF4.Dataset(sys.argv[2])['pr']; assert p.dimensions == v.dimensions and p.shape == v.shape, p.shape; "
                           + "b = p[:]; assert np.isfinite(b).all() and 0 < b.mean() < 1e-3, b.mean()",
                           member.appendingPathComponent("tas/gr/\(version)/tas_Amon_SPF-CESM2_ssp585_r4i1p1f1_gr_208501-208512.nc").path,
                           member.appendingPathComponent("pr/gr/\(version)/pr_Amon_SPF-CESM2_ssp585_r4i1p1f1_gr_208501-208512.nc").path]
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)

        // intake-esm: one scenario's members (from two blocks) as one dataset with member_id a dimension.
        let intake = try SmokeManifestTests.run("/usr/bin/env", [python, "-c", """
        import sys, warnings
        warnings.simplefilter("ignore")
        import intake
        cat = intake.open_esm_datastore(sys.argv[1])
        dsets = cat.search(source_id="SPF-CESM2", experiment_id="ssp585", table_id="Amon").to_dataset_dict(progressbar=False, threaded=False)
        ds = dsets["ScenarioMIP.spfflow.SPF-CESM2.ssp585.Amon.gr"]
        print("loaded", " ".join(f"{k}={v}" for k, v in ds.sizes.items()), ",".join(sorted(ds.data_vars)), ",".join(map(str, ds.member_id.values)))
        """, latest.appendingPathComponent("catalog.json").path])
        #expect(intake.output.split(separator: "\n").contains("loaded member_id=4 time=12 lat=8 lon=16 bnds=2 pr,tas r1i1p1f1,r2i1p1f1,r3i1p1f1,r4i1p1f1"),
                "\(intake.output.suffix(3000))")

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

import Foundation
import Pipelines
import SPFEngine
import Testing

/// Manifests/new-scenario.yaml against a tiny model (smoke.yaml's, exported) and a scenario file the test writes
/// (an overshoot pathway, emissions only, not from RCMIP): the forcing of the file's scenario comes from the
/// simple climate model, and the three scenarios (file, ssp119, ssp534-over) are sampled, merged and exported.
@Suite(.serialized) struct NewScenarioManifestTests {
    static let manifest = NightlyManifestTests.repositoryRoot.appendingPathComponent("Manifests/new-scenario.yaml")

    /// `spfflow plan` on a fresh clone names the variables to set and exits 2.
    @Test func planNamesTheVariablesToSet() throws {
        let (status, log) = try NightlyManifestTests.spfflow(["plan", Self.manifest.path],
                                                             environment: ["SPFFLOW_MODEL": "", "SPFFLOW_SCENARIO_FILE": ""])
        #expect(status == 2, "\(log)")
        #expect(log.contains("environment variable SPFFLOW_") && log.contains("is not set") && log.contains("${env:SPFFLOW_"), "\(log)")
    }

    @Test func samplesAScenarioFromAnIAMCFile() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("spfflow-newscen-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let model = dir.appendingPathComponent("model.h5")
        try NightlyManifestTests.exportTinyModel(cache: dir.appendingPathComponent("train-cache"), file: model)
        let scenarioFile = dir.appendingPathComponent("my-scenarios.csv")
        try ScenarioFileAlignmentTests.scenarioCSV.write(to: scenarioFile, atomically: true, encoding: .utf8)

        var text = try String(contentsOf: Self.manifest, encoding: .utf8)
        for (old, new) in [("members: 20", "members: 2"), ("  years: 10", "  years: 1")] {
            #expect(text.contains(old), "new-scenario.yaml no longer contains '\(old)'")
            text = text.replacingOccurrences(of: old, with: new)
        }
        let small = dir.appendingPathComponent("new-scenario.yaml")
        try text.write(to: small, atomically: true, encoding: .utf8)
        let env = ["SPFFLOW_MODEL": model.path, "SPFFLOW_SCENARIO_FILE": scenarioFile.path, "SPFFLOW_SCENARIO": "overshoot"]
        let cache = dir.appendingPathComponent("cache")
        let (status, log) = try NightlyManifestTests.spfflow(["run", small.path, "--cache", cache.path, "--progress", "none"], environment: env)
        try #require(status == 0, "\(log)")

        let store = try ObjectStore(root: cache, cleanLeftovers: false)
        let records = store.records()
        for node in ["forcing-my-scenario", "forcing-ssp119", "forcing-ssp534-over", "merge-my-scenario", "merge-ssp119",
                     "merge-ssp534-over", "export", "report"] {
            #expect(records.contains { $0.node == node }, "no \(node) in the cache")
        }
        let forcingRecord = try #require(records.first { $0.node == "forcing-my-scenario" })
        let forcing = try #require(store.open(forcingRecord.key))
        #expect(forcing.attribute("scenario_erf") == "simple climate model (emissions)")
        #expect(forcing.attribute("experiment_id") == "my-scenario")
        // The file's scenario differs from both SSPs in its forcing (a different pathway, not a copy).
        let ssp119Record = try #require(records.first { $0.node == "forcing-ssp119" })
        let ssp119 = try #require(store.open(ssp119Record.key))
        let mine = try forcing.readFloats("forcing_yearly").values, theirs = try ssp119.readFloats("forcing_yearly").values
        #expect(mine.count == theirs.count && mine != theirs)
        // The report shows the three scenarios' forcing paths, naming the file the user's came from.
        let reportRecord = try #require(records.first { $0.node == "report" })
        let reportObject = try #require(store.open(reportRecord.key))
        let files = try #require(reportObject.filesDirectory)
        let report = try String(contentsOf: files.appendingPathComponent("report/index.md"), encoding: .utf8)
        #expect(report.contains("Forcing paths") && report.contains(scenarioFile.lastPathComponent) && report.contains("ssp534-over"), "\(report)")
        #expect(FileManager.default.fileExists(atPath: files.appendingPathComponent("report/forcing_erf_slow.svg").path))
    }
}

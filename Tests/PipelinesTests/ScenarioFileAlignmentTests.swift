import ClimateData
import Foundation
import Pipelines
import SPFEngine
import Testing

/// climate.align-forcings with a user's IAMC scenario file and a CSV series, through the engine.
@Suite(.serialized) struct ScenarioFileAlignmentTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var rcmip: String { repositoryRoot.appendingPathComponent(RCMIPForcingData.extractDirectory).path }

    /// An overshoot scenario the test writes (not from RCMIP): emissions only, every 10 years, other units.
    static let scenarioCSV: String = {
        let years = Array(stride(from: 2020, through: 2100, by: 10))
        func row(_ variable: String, _ unit: String, _ values: [Double]) -> String {
            "TEST-IAM,overshoot,World,\(variable),\(unit)," + values.map { String($0) }.joined(separator: ",")
        }
        return (["Model,Scenario,Region,Variable,Unit," + years.map(String.init).joined(separator: ","),
                 row("Emissions|CO2|MAGICC Fossil and Industrial", "Gt C/yr", [10.5, 11, 8, 4, 0, -2, -3, -3, -3]),
                 row("Emissions|CO2|MAGICC AFOLU", "Mt CO2/yr", [3000, 2000, 1000, 0, -500, -1000, -1000, -1000, -1000]),
                 row("Emissions|CH4", "Mt CH4/yr", [380, 360, 300, 250, 200, 180, 170, 160, 150]),
                 row("Emissions|Sulfur", "Mt S/yr", [40, 30, 20, 15, 10, 8, 6, 5, 5]),
                 row("Emissions|BC", "Mt BC/yr", [7, 6, 5, 4, 3.5, 3, 3, 3, 3])] as [String]).joined(separator: "\n") + "\n"
    }()

    static func manifest(scenario: String) -> String {
        """
        name: scenario-file-test
        nodes:
          - id: forcing
            kind: climate.align-forcings
            params:
              experiment: overshoot
              scenario: \(scenario)
              scenario_file: overshoot.csv
              series_file: gmt.csv
              forcings: [co2_cumulative, ch4, so2, bc, erf, erf_slow]
              calendar: 360_day
              first_year: 2015
              last_year: 2100
              rcmip_dir: \(rcmip)
        """
    }

    @Test func anIAMCScenarioFileIsAForcingScenario() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-scenario-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.scenarioCSV.write(to: dir.appendingPathComponent("overshoot.csv"), atomically: true, encoding: .utf8)
        try ("year,gmt\nunits,K\n" + (2015...2100).map { "\($0),\(1.1 + 0.01 * Double($0 - 2015))" }.joined(separator: "\n"))
            .write(to: dir.appendingPathComponent("gmt.csv"), atomically: true, encoding: .utf8)
        let path = dir.appendingPathComponent("manifest.yaml")
        try Self.manifest(scenario: "overshoot").write(to: path, atomically: true, encoding: .utf8)
        let session = try EngineSession(manifestPath: path.path, cacheOverride: dir.appendingPathComponent("cache").path,
                                        registry: NodeKindRegistry.registry)
        let summary = try session.run(options: RunOptions(jobs: 1, progress: .none, showCached: false))
        #expect(summary.record.state == .succeeded)
        let index = try #require(session.manifest.index["forcing"])
        let object = try #require(session.store.open(session.keys.keys[index]))
        #expect(object.attribute("forcing_names") == "[\"co2_cumulative\",\"ch4\",\"so2\",\"bc\",\"erf\",\"erf_slow\",\"gmt\"]")
        #expect(object.attribute("scenario_erf") == "simple climate model (emissions)")
        #expect(object.attribute("scenario_infilled")?.contains("Emissions|N2O") == true)
        let yearly = try object.readFloats("forcing_yearly")
        #expect(yearly.shape == [86, 7])
        func value(_ year: Int, _ v: Int) -> Double { Double(yearly.values[(year - 2015) * 7 + v]) }
        // SO2 in 2050 is the file's 15 Mt S/yr in Mt SO2/yr; CH4 in 2045 half-way between 2040 and 2050.
        #expect(abs(value(2050, 2) - 15 * 64.066 / 32.065) < 1e-3)
        #expect(abs(value(2045, 1) - 275) < 1e-3)
        // The scenario overshoots: its ERF peaks mid-century and falls by 2100, unlike ssp245's.
        let erf = (2015...2100).map { value($0, 4) }
        let peak = try #require(erf.indices.max { erf[$0] < erf[$1] })
        #expect(2015 + peak > 2030 && 2015 + peak < 2080 && erf[peak] - erf[erf.count - 1] > 0.2, "ERF peak \(erf[peak]) in \(2015 + peak), 2100 \(erf.last ?? 0)")
        #expect(abs(value(2030, 6) - 1.25) < 1e-5)

        // A scenario name the file does not have: refused when the manifest loads (exit 2 at `spfflow plan`), naming the
        // file and the scenarios it has.
        func loadError(_ manifest: String) -> String {
            do {
                try manifest.write(to: path, atomically: true, encoding: .utf8)
                _ = try EngineSession(manifestPath: path.path, cacheOverride: dir.appendingPathComponent("cache").path, registry: NodeKindRegistry.registry)
                return ""
            } catch { return "\(error)" }
        }
        let message = loadError(Self.manifest(scenario: "ssp999"))
        #expect(message.contains("overshoot.csv") && message.contains("ssp999") && message.contains("'overshoot' (line 2)")
                && message.contains("manifest.yaml:"), "\(message)")
        // A variable the forcing needs is missing, or in a unit spfflow cannot convert: the error names file, line, variable.
        let csv = Self.scenarioCSV
        try csv.split(separator: "\n").filter { !$0.contains("Emissions|BC") }.joined(separator: "\n")
            .write(to: dir.appendingPathComponent("overshoot.csv"), atomically: true, encoding: .utf8)
        let missing = loadError(Self.manifest(scenario: "overshoot"))
        #expect(missing.contains("overshoot.csv line 2") && missing.contains("'Emissions|BC'"), "\(missing)")
        try csv.replacingOccurrences(of: "Mt CH4/yr", with: "Mt fish/yr").write(to: dir.appendingPathComponent("overshoot.csv"), atomically: true, encoding: .utf8)
        let unit = loadError(Self.manifest(scenario: "overshoot"))
        #expect(unit.contains("overshoot.csv line") && unit.contains("'Emissions|CH4'") && unit.contains("Mt fish/yr"), "\(unit)")
        try Self.manifest(scenario: "ssp999").write(to: path, atomically: true, encoding: .utf8)
        // A missing scenario file is refused when the keys are computed, before anything runs.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("overshoot.csv"))
        #expect(throws: (any Error).self) {
            _ = try EngineSession(manifestPath: path.path, cacheOverride: dir.appendingPathComponent("cache").path, registry: NodeKindRegistry.registry)
        }
    }
}

import Foundation
import Pipelines
import SPFEngine
import Testing

/// Manifests/climatesuite-2deg.yaml: it plans on a fresh clone (the 96 × 144 grid with patch 8 and forcing patch 16 is
/// not refused), and its cut-down version (2 ESMs at their native grids, 3 experiments, 2 members, 2005-2024, one
/// block of 4 members, a few training steps, one decade sampled, one year of months) runs end to end on the 2° grid with the real binary (SPFFLOW_BIN, else
/// .build/release/spfflow) and ends with the skill figures.
@Suite(.serialized) struct ClimateSuite2DegManifestTests {
    static let manifestPath = SmokeManifestTests.repoRoot.appendingPathComponent("Manifests/climatesuite-2deg.yaml")

    /// The manifest cut down by text edits (each must still match, so the test notices when the manifest changes).
    /// `steps`, `batch`, `firstYear`, `decades` and `monthlyYears` size the run: the data end and the sampled period covers
    /// `decades` decades from 2015, the monthly product starts at the last of them.
    static func cutDown(steps: Int, batch: Int, firstYear: Int, decades: Int = 2, monthlyYears: Int = 10) throws -> String {
        let last = 2014 + 10 * decades, decadeList = (0..<decades).map { "\(2015 + 10 * $0)" }.joined(separator: ", ")
        let monthlyStart = 2015 + 10 * (decades - 1)
        var text = try String(contentsOf: manifestPath, encoding: .utf8)
        let tenESMs = "[BCC-CSM2-MR, CESM2, CESM2-WACCM, CMCC-CM2-SR5, CMCC-ESM2, GFDL-ESM4, IPSL-CM6A-LR, MRI-ESM2-0, NorESM2-LM, UKESM1-0-LL]"
        let edits = [(tenESMs, "[CESM2, MRI-ESM2-0]"),
                     ("[historical, ssp126, ssp245, ssp370, ssp585]", "[historical, ssp245, ssp585]"),
                     ("[historical, ssp126, ssp370, ssp585]", "[historical, ssp585]"),
                     ("members: 3", "members: 2"), ("member: [r1, r2, r3]", "member: [r1, r2]"),
                     ("block: [\"0\", \"10\"]", "block: [\"0\"]"), ("members_per_block: \"10\"", "members_per_block: \"4\""),
                     ("first_year: 1850", "first_year: \(firstYear)"), ("last_year: 2100", "last_year: \(last)"),
                     ("sample_years: \"86\"", "sample_years: \"\(10 * decades)\""),
                     ("decade: [2015, 2025, 2035, 2045, 2055, 2065, 2075, 2085, 2095]", "decade: [\(decadeList)]"),
                     ("monthly_decade: \"2085\"", "monthly_decade: \"\(monthlyStart)\""), ("monthly_years: \"10\"", "monthly_years: \"\(monthlyYears)\""),
                     ("periods: [\"2015-2100\", \"2085-2094\"]", "periods: [\"2015-\(last)\", \"\(monthlyStart)-\(monthlyStart + monthlyYears - 1)\"]"),
                     ("map_years: \"2085-2094\"", "map_years: \"\(monthlyStart)-\(last)\""),
                     ("steps: 3000, batch: 6", "steps: \(steps), batch: \(batch)"), ("warmup: 100", "warmup: \(min(100, steps / 10))")]
        for (old, new) in edits {
            #expect(text.contains(old), "climatesuite-2deg.yaml no longer contains '\(old)'")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    @Test func plansOnAFreshCloneWithPatch8OnThe2DegreeGrid() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-2deg-plan-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        let session = try EngineSession(manifestPath: Self.manifestPath.path, cacheOverride: cache.path,
                                        registry: NodeKindRegistry.registry, cleanLeftovers: false)
        let plan = session.plan()
        #expect(plan.count == session.manifest.nodes.count && plan.allSatisfy { !$0.objects.isEmpty })
        let train = try #require(session.manifest.nodes.first { $0.id == "train-spf" })
        let p = try TrainEmulator.Params.decode(train.params)
        #expect(p.patch == 8 && p.forcingPatch == 16)
        // The load-time grid check (PyramidGridCheck, run when the session loads) did not refuse the 2° grid: 96 and 144
        // divide by lcm(4, 8, 16) = 16; the coarsest stage (24 × 36) is upsampled ×2 for patch 8, as the trainer does.
        let weights = try #require(session.manifest.nodes.first { $0.id == "weights-CESM2" })
        #expect(try RegridWeightsNode.Params.decode(weights.params).grid == "r144x96")
        let suite = try #require(session.manifest.nodes.first { $0.id == "suite" })
        #expect(try GenerateSuite.Params.decode(suite.params).gridScale == 1)
        // The same binary refuses a grid that patch 16 does not divide (so the check above can fail).
        let bad = try Self.cutDown(steps: 2, batch: 2, firstYear: 2005).replacingOccurrences(of: "grid: r144x96", with: "grid: r136x96")
        let badPath = cache.appendingPathComponent("bad.yaml")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        try bad.write(to: badPath, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) {
            _ = try EngineSession(manifestPath: badPath.path, cacheOverride: cache.path, registry: NodeKindRegistry.registry, cleanLeftovers: false)
        }
    }

    @Test(.timeLimit(.minutes(8))) func cutDownRunsEndToEndOnThe2DegreeGrid() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("spfflow-2deg-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let manifest = dir.appendingPathComponent("climatesuite-2deg-cut.yaml")
        try Self.cutDown(steps: 4, batch: 2, firstYear: 2005, decades: 1, monthlyYears: 1).write(to: manifest, atomically: true, encoding: .utf8)
        let cache = dir.appendingPathComponent("cache")
        let run = try SmokeManifestTests.run(SmokeManifestTests.binary(), ["run", manifest.path, "--cache", cache.path, "--progress", "none"])
        try #require(run.status == 0, "2° cut-down run failed:\n\(run.output.suffix(4000))")

        // The run ends with the evaluation's skill figures: SPF's and the floor's yearly CRPS, finite.
        let tail = run.output.split(separator: "\n").map(String.init).reversed().prefix { $0.hasPrefix("figure ") }
        for name in ["spf_yearly_crps_tas", "spf_yearly_crps_pr", "floor_yearly_crps_tas", "floor_yearly_crps_pr"] {
            let line = try #require(tail.first { $0.hasPrefix("figure \(name) = ") }, "no figure \(name):\n\(run.output.suffix(2000))")
            let value = Double(line.split(separator: " ")[3])
            #expect(value.map { $0.isFinite && $0 > 0 } == true, "\(line)")
        }

        // The products are on the 2° grid: (member, time, 96, 144), 4 members, pr never negative.
        let session = try EngineSession(manifestPath: manifest.path, cacheOverride: cache.path, registry: NodeKindRegistry.registry,
                                        cleanLeftovers: false)
        for esm in ["CESM2", "MRI-ESM2-0"] {
            for (node, times) in [("merge-yearly-\(esm)", 10), ("merge-monthly-\(esm)", 12), ("merge-decadal-\(esm)", 1)] {
                let product = try SmokeManifestTests.object(session, node: node)
                for variable in ["tas", "pr"] {
                    let (shape, values) = try product.readFloats(variable)
                    #expect(shape == [4, times, 96, 144], "\(node) \(variable): \(shape)")
                    #expect(values.allSatisfy { $0.isFinite }, "\(node) \(variable)")
                    if variable == "pr" { #expect(values.allSatisfy { $0 >= 0 }, "\(node): negative pr") }
                }
            }
        }
        // The simulated ESMs were generated at their native grids and regridded: CESM2's curated series is 192 × 288.
        let curated = try SmokeManifestTests.object(session, node: "curate-CESM2-ssp245-r1-tas")
        let (curatedShape, _) = try curated.readFloats("values")
        #expect(curatedShape.suffix(2) == [192, 288], "\(curatedShape)")
    }
}

import Foundation
import Pipelines
import SPFEngine
import Testing

/// The default manifest and its longer-training variant load against the registered kinds, expand to the SPF
/// pyramid of stage nodes, and share every curation node's key (so the full run reuses the default run's cache).
@Suite struct ClimateSuiteManifestTests {
    static func session(_ name: String, cache: URL) throws -> EngineSession {
        let path = SmokeManifestTests.repoRoot.appendingPathComponent("Manifests/\(name)").path
        return try EngineSession(manifestPath: path, cacheOverride: cache.path, registry: NodeKindRegistry.registry,
                                 cleanLeftovers: false)
    }

    @Test func defaultAndFullManifestsPlanAndShareTheCuration() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-suite-plan-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        let main = try Self.session("climatesuite.yaml", cache: cache)
        let full = try Self.session("climatesuite-full.yaml", cache: cache)
        let ids = main.manifest.nodes.map(\.id)
        #expect(ids == full.manifest.nodes.map(\.id))
        // The pyramid: stage 0 per ESM and block, yearly per decade, monthly only for 2081-2100, one merge per product.
        let stages = main.manifest.nodes.filter { $0.kindName == "spf.stage" }.map(\.id)
        #expect(stages.filter { $0.hasPrefix("decadal-") && !$0.contains("-s") }.count == 20)
        #expect(stages.filter { $0.hasPrefix("yearly-") && !$0.hasPrefix("yearly-s2-") }.count == 180)
        #expect(stages.filter { $0.hasPrefix("monthly-") }.count == 400)
        #expect(!stages.contains("monthly-CESM2-m0-y2080") && stages.contains("monthly-CESM2-m0-y2081"))
        let mainPlan = Dictionary(uniqueKeysWithValues: main.plan().map { ($0.id, $0.objects) })
        let fullPlan = Dictionary(uniqueKeysWithValues: full.plan().map { ($0.id, $0.objects) })
        let curation: Set<String> = ["climate.generate-suite", "climate.discover", "climate.curate", "climate.regrid-weights",
                                     "climate.regrid", "climate.align-forcings", "spf.shards", "spf.norm-stats"]
        for node in main.manifest.nodes {
            if curation.contains(node.kindName) {
                #expect(mainPlan[node.id] == fullPlan[node.id], "\(node.id) should be shared")
            } else if node.kindName == "spf.train" {
                #expect(mainPlan[node.id] != fullPlan[node.id], "\(node.id) trains longer in the full manifest")
            }
        }
    }

    /// Every node asks for memory (`resources.memory`: Slurm's --mem, and what `spfflow run --memory` counts): 1G by
    /// default, more for the nodes measured above it, and no node more than the 8 GiB a run may peak at.
    @Test func manifestsAskForTheMemoryTheirNodesMeasured() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-suite-memory-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        for (name, trainMB) in [("climatesuite.yaml", 6144), ("climatesuite-full.yaml", 7168)] {
            let nodes = Dictionary(uniqueKeysWithValues: try Self.session(name, cache: cache).manifest.nodes.map { ($0.id, $0.resources.memoryMB) })
            #expect(nodes.values.allSatisfy { ($0 ?? 0) >= 1024 && ($0 ?? 0) <= 8192 }, "\(name)")
            #expect(nodes["train-spf"] == trainMB, "\(name)")
            #expect(nodes["flat-CESM2"] == 3072 && nodes["train-flat"] == 3072 && nodes["evaluate"] == 2048, "\(name)")
            #expect(nodes["regrid-CESM2-ssp245-r1-pr"] == 1024 && nodes["monthly-CESM2-m0-y2090"] == 1024, "\(name)")
        }
    }
}

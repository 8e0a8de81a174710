import Foundation
import Pipelines
import SPFEngine
import Testing

/// Four `spfflow run` processes started at once on one cache (two with the local executor, two with the
/// process executor), of the smoke manifest and three variants that share most nodes (the export's layout,
/// the training's steps, the monthly stage's solver steps differ):
/// all four succeed, and every node key of the four is computed exactly once, counted both from the
/// commit log (one `commit` line per object) and from the four run records (one `ran` per node key).
@Suite(.serialized) struct OverlappingRunsTests {
    static let manifest = SmokeManifestTests.repoRoot.appendingPathComponent("Manifests/smoke.yaml").path

    @Test(.timeLimit(.minutes(15))) func fourOverlappingRunsComputeEachNodeOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-overlap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = dir.appendingPathComponent("cache")
        let smoke = try String(contentsOfFile: Self.manifest, encoding: .utf8)
        let edits: [(String, String, String)] = [
            ("smoke", "", ""),
            ("time-first", "params: {calendars: {CESM2: noleap, MRI-ESM2-0: proleptic_gregorian}}",
             "params: {calendars: {CESM2: noleap, MRI-ESM2-0: proleptic_gregorian}, layout: time-first}"),
            ("steps-20", "steps: 30, batch: 6", "steps: 20, batch: 6"),
            ("monthly-333", "solver: midpoint, solver_steps: [3, 3, 2]", "solver: midpoint, solver_steps: [3, 3, 3]"),
        ]
        var manifests: [String] = []
        for (name, from, to) in edits {
            if !from.isEmpty { try #require(smoke.contains(from), "smoke.yaml no longer has '\(from)'") }
            let url = dir.appendingPathComponent("\(name).yaml")
            try (from.isEmpty ? smoke : smoke.replacingOccurrences(of: from, with: to)).write(to: url, atomically: true, encoding: .utf8)
            manifests.append(url.path)
        }
        // Node key -> object keys, over the four manifests.
        var expected: [String: Set<String>] = [:]
        for manifest in manifests {
            let session = try EngineSession(manifestPath: manifest, cacheOverride: cache.path, registry: NodeKindRegistry.registry,
                                            cleanLeftovers: false)
            for (index, decision) in session.plan().enumerated() { expected[session.keys.keys[index], default: []].formUnion(decision.objects.values) }
        }
        let shared = expected.count
        #expect(shared < 4 * 77 && shared > 77, "the variants should share most nodes: \(shared) node keys")

        // Two with the local executor, two with the process executor (a `spfflow exec-node` per node).
        let runs = try manifests.enumerated().map { index, manifest in
            try SpfflowRun(["run", manifest, "--cache", cache.path, "--progress", "none", "--executor", index % 2 == 0 ? "local" : "process"],
                           in: dir, tag: "run\(index)")
        }
        let statuses = try runs.map { try $0.wait() }
        for (run, status) in zip(runs, statuses) {
            #expect(status == 0, "\(run.tag) failed:\n\(run.output.suffix(3000))")
        }

        // The commit log: exactly one commit per object of the four manifests, nothing else.
        let counts = SmokeCacheRecords.commitCounts(cache)
        let objects = expected.values.reduce(Set<String>()) { $0.union($1) }
        #expect(Set(counts.keys) == objects, "committed \(counts.count) objects, the manifests have \(objects.count)")
        #expect(counts.values.allSatisfy { $0 == 1 }, "committed more than once: \(counts.filter { $0.value > 1 }.keys.sorted())")

        // The run records: every node key ran in exactly one of the four runs; elsewhere it was cached or waited.
        let records = RunStore(cacheDirectory: cache).recent(limit: 10, command: "run")
        #expect(records.count == 4 && records.allSatisfy { $0.state == .succeeded }, "\(records.map { "\($0.id) \($0.state)" })")
        var ranCount: [String: Int] = [:]
        for record in records {
            for node in record.nodes {
                #expect([.ran, .cached, .computedElsewhere].contains(node.status), "\(record.id): \(node.id) is \(node.status)")
                if node.status == .ran { ranCount[node.key, default: 0] += 1 }
            }
        }
        #expect(Set(ranCount.keys) == Set(expected.keys), "node keys never computed: \(Set(expected.keys).subtracting(ranCount.keys).count)")
        #expect(ranCount.values.allSatisfy { $0 == 1 }, "node keys computed more than once: \(ranCount.filter { $0.value > 1 }.count)")
        let perRun = records.map { r in "\(r.nodes.filter { $0.status == .ran }.count) ran, \(r.nodes.filter { $0.status == .computedElsewhere }.count) computed elsewhere, \(r.nodes.filter { $0.status == .cached }.count) cached" }
        print("four overlapping runs: \(shared) node keys, \(objects.count) objects, each committed once; per run: \(perRun)")

        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("tmp").path)) ?? []
        #expect(leftovers.isEmpty, "temporaries left: \(leftovers)")
        let leases = ((try? FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("leases").path)) ?? [])
            .filter { $0.hasSuffix(".lease") }
        #expect(leases.isEmpty, "leases left: \(leases)")
        for manifest in manifests {
            let plan = try SmokeManifestTests.run(SmokeManifestTests.binary(), ["plan", manifest, "--cache", cache.path])
            #expect(plan.output.contains(", 0 will run"), "\(plan.output.suffix(500))")
        }
    }
}

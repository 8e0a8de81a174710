import Foundation
import Pipelines
import SPFEngine
import Testing

/// A smoke cache moved (`mv`) and then copied (`cp -a`, new inodes and times) to other directories, the
/// old one gone each time: `spfflow plan` shows every node cached, `spfflow cache verify` passes, and a
/// forced `climate.curate` (which reads the discover catalog and the generated netCDF tree through it)
/// recomputes the same bytes. Nothing the store keeps (objects, their files, commit and run records)
/// names the directory the cache was written in.
@Suite(.serialized) struct RelocatableCacheTests {
    static let manifest = SmokeManifestTests.repoRoot.appendingPathComponent("Manifests/smoke.yaml").path

    static func spfflow(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try SmokeManifestTests.run(SmokeManifestTests.binary(), arguments)
    }

    /// Plan and verify report the whole cache as cached and sound; forcing `node` rewrites the same digest.
    static func checkRelocated(_ cache: URL, force node: String, nodeCount: Int) throws {
        let plan = try spfflow(["plan", manifest, "--cache", cache.path])
        #expect(plan.status == 0 && plan.output.contains("plan: \(nodeCount) node(s): \(nodeCount) cached, 0 will run"),
                "\(plan.output.suffix(1500))")
        let verify = try spfflow(["cache", "verify", "--cache", cache.path])
        #expect(verify.status == 0 && verify.output.contains("0 bad"), "\(verify.output.suffix(1500))")

        let key = try #require(try SmokeCacheRecords.objectKeys(manifest: manifest, cache: cache)[node]?["out"])
        let before = try #require(SmokeCacheRecords.digest(of: key, in: cache))
        let commitsBefore = SmokeCacheRecords.commitLines(cache).filter { $0.op == "commit" }.count
        let rerun = try spfflow(["run", manifest, "--cache", cache.path, "--progress", "none", "--force", node])
        #expect(rerun.status == 0, "forced \(node) in the relocated cache failed:\n\(rerun.output.suffix(3000))")
        #expect(SmokeCacheRecords.ranNodes(rerun.output) == [node], "\(rerun.output.prefix(1500))")
        let commits = SmokeCacheRecords.commitLines(cache).filter { $0.op == "commit" }
        #expect(commits.count == commitsBefore + 1 && commits.last?.key == key)
        #expect(SmokeCacheRecords.digest(of: key, in: cache) == before, "\(node) recomputed different bytes after the move")
    }

    @Test(.timeLimit(.minutes(10))) func movedAndCopiedCacheStaysCachedAndReadable() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-relocate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let written = root.appendingPathComponent("written/cache")
        try FileManager.default.createDirectory(at: written.deletingLastPathComponent(), withIntermediateDirectories: true)
        let first = try Self.spfflow(["run", Self.manifest, "--cache", written.path, "--progress", "none"])
        try #require(first.status == 0, "smoke run failed:\n\(first.output.suffix(3000))")
        let nodeCount = try SmokeCacheRecords.objectKeys(manifest: Self.manifest, cache: written).count

        // Only node logs (free text) may mention where the cache was written.
        let naming = SmokeCacheRecords.files(under: written, containing: written.path)
            .filter { !($0.hasPrefix("runs/") && $0.hasSuffix(".log")) }
        #expect(naming.isEmpty, "files in the cache that record its absolute path: \(naming)")
        // The catalog names its tree by object key and lists files relative to it.
        let session = try EngineSession(manifestPath: Self.manifest, cacheOverride: written.path, registry: NodeKindRegistry.registry,
                                        cleanLeftovers: false)
        let discoverKey = try #require(session.plan().first { $0.id == "discover" }?.objects["out"])
        guard case .hit(let catalog) = session.store.lookup(discoverKey) else {
            Issue.record("the discover output is not in the cache")
            return
        }
        #expect(catalog.attribute("spfflow.kind_version") == "3")
        #expect(catalog.attribute("root")?.contains("\"object\"") == true, "\(catalog.attribute("root") ?? "no root attribute")")
        #expect(catalog.attribute("datasets")?.contains("\"files\":[\"CMIP6") == true,
                "\(catalog.attribute("datasets")?.prefix(300) ?? "no datasets attribute")")

        // mv: same inodes, another path; the old path is gone.
        let moved = root.appendingPathComponent("moved/elsewhere")
        try FileManager.default.createDirectory(at: moved.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: written, to: moved)
        #expect(!FileManager.default.fileExists(atPath: written.path))
        try Self.checkRelocated(moved, force: "curate-CESM2-ssp585-r2i1p1f1-pr", nodeCount: nodeCount)

        // cp -a (what rsync -a does too): new inodes and change times, so every stamp differs and each object
        // is re-verified from its digests; the moved copy is deleted first.
        let copied = root.appendingPathComponent("copied/cache-copy")
        try FileManager.default.createDirectory(at: copied.deletingLastPathComponent(), withIntermediateDirectories: true)
        let cp = try SmokeManifestTests.run("/bin/cp", ["-a", moved.path, copied.path])
        try #require(cp.status == 0, "cp -a failed: \(cp.output)")
        try FileManager.default.removeItem(at: moved)
        try Self.checkRelocated(copied, force: "curate-MRI-ESM2-0-historical-r1i1p1f1-tas", nodeCount: nodeCount)
    }
}

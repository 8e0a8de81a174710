import Foundation
import Pipelines
import SPFEngine
import TestKinds
import Testing

/// `NodeContext.runSnapshot`: a running node sees every finished node of its run with status and
/// inputs; the snapshot is not part of the key (a rerun is cached, its output shows the run that made it).
@Suite struct RunSnapshotTests {
    static let manifest = """
        name: snapshot
        nodes:
          - id: gen
            kind: test.generate
          - id: scale
            kind: test.scale
            inputs: {data: gen}
          - id: other
            kind: test.generate
            params: {count: 3}
          - id: snap
            kind: test.run-snapshot
            inputs: {after: [scale, other]}
        """

    func snapshotLines(_ path: String, cache: URL) throws -> (run: String, lines: [String]) {
        let session = try EngineSession(manifestPath: path, cacheOverride: cache.path, registry: TestKindRegistry.registry,
                                        cleanLeftovers: false)
        let key = try #require(session.plan().first { $0.id == "snap" }?.objects["out"])
        guard case .hit(let object) = session.store.lookup(key) else {
            Issue.record("snap output missing")
            return ("", [])
        }
        return (object.attribute("run") ?? "", (object.attribute("snapshot") ?? "").split(separator: "\n").map(String.init))
    }

    @Test func runningNodeSeesFinishedNodesAndKeyIgnoresIt() throws {
        let dir = try makeTemporaryDirectory("snapshot")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeManifest(Self.manifest, in: dir)
        let cache = dir.appendingPathComponent("cache")

        let first = try runInProcess(path, cache: cache)
        #expect(first.state == .succeeded)
        let seen = try snapshotLines(path, cache: cache)
        #expect(seen.run == first.id)
        #expect(seen.lines == ["gen test.generate ran ", "scale test.scale ran gen", "other test.generate ran ",
                               "snap test.run-snapshot running other,scale"])

        // Not in the key: a rerun finds it cached and it still shows the first run.
        let second = try runInProcess(path, cache: cache)
        #expect(statuses(second).values.allSatisfy { $0 == .cached })
        #expect(try snapshotLines(path, cache: cache).run == first.id)

        // Forced alone, it sees its upstream nodes as cached.
        let forced = try runInProcess(path, cache: cache, force: ["snap"])
        #expect(statuses(forced)["snap"] == .ran)
        let again = try snapshotLines(path, cache: cache)
        #expect(again.run == forced.id)
        #expect(again.lines == ["gen test.generate cached ", "scale test.scale cached gen", "other test.generate cached ",
                                "snap test.run-snapshot running other,scale"])
    }
}

import Foundation
import Testing

/// Kill -9 a real `spfflow run` at several points (including during a large output write and inside a
/// checkpointing node), rerun, and check: it completes, finished nodes are not recomputed, outputs are
/// bit-identical to an uninterrupted run, and no temporary file or lease is left.
@Suite(.serialized) struct CrashResumeTests {
    static let manifest = """
        name: crash
        nodes:
          - id: gen-${m}
            kind: test.generate
            over: {m: [1, 2, 3, 4]}
            seed: ${m}
            params: {count: 4096}
          - id: scale-${m}
            kind: test.scale
            over: {m: [1, 2, 3, 4]}
            inputs: {data: "gen-${m}"}
          - id: sum
            kind: test.sum
            inputs:
              parts: scale-${m}
          - id: big
            kind: test.large
            seed: 5
            params: {megabytes: 40, chunkMillis: 30}
          - id: long
            kind: test.checkpointed-count
            params: {steps: 60, stepMillis: 30, checkpointEvery: 5}
          - id: after-big
            kind: test.scale
            inputs: {data: big}
            params: {factor: 0.5, dataset: field}
        """

    /// Digest per object key of an uninterrupted run (computed once for all tests; keys do not depend on paths).
    static let referenceDigests: [String: String] = {
        guard let dir = try? makeTemporaryDirectory("crash-reference"), let path = try? writeManifest(manifest, in: dir) else { return [:] }
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = dir.appendingPathComponent("cache")
        guard let r = try? spfflow(["run", path, "--cache", cache.path, "--progress", "none"], in: dir, tag: "reference"), r.status == 0 else {
            return [:]
        }
        return digests(cache)
    }()

    static func digests(_ cache: URL) -> [String: String] {
        var out: [String: String] = [:]
        for line in commitLines(cache) where line.op == "commit" { out[line.key] = line.digest }
        return out
    }

    /// Kills a run when `trigger` becomes true, reruns, and checks the invariants.
    func killAndResume(tag: String, trigger: @escaping (URL) -> Bool, check: (URL, String) throws -> Void = { _, _ in }) throws {
        let dir = try makeTemporaryDirectory("crash-\(tag)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeManifest(Self.manifest, in: dir)
        let reference = Self.referenceDigests
        #expect(reference.count == 12)

        let cache = dir.appendingPathComponent("cache")
        let victim = try SpfflowProcess(["run", path, "--cache", cache.path, "--progress", "none", "--jobs", "2"], in: dir, tag: "victim")
        let fired = waitUntil(timeout: 30) { trigger(cache) }
        victim.kill9()
        #expect(fired, "the kill point '\(tag)' was never reached; stdout: \(victim.stdout)")
        let committedBefore = Set(Self.digests(cache).keys)

        let rerun = try spfflow(["run", path, "--cache", cache.path, "--progress", "plain"], in: dir, tag: "rerun")
        #expect(rerun.status == 0, "rerun failed: \(rerun.stderr)\n\(rerun.stdout)")
        // Nodes finished before the kill are cached, not recomputed: every object is committed exactly once.
        let commits = commitLines(cache).filter { $0.op == "commit" }
        let counts = Dictionary(commits.map { ($0.key, 1) }, uniquingKeysWith: +)
        #expect(counts.values.allSatisfy { $0 == 1 }, "some object was committed twice: \(counts.filter { $0.value > 1 })")
        for key in committedBefore { #expect(counts[key] == 1) }
        #expect(rerun.stdout.contains("\(committedBefore.count) cached"), "rerun output: \(rerun.stdout)")
        // Bit-identical to the uninterrupted run (digests of the decoded data of every dataset).
        #expect(Self.digests(cache) == reference)
        // Nothing left behind.
        #expect(temporaryFiles(cache).isEmpty, "temporary files left: \(temporaryFiles(cache))")
        let leases = (try? FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("leases").path)) ?? []
        #expect(leases.filter { $0.hasSuffix(".lease") }.isEmpty, "leases left: \(leases)")
        try check(cache, rerun.stdout)
    }

    @Test func killedDuringLargeOutputWrite() throws {
        try killAndResume(tag: "large-write") { cache in
            // A temporary HDF5 file of more than 64 KiB exists: `big` is streaming its output.
            let tmp = cache.appendingPathComponent("tmp")
            return temporaryFiles(cache).contains { name in
                guard name.hasSuffix(".h5") else { return false }
                let size = (try? FileManager.default.attributesOfItem(atPath: tmp.appendingPathComponent(name).path)[.size] as? Int) ?? 0
                return size > 64 << 10
            }
        }
    }

    @Test func killedInsideCheckpointingNode() throws {
        try killAndResume(tag: "checkpoint", trigger: { cache in
            let dir = cache.appendingPathComponent("checkpoints")
            let keys = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            return keys.contains { FileManager.default.fileExists(atPath: dir.appendingPathComponent("\($0)/current.json").path) }
        }, check: { cache, _ in
            // The long node resumed from its checkpoint instead of starting from zero.
            let runs = try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("runs").path)
                .filter { !$0.hasSuffix(".json") }.sorted()
            let latest = try #require(runs.last)
            let log = try String(contentsOf: cache.appendingPathComponent("runs/\(latest)/logs/long.log"), encoding: .utf8)
            #expect(log.contains("resumed from checkpoint at step"), "log: \(log)")
        })
    }

    @Test func killedEarlyAndMidRun() throws {
        // Right after some first objects commit.
        try killAndResume(tag: "early") { cache in
            commitLines(cache).filter { $0.op == "commit" }.count >= 2
        }
        // After the small nodes are done, while big and long are running.
        try killAndResume(tag: "mid") { cache in
            commitLines(cache).filter { $0.op == "commit" }.count >= 9
        }
    }
}

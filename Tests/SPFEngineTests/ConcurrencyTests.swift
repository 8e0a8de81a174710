import Foundation
import Testing

/// Two `spfflow run` of one manifest on one cache at once: both succeed and every node is computed once.
@Suite(.serialized) struct ConcurrencyTests {
    @Test func twoRunsOnOneCacheComputeEachNodeOnce() throws {
        let dir = try makeTemporaryDirectory("concurrency")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeManifest("""
            name: concurrency
            nodes:
              - id: slow-${m}
                kind: test.checkpointed-count
                over: {m: [1, 2, 3, 4]}
                seed: ${m}
                params: {steps: 10, stepMillis: 25}
              - id: gen-${m}
                kind: test.generate
                over: {m: [1, 2, 3, 4]}
                seed: ${m}
              - id: scale-${m}
                kind: test.scale
                over: {m: [1, 2, 3, 4]}
                inputs: {data: "gen-${m}"}
              - id: total
                kind: test.sum
                inputs:
                  parts: scale-${m}
              - id: big
                kind: test.large
                params: {megabytes: 8, chunkMillis: 20}
            """, in: dir)
        let cache = dir.appendingPathComponent("cache")
        let a = try SpfflowProcess(["run", path, "--cache", cache.path, "--progress", "none"], in: dir, tag: "a")
        let b = try SpfflowProcess(["run", path, "--cache", cache.path, "--progress", "none"], in: dir, tag: "b")
        let sa = a.wait(), sb = b.wait()
        #expect(sa == 0, "run a: \(a.stderr)\n\(a.stdout)")
        #expect(sb == 0, "run b: \(b.stderr)\n\(b.stdout)")

        let commits = commitLines(cache).filter { $0.op == "commit" }
        let counts = Dictionary(commits.map { ($0.key, 1) }, uniquingKeysWith: +)
        #expect(counts.count == 14)
        #expect(counts.values.allSatisfy { $0 == 1 }, "computed twice: \(counts.filter { $0.value > 1 })")

        // Every node ran in exactly one of the two processes; the other found it cached or waited for it.
        func ran(_ out: String) -> Set<String> {
            Set(out.split(separator: "\n").filter { $0.hasPrefix("ran ") }.compactMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init) })
        }
        let ranA = ran(a.stdout), ranB = ran(b.stdout)
        #expect(ranA.isDisjoint(with: ranB))
        #expect(ranA.union(ranB).count == 14)
        #expect(temporaryFiles(cache).isEmpty)
        let third = try spfflow(["run", path, "--cache", cache.path, "--progress", "none"], in: dir)
        #expect(third.stdout.contains("14 cached, 0 to compute"))
    }
}

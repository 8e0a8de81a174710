import Foundation
import Testing

/// Flip a byte in a cached object: `cache verify` reports it, `plan` says why, `run` recomputes it.
@Suite(.serialized) struct CorruptionTests {
    @Test func flippedByteIsReportedAndRecomputed() throws {
        let dir = try makeTemporaryDirectory("corruption")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeManifest("""
            name: corruption
            nodes:
              - id: gen-${m}
                kind: test.generate
                over: {m: [1, 2]}
                seed: ${m}
                params: {count: 200000}
              - id: scale-${m}
                kind: test.scale
                over: {m: [1, 2]}
                inputs: {data: "gen-${m}"}
              - id: total
                kind: test.sum
                inputs:
                  parts: scale-${m}
            """, in: dir)
        let cache = dir.appendingPathComponent("cache")
        let first = try spfflow(["run", path, "--cache", cache.path, "--progress", "none"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")

        // The object of scale-2 (its commit record names the node).
        let log = try String(contentsOf: cache.appendingPathComponent("records/commits.jsonl"), encoding: .utf8)
        let line = try #require(log.split(separator: "\n").first { $0.contains("\"node\":\"scale-2\"") })
        let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let key = try #require(record["key"] as? String)
        let digestBefore = (record["digests"] as? [String: Any])?["combined"] as? String
        let file = cache.appendingPathComponent("objects/\(key.prefix(2))/\(key).h5")

        // Flip one byte in the middle of the file (inside the compressed data).
        var bytes = try Data(contentsOf: file)
        #expect(bytes.count > 100_000)
        bytes[bytes.count / 2] ^= 0x5A
        try bytes.write(to: file)

        let verify = try spfflow(["cache", "verify", "--cache", cache.path], in: dir)
        #expect(verify.status != 0)
        let reported = verify.stdout.split(separator: "\n").first { $0.contains(key) }.map(String.init) ?? ""
        #expect(reported.uppercased().contains("CORRUPT"), "verify said: \(verify.stdout)")

        let plan = try spfflow(["plan", path, "--cache", cache.path], in: dir)
        #expect(plan.status == 0)
        let planLine = plan.stdout.split(separator: "\n").first { $0.contains("scale-2") }.map(String.init) ?? ""
        #expect(planLine.hasPrefix("will run"), "plan: \(plan.stdout)")
        #expect(planLine.contains("corrupt"))
        #expect(plan.stdout.contains("cached    total"))

        let rerun = try spfflow(["run", path, "--cache", cache.path, "--progress", "none"], in: dir)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("ran       scale-2"))
        #expect(rerun.stdout.contains("cached    total"))
        #expect(rerun.stdout.contains("1 computed"))

        let again = try spfflow(["cache", "verify", "--cache", cache.path], in: dir)
        #expect(again.status == 0, "verify after recompute: \(again.stdout)")
        let recommitted = commitLines(cache).filter { $0.op == "commit" && $0.key == key }
        #expect(recommitted.count == 2)
        #expect(recommitted.last?.digest == digestBefore)
    }
}

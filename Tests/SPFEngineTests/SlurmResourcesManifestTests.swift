import Foundation
import Testing
import SPFEngine

/// The manifest's `resources:` (defaults overridden key by key on a node, `${...}` substituted),
/// its located errors, and that it never changes a cache key.
@Suite struct SlurmResourcesManifestTests {
    static let text = """
    name: res
    defaults:
      resources: {memory: 2G, time: "00:30:00", partition: debug}
    nodes:
      - id: gen-${i}
        kind: test.generate
        over: {i: [a, b]}
        resources: {cpus: 2, account: "acct-${i}", sbatch_options: ["--qos=short", "--comment=x y"]}
      - id: plain
        kind: test.generate
    """

    @Test func defaultsAndNodeResourcesMerge() throws {
        let m = try loadManifest(Self.text)
        let a = try #require(m.node("gen-a")).resources
        #expect(a.cpus == 2 && a.memoryMB == 2048 && a.timeMinutes == 30 && a.partition == "debug" && a.account == "acct-a")
        #expect(a.extraOptions == ["--qos=short", "--comment=x y"])
        let plain = try #require(m.node("plain")).resources
        #expect(plain.cpus == nil && plain.memoryMB == 2048 && plain.account == nil && plain.extraOptions.isEmpty)
    }

    @Test func resourcesAreNotPartOfTheCacheKey() throws {
        let other = Self.text.replacingOccurrences(of: "memory: 2G", with: "memory: 8G")
        let k1 = try NodeGraph(loadManifest(Self.text)).computeKeys(files: FileDigester(stateFile: nil))
        let k2 = try NodeGraph(loadManifest(other)).computeKeys(files: FileDigester(stateFile: nil))
        #expect(k1.keys == k2.keys)
    }

    @Test func badResourcesAreLocatedErrors() throws {
        let cases: [(String, String)] = [
            ("resources: {memory: lots}", "memory"),
            ("resources: {cpus: 0}", "cpus"),
            ("resources: {gpus: 1}", "unknown key 'gpus'"),
            ("resources: {time: 'x:y'}", "time"),
            ("resources: [1]", "must be a mapping"),
        ]
        for (line, words) in cases {
            let text = "nodes:\n  - id: n\n    kind: test.generate\n    \(line)\n"
            let error = try #require(manifestError(text), "\(line) should fail")
            #expect(error.line == 4, "\(line): \(error)")
            #expect(error.node == "n")
            #expect(error.description.contains(words), "\(error)")
        }
    }
}

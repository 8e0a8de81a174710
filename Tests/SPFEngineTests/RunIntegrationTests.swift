import Foundation
import Pipelines
import SPFEngine
import TestKinds
import Testing

@Suite(.serialized) struct RunIntegrationTests {
    static let manifest = """
        name: integration
        nodes:
          - id: gen-${m}
            kind: test.generate
            over: {m: [1, 2, 3]}
            seed: ${m}
            params: {count: 64}
          - id: scale-1
            kind: test.scale
            inputs: {data: gen-1}
          - id: scale-2
            kind: test.scale
            inputs: {data: gen-2}
            params: {factor: 2.0}
          - id: scale-3
            kind: test.scale
            inputs: {data: gen-3}
          - id: total
            kind: test.sum
            inputs:
              parts: [scale-1, scale-2, scale-3]
          - id: lonely
            kind: test.generate
            params: {count: 5}
        """

    @Test func changingOneParamRerunsExactlyItsDependents() throws {
        let dir = try makeTemporaryDirectory("integration")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeManifest(Self.manifest, in: dir)
        let cache = dir.appendingPathComponent("cache")

        let first = try runInProcess(path, cache: cache)
        #expect(first.state == .succeeded)
        #expect(statuses(first).values.allSatisfy { $0 == .ran })
        #expect(first.nodes.count == 8)

        let second = try runInProcess(path, cache: cache)
        #expect(statuses(second).values.allSatisfy { $0 == .cached })

        // Cosmetic edit: comments, key order, 2.0 vs 2 -> nothing reruns.
        let cosmetic = Self.manifest.replacingOccurrences(of: "params: {factor: 2.0}", with: "params: {factor: 2}  # same")
        try cosmetic.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(statuses(try runInProcess(path, cache: cache)).values.allSatisfy { $0 == .cached })

        // Change one param: exactly scale-2 and total rerun.
        let changed = Self.manifest.replacingOccurrences(of: "params: {factor: 2.0}", with: "params: {factor: 5.0}")
        try changed.write(toFile: path, atomically: true, encoding: .utf8)
        let session = try EngineSession(manifestPath: path, cacheOverride: cache.path, registry: TestKindRegistry.registry)
        let plan = Dictionary(uniqueKeysWithValues: session.plan().map { ($0.id, $0) })
        #expect(plan.values.filter(\.willRun).map(\.id).sorted() == ["scale-2", "total"])
        #expect(plan["scale-2"]?.reasons == ["param 'factor' changed 2.0 → 5.0"])
        #expect(plan["total"]?.reasons == ["input 'parts' changed (upstream scale-2 changed)"])

        let third = try runInProcess(path, cache: cache)
        let s = statuses(third)
        #expect(s.filter { $0.value == .ran }.keys.sorted() == ["scale-2", "total"])
        #expect(s.filter { $0.value == .cached }.count == 6)
        #expect(third.nodes.first { $0.id == "scale-2" }?.reason == "param 'factor' changed 2.0 → 5.0")

        // The sum is really the sum of the three scaled arrays.
        let store = session.store
        func values(_ id: String) throws -> [Float] {
            let i = try #require(session.manifest.index[id])
            return try #require(store.open(session.keys.keys[i])).readFloats("values").values
        }
        let total = try values("total")
        let parts = try ["scale-1", "scale-2", "scale-3"].map(values)
        #expect(total.count == 64)
        for j in 0..<64 { #expect(abs(total[j] - (parts[0][j] + parts[1][j] + parts[2][j])) < 1e-4) }
        let g2 = try values("gen-2")
        #expect(parts[1][10] == g2[10] * 5)
    }

    @Test func untilForceAndKeepGoing() throws {
        let dir = try makeTemporaryDirectory("until")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeManifest(Self.manifest + """

              - id: broken
                kind: test.generate
                params: {count: -1}
              - id: after-broken
                kind: test.scale
                inputs: {data: broken}
            """, in: dir)
        let cache = dir.appendingPathComponent("cache")

        let partial = try runInProcess(path, cache: cache, until: ["scale-1"])
        let s1 = statuses(partial)
        #expect(s1["gen-1"] == .ran && s1["scale-1"] == .ran)
        #expect(s1["total"] == .notRequested && s1["gen-2"] == .notRequested)
        #expect(partial.state == .succeeded)

        let failing = try runInProcess(path, cache: cache, keepGoing: true)
        let s2 = statuses(failing)
        #expect(failing.state == .failed)
        #expect(s2["broken"] == .failed)
        #expect(s2["after-broken"] == .skipped)
        #expect(s2["total"] == .ran && s2["lonely"] == .ran)
        #expect(s2["gen-1"] == .cached)
        let broken = try #require(failing.nodes.first { $0.id == "broken" })
        #expect(broken.error?.contains("count must be >= 0") == true)
        let log = try String(contentsOf: cache.appendingPathComponent(try #require(broken.log)), encoding: .utf8)
        #expect(log.contains("FAILED"))

        let forced = try runInProcess(path, cache: cache, until: ["total"], force: ["scale-3"])
        let s3 = statuses(forced)
        #expect(s3["scale-3"] == .ran)
        #expect(s3["total"] == .cached)
        #expect(forced.nodes.first { $0.id == "scale-3" }?.reason == "forced (--force)")
    }

    @Test func checkpointFacilityResumesALongNode() throws {
        let dir = try makeTemporaryDirectory("checkpoint")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeManifest("""
            nodes:
              - id: long
                kind: test.checkpointed-count
                params: {steps: 40, checkpointEvery: 10}
            """, in: dir)
        let cache = dir.appendingPathComponent("cache")
        // Reference result from zero.
        let reference = try runInProcess(path, cache: dir.appendingPathComponent("reference"))
        #expect(reference.state == .succeeded)
        let refSession = try EngineSession(manifestPath: path, cacheOverride: dir.appendingPathComponent("reference").path, registry: TestKindRegistry.registry)
        let refState = try #require(refSession.store.open(refSession.keys.keys[0])).readDoubles("state").values

        // Plant a checkpoint at step 20 computed by a 20-step run of the same kind, then run 40 steps.
        let session = try EngineSession(manifestPath: path, cacheOverride: cache.path, registry: TestKindRegistry.registry)
        let halfPath = try writeManifest("""
            nodes:
              - id: long
                kind: test.checkpointed-count
                params: {steps: 20}
            """, in: dir, name: "half.yaml")
        let half = try EngineSession(manifestPath: halfPath, cacheOverride: cache.path, registry: TestKindRegistry.registry)
        _ = try half.run(options: RunOptions(jobs: 1, progress: .none, showCached: false))
        let halfState = try #require(half.store.open(half.keys.keys[0])).readDoubles("state").values
        try session.store.checkpoints.save(session.keys.keys[0]) { w in
            try w.write("step", shape: [1], values: [Int64(20)])
            try w.write("state", shape: [8], values: halfState)
        }
        let resumed = try session.run(options: RunOptions(jobs: 1, progress: .none, showCached: false)).record
        #expect(resumed.state == .succeeded)
        let log = try String(contentsOf: cache.appendingPathComponent(try #require(resumed.nodes[0].log)), encoding: .utf8)
        #expect(log.contains("resumed from checkpoint at step 20"))
        let state = try #require(session.store.open(session.keys.keys[0])).readDoubles("state").values
        #expect(state == refState)
        // The checkpoint is removed once the node committed.
        #expect(session.store.checkpoints.load(session.keys.keys[0]) == nil)
    }
}

@Suite struct FileInputTests {
    @Test func fileContentNotTimestampDecidesReruns() throws {
        let dir = try makeTemporaryDirectory("file-input")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("input.txt")
        try "hello".write(to: data, atomically: true, encoding: .utf8)
        let path = try writeManifest("""
            nodes:
              - id: read
                kind: test.file-bytes
                params: {file: input.txt}
            """, in: dir)
        let cache = dir.appendingPathComponent("cache")
        #expect(statuses(try runInProcess(path, cache: cache))["read"] == .ran)
        // Same content, new timestamp (rewritten): cached.
        try "hello".write(to: data, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: data.path)
        #expect(statuses(try runInProcess(path, cache: cache))["read"] == .cached)
        // New content: reruns, and plan says why.
        try "hello, world".write(to: data, atomically: true, encoding: .utf8)
        let session = try EngineSession(manifestPath: path, cacheOverride: cache.path, registry: TestKindRegistry.registry)
        #expect(session.plan().first?.reasons == ["content of file input 'file' changed"])
        let record = try runInProcess(path, cache: cache)
        #expect(statuses(record)["read"] == .ran)
        let object = try #require(session.store.open(session.keys.keys[0]))
        #expect(try object.readInt32s("bytes").values.count == 12)
        // A missing file is a located error.
        try FileManager.default.removeItem(at: data)
        #expect(throws: EngineError.self) {
            _ = try EngineSession(manifestPath: path, cacheOverride: cache.path, registry: TestKindRegistry.registry)
        }
        do {
            _ = try EngineSession(manifestPath: path, cacheOverride: cache.path, registry: TestKindRegistry.registry)
        } catch let e as EngineError {
            #expect(e.line == 4)
            #expect(e.node == "read")
        }
    }
}

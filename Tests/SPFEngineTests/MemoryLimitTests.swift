import Foundation
import Pipelines
import SPFEngine
import TestKinds
import Testing

/// The local executor, wrapped to record how many nodes and how much requested memory (`resources.memory`)
/// were in flight at once.
final class InFlightRecorder: Executor, @unchecked Sendable {
    let name = "local"
    private let inner: LocalExecutor
    private let requestMB: [String: Int]
    private let lock = NSLock()
    private var nodes = 0, megabytes = 0
    private var peaks = (nodes: 0, megabytes: 0)

    init(session: EngineSession, capacity: Int) {
        inner = LocalExecutor(runner: session.runner, capacity: capacity)
        requestMB = Dictionary(uniqueKeysWithValues: session.manifest.nodes.map { ($0.id, $0.resources.memoryMB ?? 0) })
    }

    var capacity: Int { inner.capacity }

    /// The most nodes, and the most requested MiB, that were in flight together.
    var peak: (nodes: Int, megabytes: Int) { lock.withLock { peaks } }

    func execute(_ job: NodeJob, events: any NodeEventSink) -> NodeOutcome {
        let mb = requestMB[job.nodeID] ?? 0
        lock.withLock {
            nodes += 1
            megabytes += mb
            peaks = (max(peaks.nodes, nodes), max(peaks.megabytes, megabytes))
        }
        defer { lock.withLock { nodes -= 1; megabytes -= mb } }
        return inner.execute(job, events: events)
    }
}

/// `spfflow run --memory`: the local executor starts a node only while the `resources.memory` of the nodes in
/// flight fits in the limit.
@Suite(.serialized) struct MemoryLimitTests {
    /// Four independent nodes of about half a second each; `a`…`d` ask for `memory`, `free` asks for nothing.
    func manifest(memory: String, in dir: URL) throws -> String {
        try writeManifest("""
            name: memory
            nodes:
              - {id: a, kind: test.checkpointed-count, params: {steps: 5, stepMillis: 100}, resources: {memory: \(memory)}}
              - {id: b, kind: test.checkpointed-count, params: {steps: 6, stepMillis: 100}, resources: {memory: \(memory)}}
              - {id: c, kind: test.checkpointed-count, params: {steps: 7, stepMillis: 100}, resources: {memory: \(memory)}}
              - {id: d, kind: test.checkpointed-count, params: {steps: 8, stepMillis: 100}, resources: {memory: \(memory)}}
            """, in: dir)
    }

    func run(_ path: String, cache: URL, jobs: Int = 2, limitMB: Int?) throws -> (RunRecord, InFlightRecorder) {
        let session = try EngineSession(manifestPath: path, cacheOverride: cache.path, registry: TestKindRegistry.registry)
        let recorder = InFlightRecorder(session: session, capacity: jobs)
        let options = RunOptions(jobs: jobs, progress: .none, showCached: false, memoryLimitMB: limitMB)
        return (try session.run(options: options, executor: recorder).record, recorder)
    }

    @Test func nodesThatDoNotFitTogetherRunOneAtATime() throws {
        let dir = try makeTemporaryDirectory("memory-apart")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try manifest(memory: "3G", in: dir)
        let (record, recorder) = try run(path, cache: dir.appendingPathComponent("cache"), limitMB: 5 * 1024)
        #expect(record.state == .succeeded)
        #expect(statuses(record).values.allSatisfy { $0 == .ran })
        #expect(recorder.peak.nodes == 1)
        #expect(recorder.peak.megabytes == 3 * 1024)
    }

    @Test func nodesThatFitRunTogether() throws {
        let dir = try makeTemporaryDirectory("memory-together")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try manifest(memory: "3G", in: dir)
        let (record, recorder) = try run(path, cache: dir.appendingPathComponent("cache"), limitMB: 6 * 1024)
        #expect(record.state == .succeeded)
        #expect(recorder.peak.nodes == 2)
        #expect(recorder.peak.megabytes == 6 * 1024)
        // Without a limit the requests are not looked at: the same two slots fill.
        let (_, free) = try run(path, cache: dir.appendingPathComponent("cache-nolimit"), limitMB: nil)
        #expect(free.peak.nodes == 2)
    }

    @Test func nodesWithoutARequestCountAsNothing() throws {
        let dir = try makeTemporaryDirectory("memory-unset")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeManifest("""
            nodes:
              - {id: big, kind: test.checkpointed-count, params: {steps: 6, stepMillis: 100}, resources: {memory: 4G}}
              - {id: free, kind: test.checkpointed-count, params: {steps: 5, stepMillis: 100}}
            """, in: dir)
        let (record, recorder) = try run(path, cache: dir.appendingPathComponent("cache"), limitMB: 4 * 1024)
        #expect(record.state == .succeeded)
        #expect(recorder.peak.nodes == 2)
        #expect(recorder.peak.megabytes == 4 * 1024)
    }

    @Test func aNodeAskingForMoreThanTheLimitFailsTheRunBeforeAnythingStarts() throws {
        let dir = try makeTemporaryDirectory("memory-over")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeManifest("""
            nodes:
              - {id: small, kind: test.checkpointed-count, params: {steps: 2}, resources: {memory: 1G}}
              - id: huge
                kind: test.checkpointed-count
                params: {steps: 3}
                resources: {memory: 12G}
            """, in: dir)
        let cache = dir.appendingPathComponent("cache")
        let session = try EngineSession(manifestPath: path, cacheOverride: cache.path, registry: TestKindRegistry.registry)
        let options = RunOptions(jobs: 2, progress: .none, showCached: false, memoryLimitMB: 8 * 1024)
        let error = try #require(throws: EngineError.self) { try session.run(options: options) }
        #expect(error.node == "huge")
        #expect(error.line == 3)
        #expect(error.message.contains("12G") && error.message.contains("8G"), "\(error.message)")
        // Nothing ran, not even the node that fits.
        #expect(session.keys.keys.allSatisfy { session.runner.objectState($0) != .committed })
        // With a limit it fits in, the same manifest runs.
        let ok = RunOptions(jobs: 2, progress: .none, showCached: false, memoryLimitMB: 12 * 1024)
        #expect(try session.run(options: ok).record.state == .succeeded)
    }

    @Test func commandLineLimit() throws {
        let dir = try makeTemporaryDirectory("memory-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeManifest("""
            name: memory-cli
            nodes:
              - {id: a, kind: test.checkpointed-count, params: {steps: 2}, resources: {memory: 2G}}
            """, in: dir)
        let ok = try spfflow(["run", path, "--memory", "3G", "--progress", "none"], in: dir, tag: "ok")
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("memory limit 3G"), "\(ok.stdout)")
        let bad = try spfflow(["run", path, "--memory", "lots"], in: dir, tag: "bad")
        #expect(bad.status == 2, "\(bad.stderr)")
        #expect(bad.stderr.contains("--memory") && bad.stderr.contains("lots"), "\(bad.stderr)")
        let slurm = try spfflow(["run", path, "--memory", "3G", "--executor", "slurm"], in: dir, tag: "slurm")
        #expect(slurm.status == 2, "\(slurm.stderr)")
        #expect(slurm.stderr.contains("resources.memory"), "\(slurm.stderr)")
    }
}

import Foundation
import Pipelines
import SPFEngine
import TestKinds

/// A fresh temporary directory for one test.
func makeTemporaryDirectory(_ name: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("spfflow-engine-tests")
        .appendingPathComponent("\(name)-\(getpid())-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// Writes `text` as `manifest.yaml` in `dir` and returns its path.
func writeManifest(_ text: String, in dir: URL, name: String = "manifest.yaml") throws -> String {
    let url = dir.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

/// Runs a manifest in-process with no live display; returns the run record.
func runInProcess(_ manifestPath: String, cache: URL, until: [String] = [], force: [String] = [],
                  keepGoing: Bool = false, jobs: Int = 2) throws -> RunRecord {
    let session = try EngineSession(manifestPath: manifestPath, cacheOverride: cache.path, registry: TestKindRegistry.registry)
    let options = RunOptions(jobs: jobs, keepGoing: keepGoing, until: until, force: force, progress: .none, showCached: false)
    return try session.run(options: options).record
}

/// Node id -> status in a run record.
func statuses(_ record: RunRecord) -> [String: NodeStatus] {
    Dictionary(record.nodes.map { ($0.id, $0.status) }, uniquingKeysWith: { a, _ in a })
}

/// The binary the engine's tests run: `spfflow-test-kinds`, the spfflow commands with the `test.*` kinds their
/// manifests use (SPFFLOW_TEST_BIN; else beside SPFFLOW_BIN; else .build/release/spfflow-test-kinds in the package).
func spfflowBinary() -> String {
    let environment = ProcessInfo.processInfo.environment
    if let bin = environment["SPFFLOW_TEST_BIN"], !bin.isEmpty { return bin }
    if let bin = environment["SPFFLOW_BIN"], !bin.isEmpty {
        return URL(fileURLWithPath: bin).deletingLastPathComponent().appendingPathComponent("spfflow-test-kinds").path
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/release/spfflow-test-kinds").path
}

/// A started spfflow process with its output captured to files.
final class SpfflowProcess: @unchecked Sendable {
    let process = Process()
    let stdoutURL: URL
    let stderrURL: URL

    init(_ arguments: [String], in dir: URL, tag: String) throws {
        stdoutURL = dir.appendingPathComponent("\(tag).stdout")
        stderrURL = dir.appendingPathComponent("\(tag).stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: spfflowBinary())
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        var env = ProcessInfo.processInfo.environment
        env["SPFFLOW_CACHE"] = nil
        process.environment = env
        try process.run()
    }

    /// Waits for exit; returns the status.
    @discardableResult
    func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL now.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
}

/// Runs spfflow to completion; returns (status, stdout, stderr).
func spfflow(_ arguments: [String], in dir: URL, tag: String = "cmd") throws -> (status: Int32, stdout: String, stderr: String) {
    let p = try SpfflowProcess(arguments, in: dir, tag: tag + "-\(UUID().uuidString.prefix(6))")
    let status = p.wait()
    return (status, p.stdout, p.stderr)
}

/// Polls `condition` every 20 ms for up to `timeout` seconds.
func waitUntil(timeout: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}

/// Commit lines of a cache's commit log, decoded loosely: (op, key).
func commitLines(_ cache: URL) -> [(op: String, key: String, digest: String?)] {
    guard let text = try? String(contentsOf: cache.appendingPathComponent("records/commits.jsonl"), encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { line in
        guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let op = obj["op"] as? String, let key = obj["key"] as? String else { return nil }
        let digest = (obj["digests"] as? [String: Any])?["combined"] as? String
        return (op, key, digest)
    }
}

/// Files left in the cache's tmp/ directory.
func temporaryFiles(_ cache: URL) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("tmp").path)) ?? []
}

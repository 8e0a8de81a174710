import Foundation
import Testing

/// The commands as users run them: exit statuses, messages, graph and status output.
@Suite(.serialized) struct CommandLineTests {
    @Test func manifestErrorsExitWithStatusTwoNamingLineAndNode() throws {
        let dir = try makeTemporaryDirectory("cli-errors")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeManifest("""
            name: bad
            nodes:
              - id: g
                kind: test.generate
                params:
                  count: many
            """, in: dir)
        for command in ["run", "plan", "graph"] {
            let r = try spfflow([command, path], in: dir)
            #expect(r.status == 2, "\(command): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("manifest.yaml:6:"), "\(command): \(r.stderr)")
            #expect(r.stderr.contains("node 'g'"))
            #expect(r.stderr.contains("expected int"))
            #expect(!r.stderr.contains("Fatal error"))
        }
        let garbage = try writeManifest("nodes: [ {id: a, kind: test.generate\n", in: dir, name: "garbage.yaml")
        let g = try spfflow(["plan", garbage], in: dir)
        #expect(g.status == 2)
        #expect(g.stderr.contains("garbage.yaml:"))
        let missing = try spfflow(["run", dir.appendingPathComponent("nope.yaml").path], in: dir)
        #expect(missing.status == 2)
    }

    @Test func failedRunExitsNonZeroNamingNodeAndLog() throws {
        let dir = try makeTemporaryDirectory("cli-fail")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeManifest("""
            name: failing
            nodes:
              - {id: ok, kind: test.generate}
              - {id: broken, kind: test.generate, params: {count: -3}}
            """, in: dir)
        let r = try spfflow(["run", path, "--progress", "plain"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("node 'broken' failed"))
        #expect(r.stderr.contains("count must be >= 0"))
        let logLine = try #require(r.stderr.split(separator: "\n").first { $0.contains("log:") })
        let logPath = logLine.split(separator: " ").last.map(String.init) ?? ""
        #expect(logPath.hasSuffix("broken.log"))
        #expect(FileManager.default.fileExists(atPath: logPath))
        // Default cache is beside the manifest.
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(".spfflow/cache/runs").path))

        let status = try spfflow(["status", "--manifest", path], in: dir)
        #expect(status.status == 0)
        #expect(status.stdout.contains("failed"))
        #expect(status.stdout.contains("broken"))
        let unknown = try spfflow(["run", path, "--until", "nosuch"], in: dir)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("nosuch"))
    }

    @Test func graphExecNodeAndStatus() throws {
        let dir = try makeTemporaryDirectory("cli-graph")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeManifest("""
            name: small
            nodes:
              - {id: g, kind: test.generate}
              - {id: s, kind: test.scale, inputs: {data: g}}
            """, in: dir)
        let graph = try spfflow(["graph", path], in: dir)
        #expect(graph.status == 0)
        #expect(graph.stdout.contains("digraph"))
        #expect(graph.stdout.contains("\"g\" -> \"s\""))
        #expect(graph.stdout.contains("flowchart LR"))

        let cache = dir.appendingPathComponent("c").path
        let early = try spfflow(["exec-node", path, "s", "--cache", cache], in: dir)
        #expect(early.status == 1)
        #expect(early.stderr.contains("compute node 'g' first"))
        let g = try spfflow(["exec-node", path, "g", "--cache", cache], in: dir)
        #expect(g.status == 0)
        #expect(g.stdout.contains("ran       g"))
        let again = try spfflow(["exec-node", path, "g", "--cache", cache], in: dir)
        #expect(again.stdout.contains("cached    g"))
        let run = try spfflow(["run", path, "--cache", cache, "--progress", "none"], in: dir)
        #expect(run.status == 0)
        #expect(run.stdout.contains("cached    g"))
        #expect(run.stdout.contains("ran       s"))
        let status = try spfflow(["status", "--cache", cache], in: dir)
        #expect(status.stdout.contains("succeeded"))
        #expect(status.stdout.contains("1 ran, 1 cached"))
    }
}

@Suite struct ProgressOutputTests {
    /// Without a terminal, a long node's progress is printed as periodic plain lines.
    @Test func plainProgressLinesForLongNodes() throws {
        let dir = try makeTemporaryDirectory("cli-progress")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeManifest("""
            nodes:
              - id: long
                kind: test.checkpointed-count
                params: {steps: 30, stepMillis: 30}
            """, in: dir)
        let r = try spfflow(["run", path, "--progress", "plain", "--progress-interval", "0.2"], in: dir)
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").filter { $0.hasPrefix("progress  long") }
        #expect(lines.count >= 2, "stdout: \(r.stdout)")
        #expect(lines.last?.contains("step") == true)
        #expect(r.stdout.contains("ran       long"))
        #expect(!r.stdout.contains("\u{1B}["))
    }
}

@Suite struct ProcessExecutorTests {
    /// `--executor process` runs every node as `spfflow exec-node`: same objects as the in-process executor,
    /// failures named with their log, and each node's output kept beside its log.
    @Test func processExecutorMatchesLocal() throws {
        let dir = try makeTemporaryDirectory("process-executor")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeManifest("""
            name: process
            nodes:
              - id: gen-${m}
                kind: test.generate
                over: {m: [1, 2, 3]}
                seed: ${m}
              - id: total
                kind: test.sum
                inputs:
                  parts: gen-${m}
              - id: broken
                kind: test.generate
                params: {count: -1}
            """, in: dir)
        let local = dir.appendingPathComponent("local"), process = dir.appendingPathComponent("process")
        let a = try spfflow(["run", path, "--cache", local.path, "--progress", "none", "--keep-going"], in: dir)
        let b = try spfflow(["run", path, "--cache", process.path, "--progress", "none", "--keep-going", "--executor", "process"], in: dir)
        #expect(a.status == 1 && b.status == 1)
        #expect(b.stderr.contains("node 'broken' failed"))
        #expect(b.stdout.contains("ran       total"))
        func digests(_ cache: URL) -> [String: String] {
            Dictionary(commitLines(cache).filter { $0.op == "commit" }.map { ($0.key, $0.digest ?? "") }, uniquingKeysWith: { x, _ in x })
        }
        #expect(digests(local).count == 4)
        #expect(digests(local) == digests(process))
        let runs = try FileManager.default.contentsOfDirectory(atPath: process.appendingPathComponent("runs").path).filter { !$0.hasSuffix(".json") }
        let run = try #require(runs.first)
        let nodeLog = try String(contentsOf: process.appendingPathComponent("runs/\(run)/logs/total.log"), encoding: .utf8)
        #expect(nodeLog.contains("finished in"))
    }
}

import Foundation
import Pipelines
import SPFEngine
import TestKinds
import Testing

/// `spfflow run --executor slurm` end to end on the localhost Slurm (scripts/slurm-local.sh), with
/// the engine's test node kinds: a fan-out of 8 like nodes (one job array) between a generator and a
/// sum, plus slow nodes to cancel or to kill the driver under.
@Suite(.serialized) struct SlurmIntegrationTests {
    /// A manifest in a directory whose name would run commands if any path were interpolated unquoted,
    /// with a non-key param that would too.
    struct Workspace {
        let root: URL
        var manifest: URL { root.appendingPathComponent("fan.yaml") }

        init(slowNodes: Int = 0, slowSteps: Int = 20, stepMillis: Int = 200) throws {
            root = FileManager.default.temporaryDirectory
                .appendingPathComponent("spf slurm \(UUID().uuidString.prefix(6)) it's $(touch PWN-dir); `touch PWN-tick`")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            var text = """
            name: slurm-fan
            defaults:
              seed: 11
              resources: {memory: 300M, time: "10"}
            nodes:
              - id: gen
                kind: test.generate
                params: {count: 4096, label: "$(touch PWN-param); `touch PWN-param2`; 'q\\" x"}
              - id: scale-${i}
                kind: test.scale
                over: {i: ["1", "2", "3", "4", "5", "6", "7", "8"]}
                params: {factor: "${i}"}
                inputs: {data: gen}
              - id: total
                kind: test.sum
                inputs: {parts: "scale-${i}"}

            """
            if slowNodes > 0 {
                text += """
                  - id: slow-${s}
                    kind: test.checkpointed-count
                    seed: "${s}"
                    over: {s: [\((0..<slowNodes).map { "\"\($0)\"" }.joined(separator: ", "))]}
                    params: {steps: \(slowSteps), stepMillis: \(stepMillis), checkpointEvery: 5}

                """
            }
            try text.write(to: manifest, atomically: true, encoding: .utf8)
        }

        func cache(_ name: String) -> URL { root.appendingPathComponent(name) }

        /// Every node id named by a submission record of the Slurm work directory of `cache`.
        func submittedNodes(cache: String) -> [String] {
            let base = self.cache(cache).appendingPathComponent("slurm")
            let runs = (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []
            return runs.flatMap { SubmissionRecord.readAll(from: base.appendingPathComponent($0).appendingPathComponent("submissions")) }
                .flatMap(\.nodes)
        }

        func noCommandRan() -> [String] {
            let all = (try? FileManager.default.subpathsOfDirectory(atPath: root.path)) ?? []
            return all.filter { $0.contains("PWN") }
        }
    }

    /// `spfflow-test-kinds` (the manifests use `test.*` kinds).
    static var binary: String { spfflowBinary() }

    static let slurmFlags = ["--executor", "slurm", "--slurm-poll", "0.25", "--commit-grace", "2", "--no-cancel-prompt",
                             "--progress", "plain"]

    static func spfflow(_ args: [String], in dir: URL) throws -> CommandResult {
        // Run from the workspace so relative paths are exercised too.
        try CommandRunner(timeout: 150).run(["/usr/bin/env", "-C", dir.path, binary] + args)
    }

    /// The committed outputs of every node of the manifest in `cache`, as dataset name -> raw bits.
    static func outputs(manifest: URL, cache: URL) throws -> [String: [String: [UInt32]]] {
        let session = try EngineSession(manifestPath: manifest.path, cacheOverride: cache.path,
                                        registry: TestKindRegistry.registry, cleanLeftovers: false)
        var out: [String: [String: [UInt32]]] = [:]
        for (i, node) in session.manifest.nodes.enumerated() where node.kindName != "test.checkpointed-count" {
            let key = session.keys.keys[i]
            let object = try #require(session.store.open(key), "node \(node.id) has no committed object in \(cache.path)")
            var sets: [String: [UInt32]] = [:]
            for name in object.datasetNames {
                sets[name] = try object.readFloats(name).values.map(\.bitPattern)
            }
            out[node.id] = sets
        }
        return out
    }

    @Test func fanOutIsBitIdenticalToLocalAndCachedNodesAreNeverSubmitted() throws {
        try SlurmTestCluster.requireRunning()
        let ws = try Workspace()
        defer { try? FileManager.default.removeItem(at: ws.root) }
        let local = try Self.spfflow(["run", "fan.yaml", "--cache", ws.cache("local").path, "--progress", "plain"], in: ws.root)
        #expect(local.status == 0, "local run: \(local.stderr)")
        let started = Date()
        let slurm = try Self.spfflow(["run", "fan.yaml", "--cache", ws.cache("slurm").path] + Self.slurmFlags, in: ws.root)
        let slurmSeconds = Date().timeIntervalSince(started)
        #expect(slurm.status == 0, "slurm run: \(slurm.stdout)\n\(slurm.stderr)")
        // gen, one array of 8, total: 3 sbatch calls and one squeue per poll.
        #expect(slurm.stdout.contains("3 submission(s) for 10 node attempt(s)"), "\(slurm.stdout)")
        #expect(slurm.stdout.contains("1.00 squeue call(s) per poll"))
        #expect(slurm.stdout.contains("array of 8"))
        #expect(ws.submittedNodes(cache: "slurm").sorted() == (["gen", "total"] + (1...8).map { "scale-\($0)" }).sorted())
        let a = try Self.outputs(manifest: ws.manifest, cache: ws.cache("local"))
        let b = try Self.outputs(manifest: ws.manifest, cache: ws.cache("slurm"))
        #expect(a.count == 10)
        #expect(a == b, "Slurm outputs differ from local ones")
        // A rerun finds everything cached and submits nothing.
        let rerun = try Self.spfflow(["run", "fan.yaml", "--cache", ws.cache("slurm").path] + Self.slurmFlags, in: ws.root)
        #expect(rerun.status == 0)
        #expect(rerun.stdout.contains("10 cached, 0 to compute"), "\(rerun.stdout)")
        #expect(!rerun.stdout.contains("submitted"))
        #expect(ws.submittedNodes(cache: "slurm").count == 10)
        #expect(ws.noCommandRan().isEmpty, "files created by manifest text: \(ws.noCommandRan())")
        print("slurm integration: 10-node fan-out through Slurm in \(String(format: "%.2f", slurmSeconds)) s")
    }

    @Test func scancelFailsTheRunNamingTheNodeAndRerunSubmitsOnlyWhatIsMissing() throws {
        try SlurmTestCluster.requireRunning()
        // 10 s of work: long enough that the scancel lands mid-run on a CI machine busy with every other
        // suite (3 s was not: the job had committed by the time scancel reached it).
        let ws = try Workspace(slowNodes: 1, slowSteps: 100, stepMillis: 100)
        defer { try? FileManager.default.removeItem(at: ws.root) }
        let cache = ws.cache("c")
        let driver = try BackgroundDriver(args: ["run", "fan.yaml", "--cache", cache.path, "--keep-going"] + Self.slurmFlags, in: ws.root)
        // Wait until slow-0's job runs, then cancel it by hand.
        let job = try driver.waitForJob(of: "slow-0", cache: cache, running: true)
        _ = try CommandRunner().check(["scancel", job])
        let result = try driver.wait()
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains("node 'slow-0' failed on Slurm: job \(job)"), "\(result.stderr)")
        #expect(result.stderr.contains("CANCELLED"))
        #expect(result.stderr.contains("/logs/"))
        #expect(!result.stderr.contains("node 'gen'") && !result.stderr.contains("node 'total'"))
        // The rerun submits only slow-0.
        let rerun = try Self.spfflow(["run", "fan.yaml", "--cache", cache.path, "--slurm-poll", "0.25", "--quiet-cached"]
                                     + Self.slurmFlags.filter { $0 != "--slurm-poll" && $0 != "0.25" }, in: ws.root)
        #expect(rerun.status == 0, "\(rerun.stdout)\n\(rerun.stderr)")
        #expect(rerun.stdout.contains("1 submission(s) for 1 node attempt(s)"), "\(rerun.stdout)")
        #expect(rerun.stdout.contains("submitted slow-0 as job"))
        #expect(ws.submittedNodes(cache: "c").filter { $0 != "slow-0" }.count == 10)
    }

    @Test func killedDriverRestartedWaitsForItsJobsInsteadOfSubmittingAgain() throws {
        try SlurmTestCluster.requireRunning()
        // 10 s per slow job, so some are still queued or running when the second driver starts, however
        // late a busy CI machine lets the test notice slow-2 running.
        let ws = try Workspace(slowNodes: 3, slowSteps: 50, stepMillis: 200)
        defer { try? FileManager.default.removeItem(at: ws.root) }
        let cache = ws.cache("c")
        let first = try BackgroundDriver(args: ["run", "fan.yaml", "--cache", cache.path] + Self.slurmFlags, in: ws.root)
        // Everything is submitted up front: once the slow array has a job id, kill the driver hard.
        _ = try first.waitForJob(of: "slow-2", cache: cache, running: true)
        first.kill(SIGKILL)
        _ = try first.wait()
        let second = try Self.spfflow(["run", "fan.yaml", "--cache", cache.path] + Self.slurmFlags, in: ws.root)
        #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
        #expect(second.stdout.contains("already queued by an earlier driver"), "\(second.stdout)")
        let submitted = ws.submittedNodes(cache: "c")
        #expect(submitted.count == Set(submitted).count, "a node was submitted twice: \(submitted.sorted())\n\(second.stdout)")
        #expect(Set(submitted).count == 13)
        let check = try Self.spfflow(["plan", "fan.yaml", "--cache", cache.path], in: ws.root)
        #expect(check.status == 0)
        #expect(check.stdout.contains("13 cached, 0 will run"), "\(check.stdout)")
    }

    @Test func sigtermOfTheDriverCancelsItsJobs() throws {
        try SlurmTestCluster.requireRunning()
        let ws = try Workspace(slowNodes: 2, slowSteps: 100, stepMillis: 100)
        defer { try? FileManager.default.removeItem(at: ws.root) }
        let cache = ws.cache("c")
        let driver = try BackgroundDriver(args: ["run", "fan.yaml", "--cache", cache.path] + Self.slurmFlags, in: ws.root)
        _ = try driver.waitForJob(of: "slow-0", cache: cache, running: true)
        driver.kill(SIGTERM)
        let result = try driver.wait(timeout: 30)
        #expect(result.status != 0)
        #expect(result.stdout.contains("cancelled job(s)"), "\(result.stdout)")
        let jobName = SlurmExecutorSettings.jobName(manifestPath: ws.manifest.path, cacheDirectory: cache)
        let snapshot = try SlurmTestCluster.waitUntilDone(client: SlurmClient(), jobName: jobName, timeout: 20)
        #expect(snapshot.jobs.allSatisfy { !$0.isActive })
        let states = snapshot.jobs.map { "\($0.displayID) \($0.state)" }
        #expect(snapshot.jobs.contains { $0.state == "CANCELLED" }, "\(states)")
    }

    /// Ctrl-C on a terminal asks before cancelling; answering "n" leaves the jobs running, and the next
    /// run waits for them instead of submitting again.
    @Test func ctrlCOnATerminalAsksAndNoLeavesJobsForTheRerun() throws {
        try SlurmTestCluster.requireRunning()
        let python = ProcessInfo.processInfo.environment["SPFFLOW_PYTHON"] ?? "python3"
        // 10 s of work, so the job still runs when SIGINT arrives on a busy CI machine.
        let ws = try Workspace(slowNodes: 1, slowSteps: 100, stepMillis: 100)
        defer { try? FileManager.default.removeItem(at: ws.root) }
        let cache = ws.cache("c")
        let go = ws.root.appendingPathComponent("interrupt-now")
        let transcript = ws.root.appendingPathComponent("transcript.txt")
        // Runs spfflow on a pseudo-terminal; on `go`, sends SIGINT, answers the prompt with "n".
        let harness = """
        import os, pty, signal, sys, time
        go, out, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(argv[0], argv)
        data, answered, sent = b"", False, False
        while True:
            if not sent and os.path.exists(go):
                os.kill(pid, signal.SIGINT); sent = True
            if sent and not answered and b"Cancel the" in data:
                os.write(fd, b"n\\n"); answered = True
            try:
                import select
                r, _, _ = select.select([fd], [], [], 0.1)
                if r:
                    chunk = os.read(fd, 4096)
                    if not chunk: break
                    data += chunk
            except OSError:
                break
        _, status = os.waitpid(pid, 0)
        open(out, "wb").write(data)
        sys.exit(os.waitstatus_to_exitcode(status) & 255)
        """
        let script = ws.root.appendingPathComponent("tty_harness.py")
        try harness.write(to: script, atomically: true, encoding: .utf8)
        let flags = Self.slurmFlags.filter { $0 != "--no-cancel-prompt" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script.path, go.path, transcript.path, Self.binary, "run", ws.manifest.path, "--cache", cache.path] + flags
        process.currentDirectoryURL = ws.root
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let job = try BackgroundDriver.waitForJob(of: "slow-0", cache: cache, running: true)
        _ = FileManager.default.createFile(atPath: go.path, contents: nil)
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!process.isRunning)
        let text = (try? String(contentsOf: transcript, encoding: .utf8)) ?? ""
        #expect(text.contains("Cancel the"), "\(text)")
        #expect(text.contains("left"), "\(text)")
        #expect(process.terminationStatus != 0)
        // The slow job was left running; the rerun adopts it.
        let queue = try CommandRunner().run(["squeue", "--noheader", "--array", "--states=all", "--format=%i|%T"])
        #expect(queue.stdout.contains("\(job)|RUNNING") || queue.stdout.contains("\(job)|COMPLETED"), "\(queue.stdout)")
        let rerun = try Self.spfflow(["run", "fan.yaml", "--cache", cache.path] + Self.slurmFlags, in: ws.root)
        #expect(rerun.status == 0, "\(rerun.stdout)\n\(rerun.stderr)")
        let submitted = ws.submittedNodes(cache: "c")
        #expect(submitted.count == Set(submitted).count, "a node was submitted twice: \(submitted.sorted())\n\(rerun.stdout)")
    }
}

/// `spfflow` started in the background (so a test can cancel a job under it or kill it).
final class BackgroundDriver: @unchecked Sendable {
    let process = Process()
    let stdout: URL
    let stderr: URL

    init(args: [String], in dir: URL) throws {
        stdout = FileManager.default.temporaryDirectory.appendingPathComponent("spf-driver-\(UUID().uuidString).out")
        stderr = FileManager.default.temporaryDirectory.appendingPathComponent("spf-driver-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: SlurmIntegrationTests.binary)
        process.arguments = args
        process.currentDirectoryURL = dir
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// The Slurm job id (`123` or `120_4`) of `node`, once submitted (and running, if asked).
    func waitForJob(of node: String, cache: URL, running: Bool, timeout: Double = 60) throws -> String {
        try Self.waitForJob(of: node, cache: cache, running: running, timeout: timeout, output: stdout)
    }

    /// The Slurm job id of `node` from the submission records of `cache`, once submitted (and running, if asked).
    static func waitForJob(of node: String, cache: URL, running: Bool, timeout: Double = 60, output: URL? = nil) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        let base = cache.appendingPathComponent("slurm")
        while Date() < deadline {
            let runs = (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []
            for run in runs {
                for record in SubmissionRecord.readAll(from: base.appendingPathComponent(run).appendingPathComponent("submissions")) {
                    guard let index = record.nodes.firstIndex(of: node), let jobID = record.jobID else { continue }
                    let id = record.isArray ? "\(jobID)_\(index)" : jobID
                    if !running { return id }
                    let out = try CommandRunner().run(["squeue", "--noheader", "--array", "--states=all", "--jobs=\(jobID)", "--format=%i|%T"])
                    if out.stdout.split(whereSeparator: \.isNewline).contains(where: { $0 == "\(id)|RUNNING" }) { return id }
                }
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw SlurmError(.commandFailed, "node \(node) had no \(running ? "running " : "")job within \(Int(timeout)) s; driver output: \(String(decoding: output.flatMap { try? Data(contentsOf: $0) } ?? Data(), as: UTF8.self))")
    }

    func kill(_ signal: Int32) { Foundation.kill(process.processIdentifier, signal) }

    func wait(timeout: Double = 120) throws -> CommandResult {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            throw SlurmError(.commandFailed, "the driver did not finish within \(Int(timeout)) s")
        }
        let out = String(decoding: (try? Data(contentsOf: stdout)) ?? Data(), as: UTF8.self)
        let err = String(decoding: (try? Data(contentsOf: stderr)) ?? Data(), as: UTF8.self)
        try? FileManager.default.removeItem(at: stdout)
        try? FileManager.default.removeItem(at: stderr)
        return CommandResult(arguments: process.arguments ?? [], status: process.terminationStatus, stdout: out, stderr: err)
    }
}

import Foundation
import Testing
import SPFEngine

/// Jobs the scheduler kills, as production sees them, on the localhost Slurm with real jobs of
/// `test.hold-memory` run by the real `spfflow` binary: out of memory (`--mem` enforced by
/// task/cgroup, scripts/slurm-local.sh), over the time limit, `scancel` by an operator, and the
/// job's process killed with SIGKILL. Each run must fail (or retry, then succeed) with a message
/// naming the node, the job id and the reason, noticed on the first poll after the job ended,
/// and leave no job of the run in the queue.
@Suite(.serialized) struct SlurmFailureTests {
    /// Seconds between polls in these tests.
    static let poll = 0.25
    /// Seconds allowed, beyond the polls, for the squeue/scontrol calls and for scheduling on a busy
    /// 2-core machine (`make test` runs every suite at once). Polls are counted exactly by the driver's
    /// "noticed 1 poll after the job ended".
    static let slack = 3.0

    /// A manifest with one `test.hold-memory` node `hog`.
    struct Workspace {
        let root: URL
        var manifest: URL { root.appendingPathComponent("hog.yaml") }
        var cache: URL { root.appendingPathComponent("cache") }
        var jobName: String { SlurmExecutorSettings.jobName(manifestPath: manifest.path, cacheDirectory: cache) }

        init(megabytes: Int, holdMillis: Int, memory: String, time: String = "10") throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("spf-slurm-fail-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let text = """
            name: slurm-failures
            defaults:
              seed: 3
            nodes:
              - id: hog
                kind: test.hold-memory
                params: {megabytes: \(megabytes), holdMillis: \(holdMillis)}
                resources: {memory: \(memory), time: "\(time)"}

            """
            try text.write(to: manifest, atomically: true, encoding: .utf8)
        }

        func run(_ extra: [String]) throws -> BackgroundDriver {
            try BackgroundDriver(args: ["run", manifest.path, "--cache", cache.path, "--executor", "slurm",
                                        "--slurm-poll", "\(SlurmFailureTests.poll)", "--commit-grace", "2",
                                        "--no-cancel-prompt", "--progress", "plain"] + extra, in: root)
        }
    }

    /// Whether the running Slurm kills a job over its `--mem` (task/cgroup with ConstrainRAMSpace, or
    /// OverMemoryKill); nil when it does, else why not.
    static func memoryEnforcementMissing() -> String? {
        guard let config = try? CommandRunner().run(["scontrol", "show", "config"]), config.status == 0 else {
            return "scontrol show config failed"
        }
        let text = config.stdout
        if text.contains("task/cgroup") {
            let cgroup = (try? String(contentsOfFile: "/etc/slurm/cgroup.conf", encoding: .utf8)) ?? ""
            if cgroup.lowercased().contains("constrainramspace=yes") { return nil }
        }
        if text.contains("OverMemoryKill") { return nil }
        return "this Slurm does not enforce --mem (no task/cgroup with ConstrainRAMSpace=yes, no OverMemoryKill): "
            + "the daemons were started with an older slurm.conf; `scripts/slurm-local.sh stop && scripts/slurm-local.sh start` rewrites it"
    }

    /// Waits until the driver's output has a line containing `text`; returns the line and when it was first seen.
    static func waitForLine(_ text: String, in driver: BackgroundDriver, timeout: Double) throws -> (line: String, at: Date) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            for url in [driver.stdout, driver.stderr] {
                let output = String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
                if let line = output.split(whereSeparator: \.isNewline).first(where: { $0.contains(text) }) {
                    return (String(line), Date())
                }
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let output = String(decoding: (try? Data(contentsOf: driver.stdout)) ?? Data(), as: UTF8.self)
        throw SlurmError(.commandFailed, "no line with \(text.debugDescription) within \(Int(timeout)) s; output:\n\(output)")
    }

    /// When Slurm says job `jobID` ended (`scontrol show job`'s EndTime, whole seconds, local time).
    static func endTime(of jobID: String) throws -> Date {
        let out = try CommandRunner().check(SlurmJobEnd.scontrolArguments(jobID: jobID))
        let end = try #require(SlurmJobEnd.parseScontrol(out)?.endTime, "no EndTime for job \(jobID): \(out)")
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone.current
        format.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return try #require(format.date(from: end), "cannot read EndTime \(end)")
    }

    /// The pid of job `jobID`'s `spfflow exec-node` process on this machine, from `scontrol listpids`.
    static func execNodePID(of jobID: String, timeout: Double = 30) throws -> pid_t {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let out = try? CommandRunner().run(["scontrol", "listpids", jobID]), out.status == 0 {
                for line in out.stdout.split(whereSeparator: \.isNewline).dropFirst() {
                    guard let pid = line.split(separator: " ").first.flatMap({ pid_t($0) }) else { continue }
                    let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
                    if String(decoding: cmdline, as: UTF8.self).contains("exec-node") { return pid }
                }
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw SlurmError(.commandFailed, "no exec-node process of job \(jobID) within \(Int(timeout)) s")
    }

    /// The pid of the `slurmstepd` running job `jobID`'s batch step on this machine.
    static func slurmstepdPID(of jobID: String) throws -> pid_t {
        let title = "slurmstepd: [\(jobID).batch]"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(name) else { continue }
            let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
            let text = String(decoding: cmdline, as: UTF8.self).replacingOccurrences(of: "\0", with: " ")
            if text.hasPrefix(title) { return pid }
        }
        throw SlurmError(.commandFailed, "no process titled \(title.debugDescription)")
    }

    /// Waits until a lease in `cache` names Slurm job `jobID` (its exec-node has started computing).
    static func waitForLease(of jobID: String, cache: URL, timeout: Double = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        let dir = cache.appendingPathComponent("leases")
        while Date() < deadline {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where name.hasSuffix(".lease") {
                let text = String(decoding: (try? Data(contentsOf: dir.appendingPathComponent(name))) ?? Data(), as: UTF8.self)
                if text.contains("\"slurmJobId\":\"\(jobID)\"") { return }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw SlurmError(.commandFailed, "no lease of job \(jobID) in \(dir.path) within \(Int(timeout)) s")
    }

    /// Asserts that no job of the run is left pending or running.
    static func expectNothingLeftInTheQueue(_ ws: Workspace, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let snapshot = try SlurmClient().poll(jobName: ws.jobName)
        let active = snapshot.jobs.filter(\.isActive).map { "\($0.displayID) \($0.state)" }
        #expect(active.isEmpty, "jobs of the run still in the queue: \(active)", sourceLocation: sourceLocation)
    }

    @Test func outOfMemoryFailsNamingNodeJobAndLimitThenARetryWithMoreMemorySucceeds() throws {
        try SlurmTestCluster.requireRunning()
        if let missing = Self.memoryEnforcementMissing() {
            print("SKIPPED: \(missing)")
            try Test.cancel("\(missing)")
        }
        let started = Date()
        // exec-node itself takes well under 100 MiB: 300 MiB more is over a 200M limit and under 400M.
        let ws = try Workspace(megabytes: 300, holdMillis: 200, memory: "200M")
        defer { try? FileManager.default.removeItem(at: ws.root) }
        let first = try ws.run([])
        let failedLine = try Self.waitForLine("slurm: FAILED hog", in: first, timeout: 90)
        let result = try first.wait()
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        let job = try BackgroundDriver.waitForJob(of: "hog", cache: ws.cache, running: false, timeout: 1)
        #expect(result.stderr.contains("node 'hog' failed on Slurm: job \(job) OUT_OF_MEMORY"), "\(result.stderr)")
        #expect(result.stderr.contains("--mem 200M"), "\(result.stderr)")
        #expect(result.stderr.contains("on localhost"), "\(result.stderr)")
        #expect(result.stderr.contains("noticed 1 poll after the job ended"), "\(result.stderr)")
        #expect(result.stderr.contains("/logs/"), "\(result.stderr)")
        let delay = failedLine.at.timeIntervalSince(try Self.endTime(of: job))
        // EndTime is in whole seconds: the job ended in [EndTime, EndTime + 1).
        #expect(delay < 1 + Self.poll + Self.slack, "noticed \(delay) s after EndTime")
        try Self.expectNothingLeftInTheQueue(ws)

        // Once more with a retry at twice the memory: the second job gets --mem 400M and commits.
        let second = try ws.run(["--retries", "1", "--retry-memory-factor", "2"])
        let retried = try second.wait()
        #expect(retried.status == 0, "\(retried.stdout)\n\(retried.stderr)")
        #expect(retried.stdout.contains("hog failed in job"), "\(retried.stdout)")
        #expect(retried.stdout.contains("(OUT_OF_MEMORY: killed by the out-of-memory handler"), "\(retried.stdout)")
        #expect(retried.stdout.contains("noticed 1 poll after the job ended; retry 1 of 1 with --mem 400M"), "\(retried.stdout)")
        #expect(retried.stdout.contains("(attempt 2)"), "\(retried.stdout)")
        #expect(retried.stdout.contains("committed hog"), "\(retried.stdout)")
        try Self.expectNothingLeftInTheQueue(ws)
        print("slurm failures: OOM noticed \(String(format: "%.2f", delay)) s after EndTime; test took \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    @Test func overTheTimeLimitFailsAsTimeout() throws {
        try SlurmTestCluster.requireRunning()
        let started = Date()
        // --time 1 (minute); Slurm checks limits about every 30 s, so the job ends 60-90 s in.
        let ws = try Workspace(megabytes: 8, holdMillis: 600_000, memory: "200M", time: "1")
        defer { try? FileManager.default.removeItem(at: ws.root) }
        let driver = try ws.run(["--retries", "0"])
        let failedLine = try Self.waitForLine("slurm: FAILED hog", in: driver, timeout: 150)
        let result = try driver.wait(timeout: 30)
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        let job = try BackgroundDriver.waitForJob(of: "hog", cache: ws.cache, running: false, timeout: 1)
        #expect(result.stderr.contains("node 'hog' failed on Slurm: job \(job) TIMEOUT: killed at its time limit --time 00:01:00"),
                "\(result.stderr)")
        #expect(result.stderr.contains("noticed 1 poll after the job ended"), "\(result.stderr)")
        let delay = failedLine.at.timeIntervalSince(try Self.endTime(of: job))
        #expect(delay < 1 + Self.poll + Self.slack, "noticed \(delay) s after EndTime")
        try Self.expectNothingLeftInTheQueue(ws)
        print("slurm failures: TIMEOUT noticed \(String(format: "%.2f", delay)) s after EndTime; test took \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    @Test func scancelByAnOperatorFailsAtOnceAndIsNotRetried() throws {
        try SlurmTestCluster.requireRunning()
        let started = Date()
        let ws = try Workspace(megabytes: 8, holdMillis: 600_000, memory: "200M")
        defer { try? FileManager.default.removeItem(at: ws.root) }
        let driver = try ws.run(["--retries", "2"])
        let job = try driver.waitForJob(of: "hog", cache: ws.cache, running: true)
        // Once exec-node runs: a job cancelled before its batch step started stays COMPLETING until
        // Slurm's KillWait (30 s) has passed, and only then shows CANCELLED.
        try Self.waitForLease(of: job, cache: ws.cache)
        let cancelledAt = Date()
        _ = try CommandRunner().check(["scancel", job])
        let failedLine = try Self.waitForLine("slurm: FAILED hog", in: driver, timeout: 30)
        let result = try driver.wait(timeout: 30)
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains("node 'hog' failed on Slurm: job \(job) CANCELLED: cancelled"), "\(result.stderr)")
        #expect(result.stderr.contains("after 1 attempt;"), "\(result.stderr)")
        #expect(result.stderr.contains("noticed 1 poll after the job ended"), "\(result.stderr)")
        #expect(failedLine.line.contains("not retried: cancelled"), "\(failedLine.line)")
        #expect(!result.stdout.contains("(attempt 2)"), "\(result.stdout)")
        let delay = failedLine.at.timeIntervalSince(cancelledAt)
        #expect(delay < Self.poll + Self.slack, "noticed \(delay) s after scancel")
        try Self.expectNothingLeftInTheQueue(ws)
        print("slurm failures: scancel noticed \(String(format: "%.2f", delay)) s after scancel; test took \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    @Test func jobProcessKilledIsReportedWithTheSignalAndRetried() throws {
        try SlurmTestCluster.requireRunning()
        let started = Date()
        // 8 s of hold: the kill must land while the job runs, however late a busy CI machine lets the test see it
        // running (a 3 s job of SlurmIntegrationTests once committed before its scancel arrived).
        let ws = try Workspace(megabytes: 8, holdMillis: 8_000, memory: "200M")
        defer { try? FileManager.default.removeItem(at: ws.root) }
        let driver = try ws.run(["--retries", "1"])
        let job = try driver.waitForJob(of: "hog", cache: ws.cache, running: true)
        let pid = try Self.execNodePID(of: job)
        let killedAt = Date()
        #expect(kill(pid, SIGKILL) == 0)
        let retryLine = try Self.waitForLine("hog failed in job \(job)", in: driver, timeout: 30)
        let result = try driver.wait(timeout: 60)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(retryLine.line.contains("(FAILED: killed by signal 9 (SIGKILL), on localhost)"), "\(retryLine.line)")
        #expect(retryLine.line.contains("noticed 1 poll after the job ended; retry 1 of 1"), "\(retryLine.line)")
        #expect(result.stdout.contains("(attempt 2)"), "\(result.stdout)")
        #expect(result.stdout.contains("committed hog"), "\(result.stdout)")
        let delay = retryLine.at.timeIntervalSince(killedAt)
        #expect(delay < Self.poll + Self.slack, "noticed \(delay) s after kill -9")
        try Self.expectNothingLeftInTheQueue(ws)

        // Without retries the same kill fails the run, naming node, job, signal and log.
        let ws2 = try Workspace(megabytes: 8, holdMillis: 600_000, memory: "200M")
        defer { try? FileManager.default.removeItem(at: ws2.root) }
        let second = try ws2.run([])
        let job2 = try second.waitForJob(of: "hog", cache: ws2.cache, running: true)
        #expect(kill(try Self.execNodePID(of: job2), SIGKILL) == 0)
        let failed = try second.wait(timeout: 30)
        #expect(failed.status == 1, "\(failed.stdout)\n\(failed.stderr)")
        #expect(failed.stderr.contains("node 'hog' failed on Slurm: job \(job2) FAILED: killed by signal 9 (SIGKILL), on localhost"),
                "\(failed.stderr)")
        #expect(failed.stderr.contains("noticed 1 poll after the job ended; job output "), "\(failed.stderr)")
        try Self.expectNothingLeftInTheQueue(ws2)
        print("slurm failures: kill -9 noticed \(String(format: "%.2f", delay)) s after the kill; test took \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    /// A node failure as a job sees it: the job's slurmstepd and its process killed with SIGKILL. Slurm
    /// itself keeps such a job RUNNING for minutes (seen here: over 4 min, until scancel), so the
    /// driver finds it through the node's lease (its holder is dead), cancels it and retries.
    @Test func stepAndProcessKilledWhileSlurmShowsRunningIsFoundLostCancelledAndRetried() throws {
        try SlurmTestCluster.requireRunning()
        let started = Date()
        // 8 s of hold, so the kills land while the job runs on a busy CI machine too.
        let ws = try Workspace(megabytes: 8, holdMillis: 8_000, memory: "200M")
        defer { try? FileManager.default.removeItem(at: ws.root) }
        let driver = try ws.run(["--retries", "1"])
        let job = try driver.waitForJob(of: "hog", cache: ws.cache, running: true)
        let pid = try Self.execNodePID(of: job)
        try Self.waitForLease(of: job, cache: ws.cache)
        let stepd = try Self.slurmstepdPID(of: job)
        let killedAt = Date()
        #expect(kill(stepd, SIGKILL) == 0)
        #expect(kill(pid, SIGKILL) == 0)
        let retryLine = try Self.waitForLine("hog failed in job \(job)", in: driver, timeout: 30)
        let result = try driver.wait(timeout: 60)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(retryLine.line.contains("(LOST: Slurm still showed the job RUNNING, but its process is gone (the node's lease holder, pid \(pid) on "),
                "\(retryLine.line)")
        #expect(retryLine.line.contains("after its process was first seen gone; job cancelled; retry 1 of 1"), "\(retryLine.line)")
        #expect(result.stdout.contains("(attempt 2)"), "\(result.stdout)")
        #expect(result.stdout.contains("committed hog"), "\(result.stdout)")
        let delay = retryLine.at.timeIntervalSince(killedAt)
        // lostGrace (3 s) from the first poll that sees the holder dead, and at least two polls.
        #expect(delay < 3 + 2 * Self.poll + Self.slack, "noticed \(delay) s after the kill")
        try Self.expectNothingLeftInTheQueue(ws)
        let states = try CommandRunner().check(["squeue", "--noheader", "--states=all", "--jobs=\(job)", "--format=%T"])
        #expect(states.contains("CANCELLED"), "the lost job should have been cancelled: \(states)")
        print("slurm failures: killed slurmstepd + process noticed \(String(format: "%.2f", delay)) s after the kill; test took \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    /// Only the job's slurmstepd killed: its process goes on and commits the node, but Slurm keeps the
    /// job RUNNING. The node counts as done (its commit record exists) and the driver cancels the job
    /// at the end, so nothing of the run is left in the queue.
    @Test func slurmstepdKilledAloneLeavesNoRunningJobBehind() throws {
        try SlurmTestCluster.requireRunning()
        let started = Date()
        // 8 s of hold, so slurmstepd dies while the process runs on a busy CI machine too.
        let ws = try Workspace(megabytes: 8, holdMillis: 8_000, memory: "200M")
        defer { try? FileManager.default.removeItem(at: ws.root) }
        let driver = try ws.run([])
        let job = try driver.waitForJob(of: "hog", cache: ws.cache, running: true)
        try Self.waitForLease(of: job, cache: ws.cache)
        #expect(kill(try Self.slurmstepdPID(of: job), SIGKILL) == 0)
        let result = try driver.wait(timeout: 60)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("committed hog (job \(job))"), "\(result.stdout)")
        #expect(result.stdout.contains("cancelled job(s) \(job): still in the queue 2.0 s after their nodes settled"), "\(result.stdout)")
        try Self.expectNothingLeftInTheQueue(ws)
        print("slurm failures: slurmstepd killed alone: node committed, job cancelled; test took \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}

import Foundation
import Synchronization
import Testing
import SPFEngine

/// Collects the driver's log lines.
final class LineLog: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    @Sendable func append(_ line: String) { lines.withLock { $0.append(line) } }
}

/// The driver on the real localhost Slurm with a small bash task that "commits" a node by creating
/// a file (the engine-level test uses `spfflow exec-node`): DAG submission with afterok and arrays,
/// retries with more memory, failure reports, and cancellation on SIGTERM.
@Suite(.serialized) struct SlurmDriverTests {
    /// A scratch area with the task script; `commit/<node>` is the commit record.
    struct Area {
        let root: URL
        var commits: URL { root.appendingPathComponent("commit") }
        var task: URL { root.appendingPathComponent("task.sh") }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("spf-driver-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: root.appendingPathComponent("commit"), withIntermediateDirectories: true)
            // fail-always-<node>: exit 3; fail-once-<node>: delete marker, exit 4; sleep-<node>: sleep 30.
            let script = """
            #!/bin/bash
            dir=\(try ShellQuoting.quote(root.path)); node="$1"
            if [ -e "$dir/sleep-$node" ]; then sleep 30 || exit 9; fi
            [ -e "$dir/fail-always-$node" ] && exit 3
            if [ -e "$dir/fail-once-$node" ]; then rm -f "$dir/fail-once-$node"; exit 4; fi
            echo "$SLURM_MEM_PER_NODE" > "$dir/mem-$node"
            touch "$dir/commit/$node"
            """
            try script.write(to: task, atomically: true, encoding: .utf8)
        }

        func mark(_ name: String) { _ = FileManager.default.createFile(atPath: root.appendingPathComponent(name).path, contents: nil) }
        func committed(_ id: String) -> Bool { FileManager.default.fileExists(atPath: commits.appendingPathComponent(id).path) }

        func options(_ name: String) -> SlurmRunOptions {
            SlurmRunOptions(jobName: "spf-test-\(name)-\(UUID().uuidString.prefix(6))", workDirectory: root.appendingPathComponent("slurm"),
                            command: ["/bin/bash", task.path], pollInterval: 0.3, commitGrace: 2, askBeforeCancel: false)
        }
    }

    /// root -> fan-0..fan-7 -> sink.
    static func fanOut(memoryMB: Int = 100) -> [SlurmNodeSpec] {
        let res = SlurmResources(cpus: 1, memoryMB: memoryMB, timeMinutes: 5)
        let fan = (0..<8).map { SlurmNodeSpec(id: "fan-\($0)", key: "k\($0)", group: "fan-${i}", upstream: ["root"], resources: res) }
        return [SlurmNodeSpec(id: "root", key: "kr", group: "root", upstream: [], resources: res)] + fan
            + [SlurmNodeSpec(id: "sink", key: "ks", group: "sink", upstream: fan.map(\.id), resources: res)]
    }

    @Test func fanOutRunsAsChainAndArrayWithOneSqueuePerPoll() throws {
        try SlurmTestCluster.requireRunning()
        let area = try Area()
        defer { try? FileManager.default.removeItem(at: area.root) }
        let client = SlurmClient()
        let lines = LineLog()
        let report = try SlurmRunDriver(client: client, options: area.options("fan"), log: lines.append)
            .run(Self.fanOut(), isCommitted: area.committed)
        #expect(report.succeeded)
        #expect(report.committed.count == 10)
        #expect(report.submissions == 3)  // root, one array of 8, sink
        #expect(report.schedulerCalls["squeue"] == report.polls)
        #expect(report.schedulerCalls["sbatch"] == 3)
        #expect(report.schedulerCalls["sacct"] == nil)
        // Submitted up front: the array depended on root, the sink on the array tasks.
        let records = SubmissionRecord.readAll(from: area.root.appendingPathComponent("slurm/submissions"))
        #expect(records.count == 3)
        #expect(records.contains { $0.isArray && $0.nodes.count == 8 })
        // The sink waits for the array as a whole (one id, not eight), the array for the root.
        let array = try #require(records.first { $0.isArray }?.jobID)
        let root = try #require(records.first { $0.nodes == ["root"] }?.jobID)
        #expect(lines.all.contains { $0.hasPrefix("slurm: submitted sink as job") && $0.hasSuffix("after \(array)") }, "\(lines.all)")
        #expect(lines.all.contains { $0.contains("array of 8") && $0.hasSuffix("after \(root)") }, "\(lines.all)")
    }

    @Test func retriesWithMoreMemoryThenReportsFailuresWithJobAndLog() throws {
        try SlurmTestCluster.requireRunning()
        let area = try Area()
        defer { try? FileManager.default.removeItem(at: area.root) }
        area.mark("fail-once-fan-3")
        area.mark("fail-always-fan-5")
        var options = area.options("retry")
        options.retries = 1
        options.memoryGrowth = 2
        let report = try SlurmRunDriver(client: SlurmClient(), options: options).run(Self.fanOut(), isCommitted: area.committed)
        #expect(!report.succeeded)
        #expect(area.committed("fan-3"))
        let mem = try String(contentsOf: area.root.appendingPathComponent("mem-fan-3"), encoding: .utf8)
        #expect(mem.trimmingCharacters(in: .whitespacesAndNewlines) == "200")  // second attempt: 100 MB x 2
        #expect(report.submittedNodes.filter { $0 == "fan-3" }.count == 2)
        #expect(report.failed.map(\.node) == ["fan-5"])
        let failure = try #require(report.failed.first)
        #expect(failure.attempts == 2)
        #expect(failure.state == "FAILED")
        #expect(failure.reason == "FAILED: exited with status 3, on localhost", "\(failure.reason)")
        #expect(failure.reasonSource == "scontrol" || failure.reasonSource == "sacct")
        #expect(failure.noticedAfterPolls == 1, "\(failure.noticed)")
        #expect(failure.jobID.contains("_") || !failure.jobID.isEmpty)
        #expect(FileManager.default.fileExists(atPath: failure.logPath), "log \(failure.logPath)")
        #expect(report.blocked == ["sink"])
        #expect(report.committed.count == 8)
    }

    @Test func sigtermCancelsTheRunsJobs() throws {
        try SlurmTestCluster.requireRunning()
        let area = try Area()
        defer { try? FileManager.default.removeItem(at: area.root) }
        area.mark("sleep-root")
        let options = area.options("term")
        let monitor = InterruptMonitor()
        let client = SlurmClient()
        let driver = SlurmRunDriver(client: client, options: options, interrupts: monitor)
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) { monitor.raise(SIGTERM) }
        #expect(throws: SlurmError.self) { try driver.run(Self.fanOut(), isCommitted: area.committed) }
        let snapshot = try SlurmTestCluster.waitUntilDone(client: client, jobName: options.jobName, timeout: 20)
        #expect(!snapshot.jobs.isEmpty)
        #expect(snapshot.jobs.allSatisfy { $0.state == "CANCELLED" }, "\(snapshot.jobs.map(\.state))")
        #expect(!area.committed("root"))
    }
}

import Foundation
import Testing
import SPFEngine

/// Leases carrying a Slurm job id: broken as soon as that job is no longer in the queue, kept while it runs.
@Suite struct SlurmLeaseTests {
    @Test func leaseOfAJobGoneFromTheQueueIsBrokenAndOfARunningJobIsKept() throws {
        try SlurmTestCluster.requireRunning()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spf-leases-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        // A long TTL: only the Slurm check can break these leases.
        let manager = try LeaseManager(directory: dir, ttlSeconds: 3600)
        let client = SlurmClient()
        let jobName = "spf-test-lease-\(UUID().uuidString.prefix(6))"
        let alive = try client.submit(SbatchRequest(scriptPath: try Self.sleepScript(in: dir), jobName: jobName, comment: "lease",
                                                    workingDirectory: dir.path, outputPattern: "sleep.out",
                                                    resources: SlurmResources(memoryMB: 50, timeMinutes: 2)))
        defer { try? client.cancel([alive]) }
        guard case .acquired(let gone, _) = try manager.tryAcquire("k-gone", slurmJobId: "987654321"),
              case .acquired(let running, _) = try manager.tryAcquire("k-running", slurmJobId: alive) else {
            Issue.record("could not take the test leases")
            return
        }
        defer { gone.release(); running.release() }
        let snapshot = try client.poll(jobName: jobName)
        let broken = try SlurmLeaseBreaker(client: client).breakOrphans(in: manager, snapshot: snapshot)
        #expect(broken.map(\.key) == ["k-gone"])
        #expect(manager.holder(of: "k-gone") == nil)
        #expect(manager.holder(of: "k-running")?.slurmJobId == alive)
        // Once the job is cancelled and out of the active states, its lease goes too.
        try client.cancel([alive])
        _ = try SlurmTestCluster.waitUntilDone(client: client, jobName: jobName, timeout: 20)
        let later = try SlurmLeaseBreaker(client: client).breakOrphans(in: manager, snapshot: try client.poll(jobName: jobName))
        #expect(later.map(\.key) == ["k-running"])
    }

    static func sleepScript(in dir: URL) throws -> String {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("sleep.sh")
        try BatchScript(command: ["/bin/sleep"], taskArguments: ["60"]).render().write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

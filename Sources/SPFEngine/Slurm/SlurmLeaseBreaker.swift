import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Breaks leases whose owner was a Slurm job that is no longer in the queue (or has ended), so a
/// node leased by a job that died on another host is recomputed at once instead of after the
/// heartbeat time-to-live. Uses the driver's own poll and at most one extra `squeue --jobs` call
/// for leases held by jobs of other runs.
package struct SlurmLeaseBreaker: Sendable {
    /// The Slurm commands.
    package let client: SlurmClient

    /// Makes a breaker.
    package init(client: SlurmClient) { self.client = client }

    /// Breaks every lease in `manager` held by a Slurm job that is not active; returns the broken leases.
    /// `snapshot` is this run's latest poll (jobs listed there need no extra call).
    package func breakOrphans(in manager: LeaseManager, snapshot: SqueueSnapshot) throws -> [LeaseInfo] {
        let leases = manager.all().filter { ($0.slurmJobId ?? "").isEmpty == false }
        if leases.isEmpty { return [] }
        var active: [String: Bool] = [:]
        for job in snapshot.jobs {
            active[job.jobID] = (active[job.jobID] ?? false) || job.isActive
            if let task = job.arrayTaskID { active["\(job.arrayJobID)_\(task)"] = job.isActive }
        }
        let unknown = Set(leases.compactMap(\.slurmJobId).filter { active[$0] == nil && $0.allSatisfy { $0.isNumber || $0 == "_" } })
        if !unknown.isEmpty {
            for (id, isActive) in try states(of: unknown.sorted()) { active[id] = isActive }
        }
        var broken: [LeaseInfo] = []
        for lease in leases {
            guard let job = lease.slurmJobId, active[job] != true else { continue }
            let removed: Bool = manager.withGuard {
                // Only the lease we looked at: its owner may have been replaced meanwhile.
                guard let now = manager.holder(of: lease.key), now.slurmJobId == job, now.startedAt == lease.startedAt else {
                    return false
                }
                return unlink(manager.url(for: lease.key).path) == 0
            }
            if removed { broken.append(lease) }
        }
        return broken
    }

    /// Whether each job id is active (absent ids: not in the queue any more, so inactive).
    private func states(of ids: [String]) throws -> [String: Bool] {
        let result = try client.runner.run(["squeue", "--noheader", "--states=all", "--jobs=\(ids.joined(separator: ","))",
                                            "--format=%A|%i|%T"])
        var out = Dictionary(uniqueKeysWithValues: ids.map { ($0, false) })
        if result.status != 0 {
            // A single unknown id makes squeue fail with "Invalid job id": it is not in the queue.
            if result.stderr.contains("Invalid job id") { return out }
            throw SlurmError(.commandFailed, "squeue --jobs exited \(result.status): \(result.stderr)")
        }
        for line in result.stdout.split(whereSeparator: \.isNewline) {
            let f = line.split(separator: "|").map(String.init)
            guard f.count == 3 else { continue }
            let isActive = !SqueueSnapshot.terminalStates.contains(f[2])
            out[f[0]] = isActive
            out[f[1]] = isActive
        }
        return out
    }
}

import Foundation

/// The Slurm executor: `spfflow run MANIFEST --executor slurm`.
///
/// `prepare` (called by the run before any `execute`) submits every uncached node up front through a
/// `SlurmRunDriver` on a background thread: one `sbatch` job per node running `spfflow exec-node` on
/// the shared cache, `--dependency=afterok:` for its inputs, like nodes of one matrix as a job array.
/// Each `execute` then only waits until the driver has settled its node: committed (its commit record
/// exists), failed (with job id and log path), or blocked. Cached nodes never reach it.
public final class SlurmExecutor: Executor, @unchecked Sendable {
    /// "slurm".
    public let name = "slurm"
    /// The scheduler may hand every ready node at once: Slurm does the throttling.
    public let capacity: Int
    /// The settings.
    public let settings: SlurmExecutorSettings
    /// The Slurm commands (and their call counts).
    public let client: SlurmClient
    private let session: EngineSession
    private let interrupts: InterruptMonitor
    private let log: @Sendable (String) -> Void
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var outcomes: [String: NodeOutcome] = [:]
    private var planned: Set<String> = []
    private var driverRunning = false
    private var lastReport: SlurmRunReport?
    private var driverError: String?

    /// Makes an executor for `session`'s manifest and cache.
    public init(session: EngineSession, settings: SlurmExecutorSettings, client: SlurmClient = SlurmClient(),
                capacity: Int = 4096, log: @escaping @Sendable (String) -> Void) {
        self.session = session
        self.settings = settings
        self.client = client
        self.capacity = capacity
        self.interrupts = InterruptMonitor()
        self.log = log
    }

    /// The run's job name.
    public var jobName: String {
        SlurmExecutorSettings.jobName(manifestPath: session.manifest.file.path, cacheDirectory: session.store.root)
    }

    /// The report of the last driver run (after `finish`).
    public var report: SlurmRunReport? { condition.withLock { lastReport } }

    /// Submits every job of the run (see the type's documentation).
    public func prepare(_ jobs: [NodeJob], upstream: [String: [String]]) {
        guard !jobs.isEmpty else { return }
        let specs = jobs.map { spec(for: $0, upstream: upstream[$0.nodeID] ?? []) }
        condition.withLock {
            planned.formUnion(jobs.map(\.nodeID))
            driverRunning = true
        }
        let byID = Dictionary(jobs.map { ($0.nodeID, $0) }, uniquingKeysWith: { a, _ in a })
        let driver = makeDriver(runID: jobs[0].runID, force: jobs.contains(where: \.force))
        interrupts.start()
        let thread = Thread { [self] in
            defer { interrupts.stop() }
            var report: SlurmRunReport?
            var failure: String?
            do {
                report = try driver.run(specs, isCommitted: { id in byID[id].map(self.isCommitted) ?? false },
                                        processGone: { [self] id, jobID in byID[id].flatMap { processGone($0, jobID: jobID) } },
                                        afterPoll: { [self] snapshot in breakOrphanedLeases(snapshot) },
                                        onSettled: { [self] id, settlement in settle(id, settlement) })
            } catch {
                failure = "\(error)"
                log("slurm: \(error)")
            }
            condition.withLock {
                for id in planned where outcomes[id] == nil {
                    outcomes[id] = .failed(failure.map { "slurm driver stopped: \($0)" } ?? "not run on Slurm")
                }
                lastReport = report
                driverError = failure
                driverRunning = false
                condition.broadcast()
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits until the node's Slurm job settled. A node `prepare` did not announce is submitted on its own.
    public func execute(_ job: NodeJob, events: any NodeEventSink) -> NodeOutcome {
        let known = condition.withLock { planned.contains(job.nodeID) }
        if !known {
            prepare([job], upstream: [job.nodeID: []])
        }
        return condition.withLock {
            while outcomes[job.nodeID] == nil { condition.wait() }
            return outcomes[job.nodeID] ?? .failed("no outcome")
        }
    }

    /// Waits until the driver has settled every submitted node (independent branches go on after a
    /// failure, so their results land in the cache); returns the driver's report and error, if any.
    @discardableResult
    public func finish() -> (report: SlurmRunReport?, error: String?) {
        condition.withLock {
            while driverRunning { condition.wait() }
            return (lastReport, driverError)
        }
    }

    // MARK: - Pieces

    private func spec(for job: NodeJob, upstream: [String]) -> SlurmNodeSpec {
        let node = session.manifest.node(job.nodeID)
        let r = node?.resources ?? NodeResources()
        let resources = SlurmResources(cpus: r.cpus ?? max(1, node?.threads ?? job.threads), memoryMB: r.memoryMB,
                                       timeMinutes: r.timeMinutes, partition: r.partition, account: r.account,
                                       extraOptions: r.extraOptions)
        // Like nodes: one manifest template (a matrix) of one kind.
        return SlurmNodeSpec(id: job.nodeID, key: job.key, group: "\(job.kind) \(node?.template ?? job.nodeID)",
                             upstream: upstream, resources: resources)
    }

    private func makeDriver(runID: String, force: Bool) -> SlurmRunDriver {
        var command = [settings.binary, "exec-node", "--cache", session.store.root.path, "--run-id", runID]
        if force { command.append("--force") }
        command += ["--", session.manifest.file.path]
        let options = SlurmRunOptions(jobName: jobName,
                                      workDirectory: session.store.root.appendingPathComponent("slurm").appendingPathComponent(jobName),
                                      command: command, pollInterval: settings.pollInterval, retries: settings.retries,
                                      memoryGrowth: settings.retryMemoryFactor, timeGrowth: settings.retryTimeFactor,
                                      arrayThrottle: settings.arrayThrottle, commitGrace: settings.commitGrace,
                                      askBeforeCancel: settings.askBeforeCancel)
        return SlurmRunDriver(client: client, options: options, interrupts: interrupts, log: log)
    }

    private func isCommitted(_ job: NodeJob) -> Bool {
        job.objects.values.allSatisfy { session.runner.objectState($0) == .committed }
    }

    /// Why the process computing `job`, which Slurm shows running as job `jobID`, is known to be gone
    /// (the node's lease names that job and its holder died on this host or stopped its heartbeat);
    /// nil when it may be alive or nothing is known (no lease yet, or one of another job).
    private func processGone(_ job: NodeJob, jobID: String) -> String? {
        guard let holder = session.store.leases.holder(of: job.key), holder.slurmJobId == jobID else { return nil }
        if holder.host == ProcessIdentity.host && (!ProcessIdentity.isAlive(holder.pid) || Self.isZombie(holder.pid)) {
            return "the node's lease holder, pid \(holder.pid) on \(holder.host), is dead"
        }
        if holder.isExpired() {
            return "the node's lease holder, pid \(holder.pid) on \(holder.host), sent no heartbeat for \(Int(Date().timeIntervalSince(holder.heartbeatAt))) s"
        }
        return nil
    }

    /// Whether `pid` on this host has exited and waits to be reaped (a killed job process whose
    /// slurmstepd died too is reparented and reaped late; `kill(pid, 0)` still succeeds on it).
    static func isZombie(_ pid: Int32) -> Bool {
        // try?: a process without /proc/PID/stat is gone, not a zombie
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        // "pid (comm) S ...": the state follows the last ')' (comm may contain spaces or parentheses).
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    private func settle(_ id: String, _ settlement: SlurmRunDriver.Settlement) {
        let outcome: NodeOutcome
        switch settlement {
        case .committed: outcome = .computed
        case .failed(let f): outcome = .failed("slurm job \(f.jobID) \(f.reason), after \(f.attempts) attempt\(f.attempts == 1 ? "" : "s"); job output \(f.logPath)")
        case .blocked: outcome = .failed("not run on Slurm: an input failed")
        }
        condition.withLock {
            outcomes[id] = outcome
            condition.broadcast()
        }
    }

    private func breakOrphanedLeases(_ snapshot: SqueueSnapshot) {
        do {
            for lease in try SlurmLeaseBreaker(client: client).breakOrphans(in: session.store.leases, snapshot: snapshot) {
                log("slurm: broke the lease on \(lease.key.prefix(12)) held by job \(lease.slurmJobId ?? "?") on \(lease.host): the job left the queue")
            }
        } catch {
            log("slurm: could not check leases: \(error)")
        }
    }
}

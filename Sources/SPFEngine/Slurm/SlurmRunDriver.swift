import Foundation

/// Gets a set of nodes committed through Slurm: submits each node (or each array group of like
/// nodes) with `sbatch`, expressing edges as `--dependency=afterok:`; polls the whole run with one
/// `squeue` per cycle; treats a node as done exactly when `isCommitted` says its commit record
/// exists, whatever the scheduler says; retries failed attempts; adopts jobs an earlier driver of
/// the same run left in the queue instead of submitting again; cancels its jobs on SIGINT/SIGTERM.
public struct SlurmRunDriver: Sendable {
    /// The Slurm commands.
    public let client: SlurmClient
    /// Job name, directories, command, polling and retry policy.
    public let options: SlurmRunOptions
    /// Receives one line per event (submission, completion, failure).
    public let log: @Sendable (String) -> Void
    /// Signals to react to; nil: none.
    public let interrupts: InterruptMonitor?

    /// Makes a driver.
    public init(client: SlurmClient, options: SlurmRunOptions, interrupts: InterruptMonitor? = nil,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.client = client
        self.options = options
        self.interrupts = interrupts
        self.log = log
    }

    /// One submitted attempt of one node: which job/task, from which submission.
    struct JobRef {
        var record: SubmissionRecord
        var jobID: String
        var index: Int
        var endedAt: Date?
        var lastState: String
        var lastReason: String
        /// Polls whose snapshot showed the job over (ended or gone) while it was still waited for.
        var endedPolls = 0
        /// Since when, and on how many polls, Slurm showed the job RUNNING while its process was known gone.
        var goneSince: Date?
        var gonePolls = 0

        /// `123` or `120_4`.
        var displayID: String { record.isArray ? "\(jobID)_\(index)" : jobID }
    }

    enum Phase {
        case waiting
        case queued(JobRef)
        case done
        case failed(SlurmRunReport.FailedNode)
        case blocked
    }

    /// How one node ended.
    public enum Settlement: Sendable, Equatable {
        /// Its commit record exists.
        case committed
        /// It failed (after its retries).
        case failed(SlurmRunReport.FailedNode)
        /// An input failed, so it never ran.
        case blocked
    }

    /// Runs `nodes` (in an order where each comes after its upstream) until each is committed,
    /// failed, or blocked by a failed input. `isCommitted(id)` must check the node's commit record.
    /// `afterPoll` sees every poll; `onSettled` hears each node's end as soon as it is known.
    ///
    /// `processGone(id, jobID)` may tell that the process of a job Slurm shows RUNNING is known to be
    /// dead (e.g. its lease's holder died on this host, or stopped its heartbeat): a job whose step or
    /// node died without Slurm noticing. Such a job is cancelled and settled as `LOST` once that holds
    /// for `lostGrace` seconds and two polls.
    public func run(_ nodes: [SlurmNodeSpec], isCommitted: (String) -> Bool,
                    processGone: ((String, String) -> String?)? = nil,
                    afterPoll: ((SqueueSnapshot) -> Void)? = nil,
                    onSettled: ((String, Settlement) -> Void)? = nil) throws -> SlurmRunReport {
        try createDirectories()
        var state = RunState(nodes: nodes)
        var snapshot = try client.poll(jobName: options.jobName)
        state.polls += 1
        adopt(snapshot, into: &state, isCommitted: isCommitted)
        var announced = Set<String>()
        while true {
            if let signal = interrupts?.signal {
                try handleInterrupt(signal, state: state)
            }
            afterPoll?(snapshot)
            refresh(&state, snapshot: snapshot, isCommitted: isCommitted, processGone: processGone)
            try submitReady(&state, isCommitted: isCommitted)
            if let onSettled {
                for id in state.order where !announced.contains(id) {
                    switch state.phase[id] {
                    case .done: onSettled(id, .committed)
                    case .failed(let f): onSettled(id, .failed(f))
                    case .blocked: onSettled(id, .blocked)
                    default: continue
                    }
                    announced.insert(id)
                }
            }
            if state.isFinished { break }
            sleepUntilNextPoll()
            snapshot = try pollTolerantly(&state)
        }
        sweepLeftovers(&state, snapshot: snapshot)
        return state.report(calls: client.runner.counter.snapshot)
    }

    /// Jobs of settled nodes that Slurm still shows active: normally a job that committed and is exiting,
    /// but also one whose slurmstepd died while its process went on and committed the node (Slurm keeps
    /// such a job RUNNING for minutes). Waits up to `commitGrace` seconds for them to end, then cancels
    /// them, so that no job of the run is left in the queue.
    private func sweepLeftovers(_ state: inout RunState, snapshot first: SqueueSnapshot) {
        var snapshot = first
        let deadline = Date().addingTimeInterval(options.commitGrace)
        while true {
            let active = state.settledJobs.filter { snapshot.tasks(ofArray: $0.jobID)[$0.index]?.isActive == true }
            if active.isEmpty { return }
            if Date() >= deadline || interrupts?.signal != nil {
                let ids = Array(Set(active.map(\.displayID))).sorted()
                do {
                    try client.cancel(ids)
                    log("slurm: cancelled job(s) \(ids.joined(separator: " ")): still in the queue \(options.commitGrace) s after their nodes settled")
                } catch {
                    log("slurm: could not cancel job(s) \(ids.joined(separator: " ")) left in the queue: \(error)")
                }
                return
            }
            sleepUntilNextPoll()
            state.polls += 1
            do {
                snapshot = try client.poll(jobName: options.jobName)
            } catch {
                let ids = Array(Set(active.map(\.displayID))).sorted()
                log("slurm: cannot see the queue (\(error)); job(s) \(ids.joined(separator: " ")) may still be in it: check with squeue")
                return
            }
        }
    }

    // MARK: - Steps

    /// One poll; a controller that does not answer (restarting, overloaded) is asked again on the next
    /// cycles, and only `maxFailedPolls` failures in a row stop the driver (its jobs stay queued: a rerun adopts them).
    private func pollTolerantly(_ state: inout RunState) throws -> SqueueSnapshot {
        var failures = 0
        while true {
            state.polls += 1
            do {
                return try client.poll(jobName: options.jobName)
            } catch let error as SlurmError where error.code == .commandFailed && failures + 1 < Self.maxFailedPolls {
                failures += 1
                if failures == 1 { log("slurm: squeue failed (\(error.message)); trying again") }
                if let signal = interrupts?.signal { try handleInterrupt(signal, state: state) }
                sleepUntilNextPoll()
            }
        }
    }

    /// Consecutive failed polls after which the driver gives up.
    static let maxFailedPolls = 30

    /// Whether an sbatch failure is worth trying again on the next poll.
    static func isTransient(_ error: SlurmError) -> Bool {
        let text = error.message.lowercased()
        return ["dependency", "socket timed out", "unable to contact slurm controller", "temporarily unavailable",
                "try again", "connection refused"].contains { text.contains($0) }
    }

    private func createDirectories() throws {
        for dir in [options.scriptsDirectory, options.submissionsDirectory, options.logsDirectory] {
            do {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            } catch {
                throw SlurmError(.commandFailed, "cannot create \(dir.path): \(error)")
            }
        }
    }

    /// Takes over the active jobs of an earlier driver of this run whose node (same cache key) is wanted.
    private func adopt(_ snapshot: SqueueSnapshot, into state: inout RunState, isCommitted: (String) -> Bool) {
        var records: [String: SubmissionRecord?] = [:]
        for arrayJobID in Set(snapshot.jobs.map(\.arrayJobID)).sorted() {
            for (index, job) in snapshot.tasks(ofArray: arrayJobID).sorted(by: { $0.key < $1.key }) where job.isActive {
                if records[job.comment] == nil {
                    records[job.comment] = .some(SubmissionRecord.read(token: job.comment, from: options.submissionsDirectory))
                }
                guard let found = records[job.comment], let record = found, index < record.nodes.count else { continue }
                let id = record.nodes[index]
                guard let spec = state.specs[id], spec.key == record.keys[index], case .waiting = state.phase[id],
                      !isCommitted(id) else { continue }
                state.phase[id] = .queued(JobRef(record: record, jobID: arrayJobID, index: index, endedAt: nil,
                                                 lastState: job.state, lastReason: job.reason))
                state.failures[id] = record.attempt
                state.adopted.append(id)
            }
        }
        if !state.adopted.isEmpty {
            log("slurm: waiting for \(state.adopted.count) node(s) already queued by an earlier driver of this run")
        }
    }

    /// Applies one poll: commit records first, then the queue.
    private func refresh(_ state: inout RunState, snapshot: SqueueSnapshot, isCommitted: (String) -> Bool,
                         processGone: ((String, String) -> String?)?) {
        let now = Date()
        var arrays: [String: [Int: SqueueSnapshot.Job]] = [:]
        for id in state.order {
            guard case .queued(var job) = state.phase[id] else { continue }
            if isCommitted(id) {
                state.phase[id] = .done
                state.settledJobs.append(job)
                log("slurm: committed \(id) (job \(job.displayID))")
                continue
            }
            if arrays[job.jobID] == nil { arrays[job.jobID] = snapshot.tasks(ofArray: job.jobID) }
            let entry = arrays[job.jobID]?[job.index]
            if let entry, entry.isActive {
                job.endedAt = nil
                job.endedPolls = 0
                job.lastState = entry.state
                job.lastReason = entry.reason
                if entry.state == "RUNNING", let processGone, let why = processGone(id, entry.jobID) {
                    let since = job.goneSince ?? now
                    job.goneSince = since
                    job.gonePolls += 1
                    if job.gonePolls >= 2 && now.timeIntervalSince(since) >= options.lostGrace {
                        settleLostJob(id: id, job: job, why: why, state: &state)
                        continue
                    }
                } else {
                    job.goneSince = nil
                    job.gonePolls = 0
                }
                state.phase[id] = .queued(job)
                continue
            }
            if let entry {
                job.lastState = entry.state
                job.lastReason = entry.reason
            } else {
                job.lastState = job.lastState == "COMPLETED" || SqueueSnapshot.terminalStates.contains(job.lastState)
                    ? job.lastState : "UNKNOWN"
            }
            job.endedPolls += 1
            if job.lastState != "COMPLETED" && job.lastState != "UNKNOWN" {
                // Killed or failed (OUT_OF_MEMORY, TIMEOUT, CANCELLED, NODE_FAIL, FAILED...) and no commit
                // record: settle it on this first poll that sees it over, never leave it "running".
                settleEndedJob(id: id, job: job, state: &state)
                continue
            }
            guard let ended = job.endedAt else {
                // First poll that sees it over: look once more before deciding.
                job.endedAt = now
                state.phase[id] = .queued(job)
                continue
            }
            let grace = (job.lastState == "COMPLETED" || job.lastState == "UNKNOWN") ? options.commitGrace : 0
            if now.timeIntervalSince(ended) < grace {
                state.phase[id] = .queued(job)
                continue
            }
            settleEndedJob(id: id, job: job, state: &state)
        }
        // Nodes waiting on a failed or blocked input can never run.
        for id in state.order {
            guard case .waiting = state.phase[id] else { continue }
            if state.upstream(of: id).contains(where: { state.isDead($0) }) {
                state.phase[id] = .blocked
                log("slurm: not running \(id): an input failed")
            }
        }
    }

    /// Slurm shows the job RUNNING but its process is gone (its step or node died unnoticed): cancel
    /// the job so nothing of the run is left in the queue, then retry or fail the node as LOST.
    private func settleLostJob(id: String, job: JobRef, why: String, state: inout RunState) {
        do {
            try client.cancel([job.displayID])
        } catch {
            log("slurm: could not cancel lost job \(job.displayID): \(error)")
        }
        let seconds = job.goneSince.map { Date().timeIntervalSince($0) } ?? 0
        let end = SlurmJobEnd(state: "LOST", lostBecause: why, source: .lease)
        settleEndedJob(id: id, job: job, state: &state, known: end,
                       noticed: "noticed \(job.gonePolls) polls (\(String(format: "%.1f", seconds)) s) after its process was first seen gone; job cancelled")
    }

    /// A job ended and the node has no commit record: resubmit later, retry, or fail.
    private func settleEndedJob(id: String, job: JobRef, state: inout RunState, known: SlurmJobEnd? = nil, noticed lostNotice: String? = nil) {
        state.settledJobs.append(job)
        let upstreamDone = state.upstream(of: id).allSatisfy { state.isDone($0) }
        if known == nil && (!upstreamDone || job.lastReason.contains("Dependency")) {
            // Cancelled because an input's job failed (it may be retried): not this node's failure.
            state.phase[id] = .waiting
            return
        }
        let failures = (state.failures[id] ?? 0) + 1
        state.failures[id] = failures
        let end = known ?? jobEnd(of: job, state: &state)
        let cancelledByUser = end.state == "CANCELLED"
        let logPath = job.record.logPath(in: options.logsDirectory, index: job.index)
        var reason = end.explanation
        if end.state == "COMPLETED" {
            reason += " (exit status 0), but its commit record did not appear within --commit-grace \(options.commitGrace) s"
        }
        let polls = "\(job.endedPolls) poll\(job.endedPolls == 1 ? "" : "s")"
        let waitedForCommit = job.lastState == "COMPLETED" || job.lastState == "UNKNOWN"
        let noticed = lostNotice ?? (waitedForCommit
            ? "settled \(polls) after the job ended (waiting --commit-grace for its commit record)"
            : "noticed \(polls) after the job ended")
        if !cancelledByUser && failures <= options.retries {
            state.phase[id] = .waiting
            var grownTo: [String] = []
            if let spec = state.specs[id] {
                let grown = spec.resources.scaled(forAttempt: failures, memoryFactor: options.memoryGrowth, timeFactor: options.timeGrowth)
                if let mb = grown.memoryMB, grown.memoryMB != spec.resources.memoryMB { grownTo.append("--mem \(mb)M") }
                if let minutes = grown.timeMinutes, grown.timeMinutes != spec.resources.timeMinutes { grownTo.append("--time \(minutes)") }
            }
            let with = grownTo.isEmpty ? "" : " with " + grownTo.joined(separator: " ")
            log("slurm: \(id) failed in job \(job.displayID) (\(reason)); \(noticed); retry \(failures) of \(options.retries)\(with); log \(logPath)")
            return
        }
        let failed = SlurmRunReport.FailedNode(node: id, jobID: job.displayID, logPath: logPath, state: end.state,
                                               attempts: failures, reason: reason, reasonSource: end.source.rawValue,
                                               noticedAfterPolls: job.endedPolls, noticed: noticed)
        state.phase[id] = .failed(failed)
        log("slurm: FAILED \(failed); \(noticed)\(cancelledByUser && options.retries > 0 ? "; not retried: cancelled" : "")")
    }

    /// How a job that ended without a commit record ended: sacct (while accounting answers) or scontrol,
    /// else the last state squeue showed.
    private func jobEnd(of job: JobRef, state: inout RunState) -> SlurmJobEnd {
        var accounting = state.accountingAvailable
        let found = client.jobEnd(jobID: job.displayID, accounting: &accounting)
        state.accountingAvailable = accounting
        if let found, SqueueSnapshot.terminalStates.contains(found.state) {
            return found
        }
        return SlurmJobEnd(state: job.lastState, source: .squeue)
    }

    /// Submits every waiting node whose inputs are committed or queued, in like groups as arrays.
    private func submitReady(_ state: inout RunState, isCommitted: (String) -> Bool) throws {
        var deferred = Set<String>()
        while true {
            var ready = state.order.filter { id in
                guard case .waiting = state.phase[id], !deferred.contains(id) else { return false }
                return state.upstream(of: id).allSatisfy { state.isDone($0) || state.isQueued($0) }
            }
            // A job that left the queue before this poll has committed already (it commits, then exits):
            // e.g. one an earlier driver submitted that finished after the run was planned.
            ready = ready.filter { id in
                guard isCommitted(id) else { return true }
                state.phase[id] = .done
                log("slurm: committed \(id) (by an earlier job)")
                return false
            }
            if ready.isEmpty {
                if state.order.contains(where: { id in
                    guard case .waiting = state.phase[id], !deferred.contains(id) else { return false }
                    return state.upstream(of: id).allSatisfy { state.isDone($0) || state.isQueued($0) }
                }) { continue }
                return
            }
            var groups: [GroupKey: [String]] = [:]
            var groupOrder: [GroupKey] = []
            for id in ready {
                guard let spec = state.specs[id] else { continue }
                let attempt = state.failures[id] ?? 0
                let key = GroupKey(group: spec.group, resources: spec.resources, attempt: attempt,
                                   upstream: state.upstream(of: id).sorted())
                if groups[key] == nil { groupOrder.append(key) }
                groups[key, default: []].append(id)
            }
            for key in groupOrder {
                guard let ids = groups[key] else { continue }
                // Slurm's default MaxArraySize is 1001: split larger groups.
                for start in stride(from: 0, to: ids.count, by: 1000) {
                    let chunk = Array(ids[start..<min(start + 1000, ids.count)])
                    do {
                        try submit(chunk, key: key, state: &state)
                    } catch let error as SlurmError where Self.isTransient(error) {
                        // An input's job ended between the poll and sbatch, or the controller is busy: try again after the next poll.
                        log("slurm: sbatch for \(chunk.count) node(s) will be retried: \(error.message)")
                        deferred.formUnion(chunk)
                    } catch {
                        for id in chunk {
                            state.phase[id] = .failed(SlurmRunReport.FailedNode(
                                node: id, jobID: "-", logPath: "-", state: "SUBMIT_FAILED: \(error)",
                                attempts: (state.failures[id] ?? 0) + 1))
                        }
                        log("slurm: could not submit \(chunk.joined(separator: ", ")): \(error)")
                    }
                }
            }
        }
    }

    private func submit(_ ids: [String], key: GroupKey, state: inout RunState) throws {
        let token = "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(15).lowercased()
        let isArray = ids.count > 1
        var record = SubmissionRecord(token: token, jobName: options.jobName, nodes: ids,
                                      keys: ids.map { state.specs[$0]?.key ?? "" }, attempt: key.attempt,
                                      isArray: isArray, jobID: nil, host: ProcessInfo.processInfo.hostName,
                                      submittedAt: Date().timeIntervalSince1970)
        // Record first: a driver killed right after sbatch can still map the job back to its nodes.
        try record.write(to: options.submissionsDirectory)
        let dependencies = Self.dependencySpec(upstream: key.upstream, state: state)
        let script = BatchScript(command: options.command, taskArguments: ids,
                                 environment: options.environment + [("SPFFLOW_SLURM_TOKEN", token)],
                                 title: "\(options.jobName) \(token)")
        let scriptURL = options.scriptsDirectory.appendingPathComponent("\(token).sh")
        let resources = key.resources.scaled(forAttempt: key.attempt, memoryFactor: options.memoryGrowth,
                                             timeFactor: options.timeGrowth)
        let request = SbatchRequest(scriptPath: scriptURL.path, jobName: options.jobName, comment: token,
                                    workingDirectory: options.logsDirectory.path,
                                    outputPattern: isArray ? "\(token)_%a.out" : "\(token).out",
                                    afterOK: dependencies, arrayCount: isArray ? ids.count : nil,
                                    arrayThrottle: isArray && options.arrayThrottle > 0 ? options.arrayThrottle : nil,
                                    resources: resources)
        let jobID: String
        do {
            try script.render().write(to: scriptURL, atomically: true, encoding: .utf8)
            jobID = try client.submit(request)
        } catch {
            // try?: the submission's record may not have been written yet; the submit error is thrown
            try? FileManager.default.removeItem(at: options.submissionsDirectory.appendingPathComponent("\(token).json"))
            throw error
        }
        record.jobID = jobID
        do {
            try record.write(to: options.submissionsDirectory)
        } catch {
            log("slurm: cannot record job \(jobID) of submission \(token) (\(error)); the job runs, but a restarted run will not recognise it and may submit its nodes again")
        }
        for (index, id) in ids.enumerated() {
            state.phase[id] = .queued(JobRef(record: record, jobID: jobID, index: index, endedAt: nil,
                                             lastState: "PENDING", lastReason: ""))
        }
        state.submissions += 1
        state.submittedNodes += ids
        let what = isArray ? "array of \(ids.count) (\(ids.first ?? "")...\(ids.last ?? ""))" : (ids.first ?? "")
        let deps = dependencies.isEmpty ? "" : " after \(dependencies.joined(separator: ","))"
        log("slurm: submitted \(what) as job \(jobID)\(deps)\(key.attempt > 0 ? " (attempt \(key.attempt + 1))" : "")")
    }

    /// The job ids a submission waits for: each queued upstream's job, or a whole array's id when
    /// every task of that array is an upstream (keeps `--dependency` short for a sum over 1,000 members).
    static func dependencySpec(upstream: [String], state: RunState) -> [String] {
        var tasksByArray: [String: (record: SubmissionRecord, ids: [String])] = [:]
        var plain: [String] = []
        for up in upstream {
            guard case .queued(let job) = state.phase[up] else { continue }
            if job.record.isArray {
                tasksByArray[job.jobID, default: (job.record, [])].ids.append(job.displayID)
            } else {
                plain.append(job.jobID)
            }
        }
        var out = plain
        for (arrayID, entry) in tasksByArray {
            // The whole array only when every task is still queued in it and read here (a task that
            // failed and was resubmitted elsewhere would leave the array's afterok unsatisfiable).
            let whole = Set(entry.ids).count == entry.record.nodes.count
                && entry.record.nodes.allSatisfy { state.jobID(of: $0) == arrayID }
            out += whole ? [arrayID] : entry.ids
        }
        return Array(Set(out)).sorted()
    }

    private func handleInterrupt(_ signal: Int32, state: RunState) throws -> Never {
        let jobs = Set(state.order.compactMap { id -> String? in
            if case .queued(let job) = state.phase[id] { return job.jobID }
            return nil
        }).sorted()
        let cancel = jobs.isEmpty || signal == SIGTERM || !options.askBeforeCancel
            || InterruptMonitor.confirmCancel(count: jobs.count)
        if cancel {
            do {
                try client.cancel(jobs)
                log("slurm: interrupted (signal \(signal)); cancelled job(s) \(jobs.joined(separator: " "))")
            } catch {
                log("slurm: interrupted (signal \(signal)); could not cancel job(s) \(jobs.joined(separator: " ")): \(error)")
            }
            throw SlurmError(.interrupted, "interrupted by signal \(signal); cancelled \(jobs.count) Slurm job(s)")
        }
        log("slurm: interrupted (signal \(signal)); left \(jobs.count) job(s) running: a rerun waits for them")
        throw SlurmError(.interrupted, "interrupted by signal \(signal); \(jobs.count) Slurm job(s) left running")
    }

    private func sleepUntilNextPoll() {
        let end = Date().addingTimeInterval(options.pollInterval)
        while Date() < end {
            if interrupts?.signal != nil { return }
            Thread.sleep(forTimeInterval: min(0.05, max(0, end.timeIntervalSinceNow)))
        }
    }

    /// Nodes that can share one array job.
    struct GroupKey: Hashable {
        var group: String
        var resources: SlurmResources
        var attempt: Int
        var upstream: [String]
    }

    /// The driver's bookkeeping for one run.
    struct RunState {
        var order: [String]
        var specs: [String: SlurmNodeSpec]
        var phase: [String: Phase]
        var failures: [String: Int] = [:]
        var adopted: [String] = []
        var submissions = 0
        var submittedNodes: [String] = []
        var polls = 0
        /// False once `sacct` said Slurm accounting is disabled (then `scontrol show job` tells how jobs ended).
        var accountingAvailable = true
        /// The jobs of nodes settled so far (committed, failed, or to be resubmitted).
        var settledJobs: [JobRef] = []

        init(nodes: [SlurmNodeSpec]) {
            order = nodes.map(\.id)
            specs = Dictionary(nodes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            phase = Dictionary(nodes.map { ($0.id, Phase.waiting) }, uniquingKeysWith: { a, _ in a })
        }

        /// Upstream ids that belong to this run (others are committed already).
        func upstream(of id: String) -> [String] {
            (specs[id]?.upstream ?? []).filter { specs[$0] != nil }
        }

        /// The Slurm job (array) id a queued node runs in.
        func jobID(of id: String) -> String? {
            if case .queued(let job) = phase[id] { return job.jobID }
            return nil
        }

        func isDone(_ id: String) -> Bool { if case .done = phase[id] { return true } else { return false } }
        func isQueued(_ id: String) -> Bool { if case .queued = phase[id] { return true } else { return false } }
        func isDead(_ id: String) -> Bool {
            switch phase[id] {
            case .failed, .blocked: return true
            default: return false
            }
        }

        var isFinished: Bool {
            order.allSatisfy { id in
                switch phase[id] {
                case .done, .failed, .blocked: return true
                default: return false
                }
            }
        }

        func report(calls: [String: Int]) -> SlurmRunReport {
            var committed: [String] = [], failed: [SlurmRunReport.FailedNode] = [], blocked: [String] = []
            for id in order {
                switch phase[id] {
                case .done: committed.append(id)
                case .failed(let f): failed.append(f)
                case .blocked: blocked.append(id)
                default: break
                }
            }
            return SlurmRunReport(committed: committed, failed: failed, blocked: blocked, adopted: adopted,
                                  submissions: submissions, submittedNodes: submittedNodes, polls: polls,
                                  schedulerCalls: calls)
        }
    }
}

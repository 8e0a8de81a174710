import Foundation

extension EngineSession {
    /// Runs the manifest (or the part `--until` asks for) with `executor` (default: local, `options.jobs`),
    /// printing per-node results and live progress, writing node logs and the run record.
    public func run(options: RunOptions, executor: (any Executor)? = nil, command: String = "run") throws -> RunSummary {
        let untilIdx = try options.until.map { try nodeIndex($0, option: "--until") }
        let forceIdx = try options.force.map { try nodeIndex($0, option: "--force") }
        var requested = Set(0..<manifest.nodes.count)
        if !untilIdx.isEmpty {
            requested = untilIdx.reduce(into: Set<Int>()) { $0.formUnion(graph.ancestors(of: $1)) }
        }
        let forced = Set(forceIdx.map { manifest.nodes[$0].id })
        let decisions = plan(force: forced)
        let toRun = Set(decisions.filter { $0.willRun && requested.contains($0.index) }.map(\.index))
        if let limit = options.memoryLimitMB {
            try checkMemoryRequests(of: toRun, fitIn: limit)
        }
        let runID = RunStore.newRunID()
        let executor = executor ?? LocalExecutor(runner: runner, capacity: options.jobs)
        let started = Date()
        var record = RunRecord(id: runID, command: command, manifestName: manifest.name, manifestPath: manifest.file.path,
                               host: ProcessIdentity.host, pid: ProcessIdentity.pid, startedAt: started, endedAt: nil,
                               state: .running, jobs: executor.capacity, executor: executor.name, nodes: [])
        record.nodes = decisions.map { d in
            let status: NodeStatus = !requested.contains(d.index) ? .notRequested : d.willRun ? .pending : .cached
            return entry(d.index, decision: d, status: status, runID: runID)
        }
        // Recorded up front when there is work (so a killed run shows as interrupted in `status`).
        if !toRun.isEmpty { try runs.save(record) }

        let display = ProgressDisplay(mode: options.progress, total: toRun.count, interval: options.progressInterval)
        let cachedCount = decisions.filter { !$0.willRun && requested.contains($0.index) }.count
        display.line("run \(runID): \(manifest.name), \(requested.count) node(s): \(cachedCount) cached, \(toRun.count) to compute (\(executor.name), \(executor.capacity) slot(s)\(options.memoryLimitMB.map { ", memory limit \(Self.memoryText($0))" } ?? ""))")
        if options.showCached {
            var text = ""
            for d in decisions where !d.willRun && requested.contains(d.index) { text += "cached    \(d.id)\n" }
            if !text.isEmpty { StandardStreams.out(text) }
        }
        let shared = RecordBox(record)
        let scheduler = RunScheduler(graph: graph, executor: executor, keepGoing: options.keepGoing, toRun: toRun,
                                     memoryLimitMB: options.memoryLimitMB)
        display.start()
        let runs = self.runs
        let manifestPath = manifest.file.path
        let cacheDir = store.root
        let makeJob = { (i: Int, threads: Int) -> NodeJob in
            let n = self.manifest.nodes[i]
            let sofar = shared.snapshot(), manifest = self.manifest, taken = Date()
            return NodeJob(nodeID: n.id, kind: n.kindName, key: self.keys.keys[i], objects: decisions[i].objects,
                           threads: threads, manifestPath: manifestPath, cacheDirectory: cacheDir, runID: runID,
                           logFile: runs.logFile(run: runID, node: n.id), force: forced.contains(n.id),
                           runSnapshot: { RunSnapshot(record: sofar, manifest: manifest, current: i, takenAt: taken) })
        }
        let order = graph.topologicalOrder().filter { toRun.contains($0) }
        executor.prepare(order.map { makeJob($0, min(max(1, manifest.nodes[$0].threads), executor.capacity)) },
                         upstream: Dictionary(uniqueKeysWithValues: order.map { i in
                             (manifest.nodes[i].id, graph.upstream[i].filter { toRun.contains($0) }.map { manifest.nodes[$0].id })
                         }))
        let results = scheduler.run(
            makeJob: makeJob,
            verify: { job in job.objects.values.allSatisfy { self.runner.objectState($0) == .committed } },
            events: display,
            onStart: { i in
                let id = self.manifest.nodes[i].id
                display.started(id)
                if !decisions[i].reasons.isEmpty { display.line("start     \(id)  (\(decisions[i].reasons.joined(separator: "; ")))") }
            },
            onResult: { i, r in
                let id = self.manifest.nodes[i].id
                display.finished(id)
                let time = ProgressDisplay.duration(r.seconds)
                switch r.status {
                case .ran: display.line("ran       \(id)  \(time)")
                case .computedElsewhere: display.line("cached    \(id)  \(time)  (computed by a concurrent run)")
                case .failed: display.line("FAILED    \(id)  \(time)  \(r.error ?? "")")
                case .skipped: display.line("skipped   \(id)  (\(r.error ?? "upstream failed"))")
                default: break
                }
                shared.update { rec in
                    rec.nodes[i].status = r.status
                    rec.nodes[i].seconds = r.seconds
                    rec.nodes[i].error = r.error
                    if r.status != .skipped { rec.nodes[i].log = runs.relativeLogPath(run: runID, node: id) }
                }
                // try?: progress saves of the record are best effort: the final save below reports its failure.
                if shared.shouldSave() { try? runs.save(shared.snapshot()) }
            })
        display.stop()
        cleanup.wait()
        record = shared.snapshot()
        record.endedAt = Date()
        let failedIdx = toRun.filter { results[$0]?.status == .failed }.sorted()
        let incomplete = toRun.filter { results[$0] == nil || results[$0]?.status == .skipped }
        record.state = failedIdx.isEmpty && incomplete.isEmpty ? .succeeded : .failed
        do { try runs.save(record) } catch {
            // On a full disk the record may not fit: that must not hide the node failures reported below.
            if record.state == .succeeded { throw error }
            display.line("warning: \((error as? EngineError)?.message ?? "\(error)")")
        }
        let objectKeys = record.nodes.enumerated().filter { requested.contains($0.offset) }.flatMap { $0.element.objects.values }
        do { try store.recordRunObjects(RunObjects(runId: runID, objectKeys: Array(Set(objectKeys)).sorted())) } catch {
            // The results are committed either way; without this list `cache gc` does not count them as this run's.
            display.line("warning: \(ObjectStore.runObjectsNotRecorded(runID, error))")
        }
        let failures = failedIdx.map { i in
            (node: manifest.nodes[i].id, log: runs.logFile(run: runID, node: manifest.nodes[i].id).path,
             error: results[i]?.error ?? "")
        }
        let ran = results.values.filter { $0.status == .ran }.count
        let elapsed = ProgressDisplay.duration(Date().timeIntervalSince(started))
        if failures.isEmpty && incomplete.isEmpty {
            display.line("done: \(ran) computed, \(cachedCount + results.values.filter { $0.status == .computedElsewhere }.count) cached, \(elapsed); record \(runs.runDirectory(runID).path)/run.json")
        } else {
            display.line("run \(runID) FAILED after \(elapsed): \(failures.count) node(s) failed, \(incomplete.count) not run")
            for f in failures { display.line("  failed: \(f.node)  log: \(f.log)") }
        }
        return RunSummary(record: record, failures: failures)
    }

    /// Fails, naming the node and where the manifest declares it, when a node to run asks for more memory
    /// (`resources.memory`) than the whole limit, so it could never start.
    func checkMemoryRequests(of toRun: Set<Int>, fitIn limit: Int) throws {
        for i in toRun.sorted() {
            let node = manifest.nodes[i]
            if let asked = node.resources.memoryMB, asked > limit {
                throw EngineError(.usage, "its resources.memory \(Self.memoryText(asked)) is more than the run's --memory "
                                  + "\(Self.memoryText(limit)), so it could never start: raise --memory or lower the request",
                                  at: node.location, node: node.id)
            }
        }
    }

    /// A memory size in MiB as `spfflow` prints it: `512M`, `8G`, `1.5G`.
    static func memoryText(_ mb: Int) -> String {
        guard mb >= 1024 else { return "\(mb)M" }
        let g = Double(mb) / 1024
        return g == g.rounded() ? "\(Int(g))G" : String(format: "%.1fG", g)
    }
}

/// The run record shared between scheduler threads, with save throttling.
final class RecordBox: @unchecked Sendable {
    private let lock = NSLock()
    private var record: RunRecord
    private var lastSave = Date()

    init(_ record: RunRecord) { self.record = record }

    func update(_ body: (inout RunRecord) -> Void) { lock.withLock { body(&record) } }

    func snapshot() -> RunRecord { lock.withLock { record } }

    /// True at most every half second (so a 10,000-node run does not rewrite its record 10,000 times).
    func shouldSave() -> Bool {
        lock.withLock {
            guard Date().timeIntervalSince(lastSave) >= 0.5 else { return false }
            lastSave = Date()
            return true
        }
    }
}

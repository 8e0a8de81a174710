import Foundation

extension EngineSession {
    /// What `exec-node` did.
    public enum ExecNodeResult: Sendable, Equatable {
        /// The outputs were already committed (nothing computed).
        case cached
        /// Computed and committed now.
        case computed
        /// Another process committed them while this one waited on the lease.
        case computedElsewhere
        /// Failed; message and log path.
        case failed(String, log: String)
    }

    /// Computes exactly one node into the cache (what a batch job runs). Its inputs must be committed.
    /// With `runID` (given by a parent run) the log goes into that run's `logs/` and no record is written;
    /// otherwise an `exec-node` run record is created.
    public func execNode(_ id: String, runID parentRun: String?, force: Bool, threads: Int) throws -> ExecNodeResult {
        let i = try nodeIndex(id, option: "exec-node")
        let node = manifest.nodes[i]
        for (name, refs) in node.inputs {
            for r in refs {
                guard let up = manifest.index[r.node] else { continue }
                let key = KeyComponents.objectKey(nodeKey: keys.keys[up], output: r.output)
                if runner.objectState(key) != .committed {
                    throw EngineError(.nodeFailed, "input '\(name)' (\(r)) is not in the cache at \(store.root.path); compute node '\(r.node)' first", node: id)
                }
            }
        }
        let planner = Planner(graph: graph, keys: keys)
        let objects = planner.objects(of: i)
        let committed = objects.values.allSatisfy { runner.objectState($0) == .committed }
        if committed && !force { return .cached }
        let runID = parentRun ?? RunStore.newRunID()
        let started = Date()
        var record: RunRecord?
        if parentRun == nil {
            let decision = PlanDecision(index: i, id: id, willRun: true, reasons: [force ? "forced (--force)" : "exec-node"], objects: objects)
            var r = RunRecord(id: runID, command: "exec-node", manifestName: manifest.name, manifestPath: manifest.file.path,
                              host: ProcessIdentity.host, pid: ProcessIdentity.pid, startedAt: started, endedAt: nil,
                              state: .running, jobs: threads, executor: "exec-node", nodes: [entry(i, decision: decision, status: .pending, runID: runID)])
            try runs.save(r)
            record = r
            r.state = .running
        }
        let logFile = runs.logFile(run: runID, node: id)
        let outcome = runner.compute(index: i, runID: runID, logFile: logFile, threads: threads, force: force, events: SilentEvents())
        cleanup.wait()
        if var r = record {
            r.endedAt = Date()
            r.nodes[0].seconds = Date().timeIntervalSince(started)
            r.nodes[0].log = runs.relativeLogPath(run: runID, node: id)
            switch outcome {
            case .computed: r.nodes[0].status = .ran; r.state = .succeeded
            case .computedElsewhere: r.nodes[0].status = .computedElsewhere; r.state = .succeeded
            case .failed(let m): r.nodes[0].status = .failed; r.nodes[0].error = m; r.state = .failed
            }
            try runs.save(r)
            do { try store.recordRunObjects(RunObjects(runId: runID, objectKeys: objects.values.sorted())) } catch {
                StandardStreams.error("spfflow: warning: \(ObjectStore.runObjectsNotRecorded(runID, error))\n")
            }
        }
        switch outcome {
        case .computed: return .computed
        case .computedElsewhere: return .computedElsewhere
        case .failed(let m): return .failed(m, log: logFile.path)
        }
    }
}

/// An event sink that drops everything (exec-node has no live display).
struct SilentEvents: NodeEventSink {
    func progress(node: String, fraction: Double, message: String) {}
    func waiting(node: String, holder: String) {}
}

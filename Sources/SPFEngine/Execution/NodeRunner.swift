import Foundation

/// Computes one node of a loaded manifest into the cache, in this process: takes the node's lease,
/// re-checks the cache (another process may have finished it), opens its inputs, runs the kind,
/// and commits every output (temp file, fsync, rename, commit record). Used by the local executor
/// and by `spfflow exec-node` (what batch jobs run).
package final class NodeRunner: Sendable {
    /// The manifest's graph.
    package let graph: NodeGraph
    /// Node keys.
    package let keys: NodeKeys
    /// The cache.
    package let store: ObjectStore

    private let objectsPath: String

    package init(graph: NodeGraph, keys: NodeKeys, store: ObjectStore) {
        self.graph = graph
        self.keys = keys
        self.store = store
        objectsPath = store.objectsDirectory.path
    }

    /// The state of one object, cheaply: commit record + stat stamp; a changed stamp triggers a full check.
    /// (Paths are built as strings: Foundation's `appendingPathComponent` stats the file system on Linux.)
    package func objectState(_ key: String) -> ObjectState {
        guard let record = store.record(for: key) else { return .missing }
        let stem = "\(objectsPath)/\(key.prefix(2))/\(key)"
        let file = URL(fileURLWithPath: stem + ".h5", isDirectory: false)
        let files = URL(fileURLWithPath: stem + ".files", isDirectory: true)
        if let stamp = FileStamp.current(file: file, filesDirectory: files), stamp == record.stamp {
            return .committed
        }
        switch store.lookup(key) {
        case .hit: return .committed
        case .missing: return .corrupt("object file is gone although it has a commit record")
        case .corrupt(let reason): return .corrupt(reason)
        }
    }

    /// Computes node `index` (blocking). Never throws: failures come back as `.failed`.
    /// `runSnapshot` is what the node sees as `NodeContext.runSnapshot` (not part of its key).
    package func compute(index: Int, runID: String, logFile: URL, threads: Int, force: Bool,
                         events: any NodeEventSink,
                         runSnapshot: @escaping @Sendable () -> RunSnapshot? = { nil }) -> NodeOutcome {
        let node = graph.manifest.nodes[index]
        let key = keys.keys[index]
        let log = NodeLog(url: logFile)
        log.write("node \(node.id) (kind \(node.kindName) v\(node.kind.version)) key \(key)")
        log.write("run \(runID), host \(ProcessIdentity.host), pid \(ProcessIdentity.pid), threads \(threads)")
        var waitedFor: String?
        let lease: Lease
        do {
            lease = try store.leases.acquire(key, runId: runID, slurmJobId: ProcessInfo.processInfo.environment["SLURM_JOB_ID"],
                                             pollInterval: 0.05) { holder in
                let who = holder.map { "\($0.host):\($0.pid)\($0.runId.map { " (run \($0))" } ?? "")" } ?? "another process"
                if waitedFor == nil {
                    waitedFor = who
                    log.write("waiting for \(who), which is computing this node")
                    events.waiting(node: node.id, holder: who)
                }
            }
        } catch {
            log.write("FAILED: cannot take the node's lease: \(error)")
            return .failed("cannot take the node's lease: \(error)")
        }
        defer { lease.release() }
        let outputs = node.kind.outputs
        let objectKeys = outputs.map { KeyComponents.objectKey(nodeKey: key, output: $0) }
        if !force || waitedFor != nil, objectKeys.allSatisfy({ objectState($0) == .committed }) {
            log.write("outputs were committed by \(waitedFor ?? "another process"); nothing to do")
            return .computedElsewhere
        }
        let started = Date()
        // What the node freed goes back to the system when it ends, so later nodes do not stack on its peak; large
        // buffers go back as soon as they are freed, so nodes running side by side do not keep each other's.
        FreedMemory.mapLargeBuffers()
        defer { FreedMemory.release() }
        // Named like the store's temporaries (<name>.<host>.<pid>.<rand>) so leftovers of a killed process are cleaned.
        let scratch = store.tmpDirectory.appendingPathComponent("scratch-\(key.prefix(16)).\(ObjectStore.sanitizedHost).\(ProcessIdentity.pid).\(UUID().uuidString.prefix(8))")
        // try?: a scratch folder named like the store's temporaries; leftover cleanup removes it if this fails
        defer { try? FileManager.default.removeItem(at: scratch) }
        let io = LocalNodeIO(node: node, index: index, graph: graph, keys: keys, store: store, threads: threads,
                             log: log, events: events)
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let context = NodeContext(nodeID: node.id, params: node.params, seed: node.seed, threads: threads,
                                      scratchDirectory: scratch, inputs: node.kind.inputs, outputs: outputs, io: io,
                                      runSnapshot: runSnapshot, store: store)
            let kind = node.kind.init()
            try kind.run(context)
            let ended = Date()
            let wall = ended.timeIntervalSince(started)
            let provenance = ObjectProvenance(
                kind: node.kindName, kindVersion: node.kind.version, paramsJSON: ParamValue.object(node.params.values).canonicalJSON,
                inputKeys: keys.components[index].inputs, seed: node.seed, spfflowVersion: SPFEngineInfo.version,
                host: ProcessIdentity.host, startedAt: started, endedAt: ended, wallSeconds: wall,
                peakMemoryBytes: ProcessIdentity.peakResidentBytes, node: node.id, runId: runID,
                slurmJobId: ProcessInfo.processInfo.environment["SLURM_JOB_ID"], platform: graph.manifest.platform)
            for (output, objectKey) in zip(outputs, objectKeys) {
                let writer = try io.outputWriter(output)
                try writer.setProvenance(provenance)
                try store.commit(writer, key: objectKey, output: output,
                                 info: CommitInfo(node: node.id, kind: node.kindName, runId: runID, wallSeconds: wall))
                io.committed(output)
            }
            store.checkpoints.remove(key)
            log.write(String(format: "finished in %.3f s; committed %@", wall, objectKeys.joined(separator: ", ")))
            return .computed
        } catch {
            // Measured before the node's temporaries are deleted: a write that failed for lack of space says so.
            let space = FileSystemSpace.of(store.root)
            let writing = io.uncommittedPaths()
            io.abandonAll()
            let diskFull = DiskFullDiagnosis.error(for: error, node: node.id, cache: store.root, writing: writing, space: space)
            let message = diskFull?.message ?? (error as? EngineError)?.message ?? "\(error)"
            log.write("FAILED: \(message)")
            return .failed(message)
        }
    }
}

/// The engine side of a running node's `NodeContext` (inputs from the store, outputs to it).
final class LocalNodeIO: NodeIO, @unchecked Sendable {
    private let node: ManifestNode
    private let index: Int
    private let graph: NodeGraph
    private let keys: NodeKeys
    private let store: ObjectStore
    private let threads: Int
    private let logFile: NodeLog
    private let events: any NodeEventSink
    private let lock = NSLock()
    private var writers: [String: ObjectWriter] = [:]
    private var opened: [String: [StoredObject]] = [:]
    private var lastLoggedProgress = Date.distantPast

    init(node: ManifestNode, index: Int, graph: NodeGraph, keys: NodeKeys, store: ObjectStore, threads: Int,
         log: NodeLog, events: any NodeEventSink) {
        self.node = node
        self.index = index
        self.graph = graph
        self.keys = keys
        self.store = store
        self.threads = threads
        self.logFile = log
        self.events = events
    }

    private var options: ObjectWriterOptions {
        var o = ObjectWriterOptions()
        o.threads = max(1, threads)
        return o
    }

    func inputObjects(_ name: String) throws -> [StoredObject]? {
        guard let refs = node.inputs[name] else { return nil }
        if let cached = lock.withLock({ opened[name] }) { return cached }
        var objects: [StoredObject] = []
        for r in refs {
            guard let up = graph.manifest.index[r.node] else {
                throw EngineError(.nodeFailed, "input '\(name)' refers to unknown node \(r.node)", node: node.id)
            }
            let key = KeyComponents.objectKey(nodeKey: keys.keys[up], output: r.output)
            switch store.lookup(key) {
            case .hit(let object): objects.append(object)
            case .missing(let reason):
                throw EngineError(.nodeFailed, "input '\(name)' (\(r)) is not in the cache: \(reason)", node: node.id)
            case .corrupt(let reason):
                throw EngineError(.nodeFailed, "input '\(name)' (\(r)) is corrupt: \(reason)", node: node.id)
            }
        }
        lock.withLock { opened[name] = objects }
        return objects
    }

    func outputWriter(_ name: String) throws -> ObjectWriter {
        try lock.withLock {
            if let w = writers[name] { return w }
            let key = KeyComponents.objectKey(nodeKey: keys.keys[index], output: name)
            let w = try store.beginObject(key: key, options: options)
            writers[name] = w
            return w
        }
    }

    func committed(_ name: String) {
        lock.withLock { _ = writers.removeValue(forKey: name) }
    }

    /// The temporary files of the outputs not committed yet.
    func uncommittedPaths() -> [String] {
        lock.withLock { writers.keys.sorted().compactMap { writers[$0]?.url.path } }
    }

    func abandonAll() {
        let all = lock.withLock { () -> [ObjectWriter] in
            let w = Array(writers.values)
            writers = [:]
            return w
        }
        for w in all { store.abandon(w) }
    }

    func loadCheckpoint() throws -> StoredObject? { store.checkpoints.load(keys.keys[index]) }

    func saveCheckpoint(_ body: (ObjectWriter) throws -> Void) throws {
        try store.checkpoints.save(keys.keys[index], options: options, body)
    }

    func progress(_ fraction: Double, _ message: String) {
        events.progress(node: node.id, fraction: fraction, message: message)
        let now = Date()
        let shouldLog = lock.withLock { () -> Bool in
            guard now.timeIntervalSince(lastLoggedProgress) >= 5 || fraction >= 1 else { return false }
            lastLoggedProgress = now
            return true
        }
        if shouldLog { logFile.write(String(format: "progress %.1f%% %@", fraction * 100, message)) }
    }

    func log(_ message: String) { logFile.write(message) }
}

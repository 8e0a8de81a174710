import Foundation

/// A manifest loaded against a cache: graph, keys, store, run records. What the `run`, `plan`,
/// `exec-node` and `status` commands work on.
public final class EngineSession: Sendable {
    /// The manifest.
    public let manifest: Manifest
    /// Its graph.
    public let graph: NodeGraph
    /// Every node's key.
    public let keys: NodeKeys
    /// The cache.
    public let store: ObjectStore
    /// Run records.
    public let runs: RunStore
    package let runner: NodeRunner
    let cleanup: LeftoverCleanup

    /// Loads `manifestPath`, opens the cache (`--cache` > SPFFLOW_CACHE > manifest), computes keys.
    /// `cleanLeftovers` removes what killed runs left in the cache (temporary files of dead processes,
    /// abandoned leases); it runs on a background thread, and `run` waits for it before it returns.
    public init(manifestPath: String, cacheOverride: String?, registry: KindRegistry, cleanLeftovers: Bool = true) throws {
        manifest = try ManifestLoader(registry: registry).load(path: manifestPath)
        graph = NodeGraph(manifest)
        let cache = manifest.cacheDirectory(override: cacheOverride)
        do {
            store = try ObjectStore(root: cache, cleanLeftovers: false)
        } catch {
            throw EngineError(.cache, "cannot open cache \(cache.path): \(error)")
        }
        runs = RunStore(cacheDirectory: cache)
        cleanup = LeftoverCleanup(store: cleanLeftovers ? store : nil)
        let digester = FileDigester(stateFile: cache.appendingPathComponent("records/file-digests.json"))
        keys = try graph.computeKeys(files: digester)
        digester.save()
        runner = NodeRunner(graph: graph, keys: keys, store: store)
    }

    /// The index of a node named on the command line (usage error listing similar ids otherwise).
    public func nodeIndex(_ id: String, option: String) throws -> Int {
        if let i = manifest.index[id] { return i }
        let near = manifest.nodes.map(\.id).filter { $0.contains(id) || id.contains($0) }.prefix(5)
        throw EngineError(.usage, "\(option): no node '\(id)' in \(manifest.file.path)\(near.isEmpty ? "" : " (did you mean \(near.joined(separator: ", "))?)")")
    }

    /// Decides every node: cached or will run, and why.
    public func plan(force: Set<String> = []) -> [PlanDecision] {
        var states: [String: ObjectState] = [:]
        let lock = NSLock()
        let state: (String) -> ObjectState = { key in
            if let s = lock.withLock({ states[key] }) { return s }
            let s = self.runner.objectState(key)
            lock.withLock { states[key] = s }
            return s
        }
        let planner = Planner(graph: graph, keys: keys)
        let first = planner.decide(state: state, previous: { _ in nil }, force: force)
        let needing = Set(first.filter(\.willRun).map(\.id))
        guard !needing.isEmpty else { return first }
        let previous = runs.previousEntries(for: needing, manifestName: manifest.name)
        return planner.decide(state: state, previous: { previous[$0] }, force: force)
    }

    /// A run-record entry for node `i`.
    func entry(_ i: Int, decision: PlanDecision, status: NodeStatus, runID: String) -> NodeRunEntry {
        let n = manifest.nodes[i]
        var nonKey: [String: String] = [:]
        for spec in n.kind.params where !spec.key {
            if let v = n.params.values[spec.name] { nonKey[spec.name] = v.canonicalJSON }
        }
        return NodeRunEntry(id: n.id, key: keys.keys[i], components: keys.components[i], nonKeyParams: nonKey,
                            objects: decision.objects, status: status,
                            reason: decision.willRun ? decision.reasons.joined(separator: "; ") : nil,
                            seconds: nil, log: nil, error: nil)
    }
}

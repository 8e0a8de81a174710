import Foundation

/// Decides for every node whether it is cached or must run, and explains why, the way Snakemake's
/// dry-run reasons do but field by field: new node, which param changed from what to what, which input
/// changed (and which upstream node caused it), seed, kind version or file content changes, or the
/// object is missing or corrupt.
public struct Planner: Sendable {
    /// The graph.
    public let graph: NodeGraph
    /// Keys and components of every node.
    public let keys: NodeKeys

    /// Makes a planner.
    public init(graph: NodeGraph, keys: NodeKeys) {
        self.graph = graph
        self.keys = keys
    }

    /// The object keys of a node's outputs.
    public func objects(of index: Int) -> [String: String] {
        let n = graph.manifest.nodes[index]
        var out: [String: String] = [:]
        for o in n.kind.outputs { out[o] = KeyComponents.objectKey(nodeKey: keys.keys[index], output: o) }
        return out
    }

    /// Decides every node (manifest order). `state` reports an object's state; `previous` gives the node's
    /// last successful run entry (for reasons); `force` lists node ids to recompute regardless.
    public func decide(state: (String) -> ObjectState, previous: (String) -> NodeRunEntry?, force: Set<String> = []) -> [PlanDecision] {
        let nodes = graph.manifest.nodes
        var decisions = [PlanDecision?](repeating: nil, count: nodes.count)
        for i in graph.topologicalOrder() {
            let n = nodes[i]
            let objs = objects(of: i)
            var problems: [String] = []
            for name in n.kind.outputs {
                guard let key = objs[name] else { continue }
                switch state(key) {
                case .committed: break
                case .missing: problems.append("missing:\(name)")
                case .corrupt(let why): problems.append("corrupt:\(name):\(why)")
                }
            }
            let forced = force.contains(n.id)
            if problems.isEmpty && !forced {
                decisions[i] = PlanDecision(index: i, id: n.id, willRun: false, reasons: [], objects: objs)
                continue
            }
            var reasons: [String] = []
            if forced { reasons.append("forced (--force)") }
            let corrupt = problems.filter { $0.hasPrefix("corrupt:") }
            for c in corrupt {
                let parts = c.split(separator: ":", maxSplits: 2).map(String.init)
                reasons.append("object for output '\(parts[1])' is corrupt (\(parts.count > 2 ? parts[2] : "digest mismatch")); recomputing")
            }
            if !problems.isEmpty && corrupt.count < problems.count {
                reasons += explainMissing(i, previous: previous(n.id), decisions: decisions)
            }
            decisions[i] = PlanDecision(index: i, id: n.id, willRun: true, reasons: reasons, objects: objs)
        }
        return decisions.enumerated().map { i, d in
            d ?? PlanDecision(index: i, id: nodes[i].id, willRun: true, reasons: ["unreachable in topological order"], objects: [:])
        }
    }

    private func explainMissing(_ i: Int, previous: NodeRunEntry?, decisions: [PlanDecision?]) -> [String] {
        let n = graph.manifest.nodes[i]
        let now = keys.components[i]
        guard let previous else { return ["new node (never computed in this cache)"] }
        if previous.key == keys.keys[i] {
            return ["same key as the last run, but its object is missing (deleted, gc'd or never committed)"]
        }
        let before = previous.components
        var reasons: [String] = []
        if before.kind != now.kind { reasons.append("kind changed \(before.kind) → \(now.kind)") }
        if before.version != now.version { reasons.append("kind version changed \(before.version) → \(now.version)") }
        for name in Set(before.params.keys).union(now.params.keys).sorted() {
            let a = before.params[name], b = now.params[name]
            if a == b { continue }
            switch (a, b) {
            case (let a?, let b?): reasons.append("param '\(name)' changed \(a) → \(b)")
            case (nil, let b?): reasons.append("param '\(name)' added (\(b))")
            case (let a?, nil): reasons.append("param '\(name)' removed (was \(a))")
            default: break
            }
        }
        if before.seed != now.seed { reasons.append("seed changed \(before.seed) → \(now.seed)") }
        for name in Set(before.files.keys).union(now.files.keys).sorted() where before.files[name] != now.files[name] {
            reasons.append("content of file input '\(name)' changed")
        }
        for name in Set(before.inputs.keys).union(now.inputs.keys).sorted() where before.inputs[name] != now.inputs[name] {
            let refs = n.inputs[name] ?? []
            let old = before.inputs[name] ?? []
            if refs.count != old.count {
                reasons.append("input '\(name)' now has \(refs.count) item(s), had \(old.count)")
                continue
            }
            var changed: [String] = []
            for (j, r) in refs.enumerated() {
                guard let up = graph.manifest.index[r.node] else { continue }
                let newKey = KeyComponents.objectKey(nodeKey: keys.keys[up], output: r.output)
                if j < old.count, old[j] != newKey { changed.append(r.node) }
            }
            if changed.isEmpty {
                reasons.append("input '\(name)' changed")
            } else {
                let shown = changed.prefix(3).joined(separator: ", ") + (changed.count > 3 ? ", +\(changed.count - 3) more" : "")
                reasons.append("input '\(name)' changed (upstream \(shown) changed)")
            }
        }
        if reasons.isEmpty { reasons.append("key changed (\(String(previous.key.prefix(12))) → \(String(keys.keys[i].prefix(12))))") }
        return reasons
    }
}

extension RunStore {
    /// The latest successful entry (cached, ran or computed elsewhere) of each of `ids` in recent runs of
    /// the manifest named `manifestName` (scans at most `limit` runs, stops when all ids are found).
    public func previousEntries(for ids: Set<String>, manifestName: String, limit: Int = 30) -> [String: NodeRunEntry] {
        var found: [String: NodeRunEntry] = [:]
        guard !ids.isEmpty else { return found }
        var scanned = 0
        for id in runIDs() {
            guard scanned < limit, found.count < ids.count else { break }
            // try?: earlier runs' entries only add reasons to `plan`'s output; an unreadable record adds none
            guard let r = try? load(id), r.manifestName == manifestName else { continue }
            scanned += 1
            for e in r.nodes where ids.contains(e.id) && found[e.id] == nil {
                switch e.status {
                case .cached, .ran, .computedElsewhere: found[e.id] = e
                default: continue
                }
            }
        }
        return found
    }
}

/// The DAG of a manifest: edges from each node to the nodes it reads, topological order, cycle detection.
public struct NodeGraph: Sendable {
    /// The manifest.
    public let manifest: Manifest
    /// For node index i, the indices of the nodes it reads (deduplicated).
    public let upstream: [[Int]]
    /// For node index i, the indices of the nodes that read it.
    public let downstream: [[Int]]

    /// Builds the graph (references are already resolved by the loader).
    public init(_ manifest: Manifest) {
        self.manifest = manifest
        var up = [[Int]](repeating: [], count: manifest.nodes.count)
        var down = [[Int]](repeating: [], count: manifest.nodes.count)
        for (i, n) in manifest.nodes.enumerated() {
            var seen = Set<Int>()
            for refs in n.inputs.values {
                for r in refs {
                    guard let j = manifest.index[r.node], seen.insert(j).inserted else { continue }
                    up[i].append(j)
                    down[j].append(i)
                }
            }
            up[i].sort()
        }
        upstream = up
        downstream = down
    }

    /// Throws `.cycle` naming the cycle (`a -> b -> a`) at the input that closes it.
    public func checkAcyclic() throws {
        if let cycle = findCycle() {
            let names = cycle.map { manifest.nodes[$0].id }
            let consumer = manifest.nodes[cycle[cycle.count - 1]]
            let producer = names[names.count - 2]
            throw EngineError(.cycle, "cycle in the graph: \(names.joined(separator: " -> ")) (node '\(consumer.id)' reads '\(producer)')",
                              at: consumer.location, node: consumer.id)
        }
    }

    /// A cycle as node indices, first == last (data flows from each element to the next), or nil.
    public func findCycle() -> [Int]? {
        // Iterative DFS over "reads" edges; colour 1 = on stack, 2 = done.
        var colour = [UInt8](repeating: 0, count: upstream.count)
        var parent = [Int](repeating: -1, count: upstream.count)
        for start in 0..<upstream.count where colour[start] == 0 {
            var stack: [(node: Int, next: Int)] = [(start, 0)]
            colour[start] = 1
            while let top = stack.last {
                if top.next < upstream[top.node].count {
                    stack[stack.count - 1].next += 1
                    let u = upstream[top.node][top.next]
                    if colour[u] == 0 {
                        colour[u] = 1
                        parent[u] = top.node
                        stack.append((u, 0))
                    } else if colour[u] == 1 {
                        // top.node reads u, u ... reads top.node: data flows u -> ... -> top.node -> u? Build read chain.
                        var chain = [u]
                        var x = top.node
                        while x != u && x != -1 {
                            chain.append(x)
                            x = parent[x]
                        }
                        chain.append(u)
                        // chain: u, top.node, parent(top.node), ..., u: each element is read by the next
                        // (data-flow order, producer -> consumer).
                        return chain
                    }
                } else {
                    colour[top.node] = 2
                    stack.removeLast()
                }
            }
        }
        return nil
    }

    /// Node indices in an order where every node comes after the nodes it reads (stable: manifest order when free).
    public func topologicalOrder() -> [Int] {
        var remaining = upstream.map(\.count)
        var ready = (0..<remaining.count).filter { remaining[$0] == 0 }
        var order: [Int] = []
        order.reserveCapacity(remaining.count)
        var head = 0
        while head < ready.count {
            let n = ready[head]
            head += 1
            order.append(n)
            for d in downstream[n] {
                remaining[d] -= 1
                if remaining[d] == 0 { ready.append(d) }
            }
        }
        return order
    }

    /// The indices of `target` and everything it (transitively) reads.
    public func ancestors(of target: Int) -> Set<Int> {
        var seen: Set<Int> = [target]
        var stack = [target]
        while let n = stack.popLast() {
            for u in upstream[n] where seen.insert(u).inserted { stack.append(u) }
        }
        return seen
    }
}

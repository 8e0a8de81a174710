/// Renders a node graph as Graphviz DOT or Mermaid (edges point from producer to consumer).
public struct GraphRenderer: Sendable {
    /// The graph.
    public let graph: NodeGraph

    /// Makes a renderer.
    public init(_ graph: NodeGraph) { self.graph = graph }

    /// Graphviz DOT text.
    public func dot() -> String {
        var out = "digraph \"\(escape(graph.manifest.name))\" {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n"
        for n in graph.manifest.nodes {
            out += "  \"\(escape(n.id))\" [label=\"\(escape(n.id))\\n\(escape(n.kindName))\"];\n"
        }
        for (i, n) in graph.manifest.nodes.enumerated() {
            for input in n.kind.inputs {
                for r in n.inputs[input.name] ?? [] {
                    let label = r.output == "out" ? input.name : "\(r.output) → \(input.name)"
                    out += "  \"\(escape(r.node))\" -> \"\(escape(graph.manifest.nodes[i].id))\" [label=\"\(escape(label))\"];\n"
                }
            }
        }
        return out + "}\n"
    }

    /// Mermaid flowchart text.
    public func mermaid() -> String {
        var out = "flowchart LR\n"
        var ids: [String: String] = [:]
        for (i, n) in graph.manifest.nodes.enumerated() {
            ids[n.id] = "n\(i)"
            out += "  n\(i)[\"\(n.id.replacingOccurrences(of: "\"", with: "'"))<br/><small>\(n.kindName)</small>\"]\n"
        }
        for (i, n) in graph.manifest.nodes.enumerated() {
            for input in n.kind.inputs {
                for r in n.inputs[input.name] ?? [] {
                    guard let from = ids[r.node] else { continue }
                    out += "  \(from) -->|\(input.name)| n\(i)\n"
                }
            }
        }
        return out
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}

import Foundation

/// Computes every node's key components and key, upstream first.
public struct NodeKeys: Sendable {
    /// Components per node index.
    public let components: [KeyComponents]
    /// Key per node index.
    public let keys: [String]

    /// The object key of an output reference.
    public func objectKey(_ ref: OutputRef, in manifest: Manifest) -> String? {
        guard let i = manifest.index[ref.node] else { return nil }
        return KeyComponents.objectKey(nodeKey: keys[i], output: ref.output)
    }
}

extension NodeGraph {
    /// Computes keys in topological order; file digests through `files` (errors name the node and the param's line).
    package func computeKeys(files: FileDigester) throws -> NodeKeys {
        let nodes = manifest.nodes
        var components = [KeyComponents?](repeating: nil, count: nodes.count)
        var keys = [String](repeating: "", count: nodes.count)
        for i in topologicalOrder() {
            let n = nodes[i]
            var params: [String: String] = [:]
            var fileDigests: [String: String] = [:]
            for spec in n.kind.params where spec.key {
                guard let v = n.params.values[spec.name] else { continue }
                if spec.type == .path, case .string(let p) = v, !p.isEmpty {
                    do { fileDigests[spec.name] = try files.digest(path: p) } catch let e as EngineError {
                        let at = n.paramLocations[spec.name] ?? n.location
                        throw EngineError(.fileInput, "param '\(spec.name)': \(e.message)", at: at, node: n.id)
                    }
                } else {
                    // A renamed param keeps its old name in the key while the old name is still accepted, so the
                    // rename does not invalidate what is cached (a trained model is half an hour of compute).
                    params[spec.deprecatedName ?? spec.name] = v.canonicalJSON
                }
            }
            var inputs: [String: [String]] = [:]
            for (name, refs) in n.inputs {
                inputs[name] = refs.map { r in
                    KeyComponents.objectKey(nodeKey: manifest.index[r.node].map { keys[$0] } ?? "", output: r.output)
                }
            }
            let c = KeyComponents(kind: n.kindName, version: n.kind.version, params: params, inputs: inputs, seed: n.seed, files: fileDigests)
            components[i] = c
            keys[i] = c.key
        }
        return NodeKeys(components: components.map { $0 ?? KeyComponents(kind: "", version: 0, params: [:], inputs: [:], seed: 0, files: [:]) }, keys: keys)
    }
}

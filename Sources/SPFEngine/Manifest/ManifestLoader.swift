import Foundation

/// Reads a manifest file: parses YAML, expands matrices, checks kinds/params/inputs, resolves references,
/// and rejects duplicates and cycles. Every error carries file, line, column and node id.
///
/// ```yaml
/// name: demo
/// cache: .spfflow/cache          # optional; relative to this file
/// vars: {root: /data}            # optional; ${root} in strings
/// axes: {esm: [A, B]}            # optional; named matrix axes for `over: [esm]`
/// defaults: {seed: 7, params: {count: 8}}
/// nodes:
///   - id: gen-${esm}-${scenario}
///     kind: test.generate
///     over: {esm: [A, B], scenario: [x, y]}   # or `over: [esm]` naming axes
///     params: {offset: 1.5}
///   - id: total
///     kind: test.sum
///     inputs: {parts: gen-${esm}-${scenario}}  # unbound variables = every expansion, as a list
/// ```
public struct ManifestLoader: Sendable {
    /// The kinds manifests may name.
    public let registry: KindRegistry
    /// The environment for `${env:NAME}`.
    public let environment: [String: String]

    /// Makes a loader.
    public init(registry: KindRegistry, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.registry = registry
        self.environment = environment
    }

    /// Loads and validates the manifest at `path`.
    public func load(path: String) throws -> Manifest {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw EngineError(.usage, "cannot read manifest '\(path)'")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw EngineError(.invalidYAML, "manifest is not UTF-8 text", file: path, line: 1, column: 1)
        }
        return try load(text: text, file: path, url: url)
    }

    /// Loads and validates manifest text; `file` is the name used in messages, `url` its location (for relative paths).
    public func load(text: String, file: String, url: URL) throws -> Manifest {
        let top = SourceLocation(file: file, line: 1, column: 1)
        guard let root = try YAMLValue.parse(text, file: file) else {
            throw EngineError(.invalidManifest, "the manifest is empty (expected a mapping with `nodes:`)", at: top)
        }
        guard case .mapping(let pairs, _) = root else {
            throw EngineError(.invalidManifest, "the manifest must be a mapping with `nodes:`, got \(root.shapeName)", at: root.location)
        }
        let known: Set<String> = ["name", "cache", "vars", "axes", "defaults", "nodes"]
        for p in pairs where !known.contains(p.key) {
            throw EngineError(.invalidManifest, "unknown top-level key '\(p.key)' (known: \(known.sorted().joined(separator: ", ")))", at: p.keyLocation)
        }
        let directory = url.deletingLastPathComponent()
        let name = try root["name"].map { try scalar($0, "name") } ?? url.deletingPathExtension().lastPathComponent
        let vars = try stringMap(root["vars"], what: "vars")
        let baseSub = Substitution(bindings: [:], vars: vars, environment: environment)
        var cacheDir = directory.appendingPathComponent(".spfflow/cache")
        if let c = root["cache"] {
            let s = baseSub.apply(try scalar(c, "cache")).text
            cacheDir = s.hasPrefix("/") ? URL(fileURLWithPath: s) : directory.appendingPathComponent(s)
        }
        let axes = try parseAxes(root["axes"])
        let defaults = try parseDefaults(root["defaults"], sub: baseSub)

        guard let nodesValue = root["nodes"] else {
            throw EngineError(.invalidManifest, "the manifest has no `nodes:` list", at: top)
        }
        guard case .sequence(let declared, _) = nodesValue else {
            throw EngineError(.invalidManifest, "`nodes:` must be a list, got \(nodesValue.shapeName)", at: nodesValue.location)
        }
        var expanded: [PendingNode] = []
        var warnings: [String] = []
        for d in declared {
            expanded += try expand(d, axes: axes, defaults: defaults, vars: vars, directory: directory, warnings: &warnings)
        }
        // Duplicate ids.
        var firstByID: [String: PendingNode] = [:]
        for n in expanded {
            if let prior = firstByID[n.id] {
                throw EngineError(.duplicateID, "duplicate node id '\(n.id)' after expansion (also declared at \(prior.location))", at: n.location, node: n.id)
            }
            firstByID[n.id] = n
        }
        let nodes = try resolveInputs(expanded, byID: firstByID)
        var index: [String: Int] = [:]
        for (i, n) in nodes.enumerated() { index[n.id] = i }
        for n in nodes {
            if let problem = n.kind.graphProblem(n, upstream: { id in index[id].map { nodes[$0] } }) {
                throw EngineError(.paramValue, "param '\(problem.param)' of kind \(n.kindName): \(problem.message)",
                                  at: n.paramLocations[problem.param] ?? n.location, node: n.id)
            }
        }
        var manifest = Manifest(name: name, file: url, declaredCacheDirectory: cacheDir.standardizedFileURL, nodes: nodes, index: index)
        manifest.platform = registry.platform
        manifest.warnings = warnings
        try NodeGraph(manifest).checkAcyclic()
        return manifest
    }

    // MARK: - Pieces

    private struct Defaults {
        var seed: UInt64?
        var params: [(key: String, keyLocation: SourceLocation, value: YAMLValue)] = []
        var resources: YAMLValue?
    }

    /// A node after expansion, inputs still as text.
    struct PendingNode {
        var id: String
        var kind: any NodeKind.Type
        var params: [String: ParamValue]
        var paramLocations: [String: SourceLocation]
        var seed: UInt64
        var threads: Int
        var resources: NodeResources
        var rawInputs: [(name: String, refs: [(text: String, location: SourceLocation)], location: SourceLocation)]
        var location: SourceLocation
        var template: String
        var bindings: [String: String]
    }

    private func scalar(_ v: YAMLValue, _ what: String) throws -> String {
        guard case .scalar(let s, _, _) = v else {
            throw EngineError(.invalidManifest, "`\(what)` must be a scalar, got \(v.shapeName)", at: v.location)
        }
        return s
    }

    private func stringMap(_ v: YAMLValue?, what: String) throws -> [String: String] {
        guard let v else { return [:] }
        guard case .mapping(let pairs, _) = v else {
            throw EngineError(.invalidManifest, "`\(what)` must be a mapping, got \(v.shapeName)", at: v.location)
        }
        var out: [String: String] = [:]
        for p in pairs { out[p.key] = try scalar(p.value, "\(what).\(p.key)") }
        return out
    }

    private func parseAxes(_ v: YAMLValue?) throws -> [String: (values: [String], location: SourceLocation)] {
        guard let v else { return [:] }
        guard case .mapping(let pairs, _) = v else {
            throw EngineError(.invalidManifest, "`axes` must be a mapping of name to list, got \(v.shapeName)", at: v.location)
        }
        var out: [String: (values: [String], location: SourceLocation)] = [:]
        for p in pairs { out[p.key] = (try axisValues(p.value, name: p.key, node: nil), p.keyLocation) }
        return out
    }

    private func axisValues(_ v: YAMLValue, name: String, node: String?) throws -> [String] {
        guard case .sequence(let items, _) = v else {
            throw EngineError(.invalidManifest, "matrix axis '\(name)' must be a list of values, got \(v.shapeName)", at: v.location, node: node)
        }
        guard !items.isEmpty else {
            throw EngineError(.invalidManifest, "matrix axis '\(name)' is empty", at: v.location, node: node)
        }
        return try items.map { item in
            guard case .scalar(let s, _, _) = item else {
                throw EngineError(.invalidManifest, "matrix axis '\(name)' values must be scalars, got \(item.shapeName)", at: item.location, node: node)
            }
            return s
        }
    }

    private func parseDefaults(_ v: YAMLValue?, sub: Substitution) throws -> Defaults {
        var d = Defaults()
        guard let v else { return d }
        guard case .mapping(let pairs, _) = v else {
            throw EngineError(.invalidManifest, "`defaults` must be a mapping, got \(v.shapeName)", at: v.location)
        }
        for p in pairs {
            switch p.key {
            case "seed": d.seed = try parseSeed(p.value, sub: sub, node: nil)
            case "params":
                guard case .mapping(let ps, _) = p.value else {
                    throw EngineError(.invalidManifest, "`defaults.params` must be a mapping, got \(p.value.shapeName)", at: p.value.location)
                }
                d.params = ps
            case "resources": d.resources = p.value
            default:
                throw EngineError(.invalidManifest, "unknown key '\(p.key)' in defaults (known: params, resources, seed)", at: p.keyLocation)
            }
        }
        return d
    }

    private func parseSeed(_ v: YAMLValue, sub: Substitution, node: String?) throws -> UInt64 {
        guard case .scalar(let raw, _, _) = v else {
            throw EngineError(.paramType, "`seed` must be a non-negative integer, got \(v.shapeName)", at: v.location, node: node)
        }
        let text = sub.apply(raw).text
        guard let s = UInt64(text) else {
            throw EngineError(.paramType, "`seed` must be a non-negative integer, got '\(text)'", at: v.location, node: node)
        }
        return s
    }

    private static let nodeKeys: Set<String> = ["id", "kind", "over", "params", "inputs", "seed", "threads", "resources"]

    private func expand(_ d: YAMLValue, axes: [String: (values: [String], location: SourceLocation)], defaults: Defaults,
                        vars: [String: String], directory: URL, warnings: inout [String]) throws -> [PendingNode] {
        guard case .mapping(let pairs, let loc) = d else {
            throw EngineError(.invalidManifest, "each entry of `nodes:` must be a mapping with id and kind, got \(d.shapeName)", at: d.location)
        }
        guard let idValue = d["id"] else {
            throw EngineError(.invalidManifest, "node has no `id`", at: loc)
        }
        let template = try scalar(idValue, "id")
        for p in pairs where !Self.nodeKeys.contains(p.key) {
            throw EngineError(.invalidManifest, "unknown key '\(p.key)' in node (known: \(Self.nodeKeys.sorted().joined(separator: ", ")))", at: p.keyLocation, node: template)
        }
        guard let kindValue = d["kind"] else {
            throw EngineError(.invalidManifest, "node has no `kind` (known kinds: \(registry.names.joined(separator: ", ")))", at: loc, node: template)
        }
        let kindName = try scalar(kindValue, "kind")
        guard let kind = registry.kind(named: kindName) else {
            throw EngineError(.unknownKind, "unknown kind '\(kindName)' (known kinds: \(registry.names.joined(separator: ", ")))", at: kindValue.location, node: template)
        }
        // Matrix.
        var matrix: [(name: String, values: [String])] = []
        if let over = d["over"] {
            switch over {
            case .mapping(let axisPairs, _):
                for p in axisPairs { matrix.append((p.key, try axisValues(p.value, name: p.key, node: template))) }
            case .sequence(let names, _):
                for n in names {
                    let axis = try scalar(n, "over")
                    guard let values = axes[axis]?.values else {
                        throw EngineError(.invalidManifest, "`over` names axis '\(axis)', which `axes:` does not define (defined: \(axes.keys.sorted().joined(separator: ", ")))", at: n.location, node: template)
                    }
                    matrix.append((axis, values))
                }
            case .scalar(let axis, _, _):
                guard let values = axes[axis]?.values else {
                    throw EngineError(.invalidManifest, "`over` names axis '\(axis)', which `axes:` does not define (defined: \(axes.keys.sorted().joined(separator: ", ")))", at: over.location, node: template)
                }
                matrix.append((axis, values))
            }
        }
        // Params and inputs, declared.
        let specs = kind.params
        let specByName = Dictionary(specs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var paramPairs: [(key: String, keyLocation: SourceLocation, value: YAMLValue)] = []
        if let pv = d["params"] {
            guard case .mapping(let ps, _) = pv else {
                throw EngineError(.invalidManifest, "`params` must be a mapping, got \(pv.shapeName)", at: pv.location, node: template)
            }
            for p in ps where specByName[p.key] == nil {
                guard let spec = specs.first(where: { $0.deprecatedName == p.key }) else {
                    throw EngineError(.unknownParam, "unknown param '\(p.key)' for kind \(kindName) (declared: \(Self.describe(specs)))", at: p.keyLocation, node: template)
                }
                if let both = ps.first(where: { $0.key == spec.name }) {
                    throw EngineError(.unknownParam, "param '\(p.key)' is the deprecated name of '\(spec.name)', which is also given (at \(both.keyLocation)): keep '\(spec.name)' only", at: p.keyLocation, node: template)
                }
                warnings.append(Self.deprecationWarning(p.key, spec: spec, kind: kindName, at: p.keyLocation))
            }
            paramPairs = ps.map { p in
                guard specByName[p.key] == nil, let spec = specs.first(where: { $0.deprecatedName == p.key }) else { return p }
                return (spec.name, p.keyLocation, p.value)
            }
        }
        let inputSpecs = Dictionary(kind.inputs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var inputPairs: [(key: String, keyLocation: SourceLocation, value: YAMLValue)] = []
        if let iv = d["inputs"] {
            guard case .mapping(let ps, _) = iv else {
                throw EngineError(.invalidManifest, "`inputs` must be a mapping of input name to node reference(s), got \(iv.shapeName)", at: iv.location, node: template)
            }
            for p in ps where inputSpecs[p.key] == nil {
                let declared = kind.inputs.map(\.name).joined(separator: ", ")
                throw EngineError(.badInput, "unknown input '\(p.key)' for kind \(kindName) (declared: \(declared.isEmpty ? "none" : declared))", at: p.keyLocation, node: template)
            }
            inputPairs = ps
        }
        // Cartesian product, first axis outermost.
        var combos: [[String: String]] = [[:]]
        for axis in matrix {
            var next: [[String: String]] = []
            next.reserveCapacity(combos.count * axis.values.count)
            for c in combos {
                for v in axis.values {
                    var b = c
                    b[axis.name] = v
                    next.append(b)
                }
            }
            combos = next
        }
        var result: [PendingNode] = []
        result.reserveCapacity(combos.count)
        for bindings in combos {
            let sub = Substitution(bindings: bindings, vars: vars, environment: environment)
            let idResult = sub.apply(template)
            let id = idResult.text
            if let missing = idResult.unresolved.first {
                throw EngineError(.invalidManifest, "id: \(Substitution.unresolvedMessage(missing)) (matrix: \(matrix.map(\.name).joined(separator: ", ")))", at: idValue.location, node: template)
            }
            if id.isEmpty || !id.unicodeScalars.allSatisfy({ Self.idCharacters.contains($0) }) {
                throw EngineError(.invalidManifest, "node id '\(id)' may contain only letters, digits, '_', '-', '.' and '+'", at: idValue.location, node: id)
            }
            var params: [String: ParamValue] = [:]
            var paramLocations: [String: SourceLocation] = [:]
            func substitute(_ s: String, _ at: SourceLocation) throws -> String {
                let r = sub.apply(s)
                if let missing = r.unresolved.first {
                    throw EngineError(.invalidManifest, Substitution.unresolvedMessage(missing), at: at, node: id)
                }
                return r.text
            }
            func convertParam(_ spec: ParamSpec, _ value: YAMLValue, _ at: SourceLocation) throws -> ParamValue {
                var subError: EngineError?
                let converted: ParamValue
                do {
                    converted = try ParamConversion.convert(value, to: spec.type) { s in
                        do { return try substitute(s, at) } catch let e as EngineError { subError = e; return s } catch { return s }
                    }
                } catch let m as ParamConversion.Mismatch {
                    throw EngineError(.paramType, "param '\(spec.name)' of kind \(kindName): \(m.message)", at: value.location, node: id)
                }
                if let subError { throw subError }
                if let problem = spec.problem(with: converted) {
                    throw EngineError(.paramValue, "param '\(spec.name)' of kind \(kindName): \(problem)", at: value.location, node: id)
                }
                if spec.type == .path, case .string(let p) = converted {
                    let abs = p.hasPrefix("/") ? URL(fileURLWithPath: p) : directory.appendingPathComponent(p)
                    return .string(abs.standardizedFileURL.path)
                }
                return converted
            }
            for p in paramPairs {
                guard let spec = specByName[p.key] else { continue }
                params[p.key] = try convertParam(spec, p.value, p.value.location)
                paramLocations[p.key] = p.value.location
            }
            for spec in specs where params[spec.name] == nil {
                if let dp = defaults.params.first(where: { $0.key == spec.name || ($0.key == spec.deprecatedName && spec.deprecatedName != nil) }) {
                    if dp.key != spec.name {
                        let w = Self.deprecationWarning(dp.key, spec: spec, kind: kindName, at: dp.keyLocation)
                        if !warnings.contains(w) { warnings.append(w) }
                    }
                    params[spec.name] = try convertParam(spec, dp.value, dp.value.location)
                    paramLocations[spec.name] = dp.value.location
                } else if let dv = spec.defaultValue {
                    params[spec.name] = dv
                } else {
                    throw EngineError(.missingParam, "missing required param '\(spec.name)' (\(spec.type)) for kind \(kindName)\(spec.doc.isEmpty ? "" : ": \(spec.doc)")", at: d["params"]?.location ?? loc, node: id)
                }
            }
            if let problem = kind.paramProblem(NodeParams(params)) {
                throw EngineError(.paramValue, "param '\(problem.param)' of kind \(kindName): \(problem.message)",
                                  at: paramLocations[problem.param] ?? d["params"]?.location ?? loc, node: id)
            }
            var seed = defaults.seed ?? 0
            if let sv = d["seed"] { seed = try parseSeed(sv, sub: sub, node: id) }
            var threads = kind.threads
            if let tv = d["threads"] {
                let t = sub.apply(try scalar(tv, "threads")).text
                guard let n = Int(t), n >= 1 else {
                    throw EngineError(.paramType, "`threads` must be a positive integer, got '\(t)'", at: tv.location, node: id)
                }
                threads = n
            }
            var resources = NodeResources()
            for rv in [defaults.resources, d["resources"]].compactMap({ $0 }) {
                resources = try NodeResources.parse(rv, base: resources, node: id, substitute: substitute)
            }
            var rawInputs: [(name: String, refs: [(text: String, location: SourceLocation)], location: SourceLocation)] = []
            for p in inputPairs {
                var refs: [(text: String, location: SourceLocation)] = []
                switch p.value {
                case .scalar(let s, _, let l): refs.append((sub.apply(s).text, l))
                case .sequence(let items, _):
                    for item in items {
                        guard case .scalar(let s, _, let l) = item else {
                            throw EngineError(.badInput, "input '\(p.key)' must list node references (strings), got \(item.shapeName)", at: item.location, node: id)
                        }
                        refs.append((sub.apply(s).text, l))
                    }
                case .mapping:
                    throw EngineError(.badInput, "input '\(p.key)' must be a node reference or a list of them, got a mapping", at: p.value.location, node: id)
                }
                rawInputs.append((p.key, refs, p.value.location))
            }
            result.append(PendingNode(id: id, kind: kind, params: params, paramLocations: paramLocations, seed: seed, threads: threads, resources: resources,
                                      rawInputs: rawInputs, location: loc, template: template, bindings: bindings))
        }
        return result
    }

    private static let idCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_-.+"))

    static func deprecationWarning(_ old: String, spec: ParamSpec, kind: String, at location: SourceLocation) -> String {
        "\(location): warning: param '\(old)' of kind \(kind) is deprecated: rename it '\(spec.name)' (the old name is accepted until the next release)"
    }

    static func describe(_ specs: [ParamSpec]) -> String {
        specs.isEmpty ? "none" : specs.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
    }

    // MARK: - References

    private func resolveInputs(_ pending: [PendingNode], byID: [String: PendingNode]) throws -> [ManifestNode] {
        // Pattern references (with unbound `${var}`) are matched against expansions of each template.
        var byTemplate: [String: [PendingNode]] = [:]
        var templateOrder: [String] = []
        for n in pending {
            if byTemplate[n.template] == nil { templateOrder.append(n.template) }
            byTemplate[n.template, default: []].append(n)
        }
        var out: [ManifestNode] = []
        out.reserveCapacity(pending.count)
        for n in pending {
            var inputs: [String: [OutputRef]] = [:]
            for raw in n.rawInputs {
                var refs: [OutputRef] = []
                for r in raw.refs {
                    refs += try resolve(r.text, at: r.location, from: n, byID: byID, byTemplate: byTemplate, templateOrder: templateOrder)
                }
                inputs[raw.name] = refs
            }
            for spec in n.kind.inputs {
                let bound = inputs[spec.name]
                if bound == nil || bound?.isEmpty == true {
                    if spec.optional { inputs[spec.name] = nil; continue }
                    let at = n.rawInputs.first { $0.name == spec.name }?.location ?? n.location
                    if bound == nil {
                        throw EngineError(.badInput, "missing required input '\(spec.name)'\(spec.list ? " (a list)" : "") for kind \(n.kind.name)", at: at, node: n.id)
                    }
                    if !spec.list {
                        throw EngineError(.badInput, "input '\(spec.name)' matches no node", at: at, node: n.id)
                    }
                }
                if !spec.list, let b = bound, b.count > 1 {
                    let at = n.rawInputs.first { $0.name == spec.name }?.location ?? n.location
                    throw EngineError(.badInput, "input '\(spec.name)' takes one node output but the reference gives \(b.count) (\(b.prefix(4).map(\.description).joined(separator: ", "))\(b.count > 4 ? ", ..." : "")); declare it as a list or bind all variables", at: at, node: n.id)
                }
                // The wire's schemas: what the upstream output is against what this input takes.
                if !spec.schemas.isEmpty, let b = inputs[spec.name] {
                    for ref in b {
                        guard let producer = byID[ref.node]?.kind, let schema = producer.outputSchemas[ref.output] else { continue }
                        if spec.schemas.contains(schema) { continue }
                        let at = n.rawInputs.first { $0.name == spec.name }?.location ?? n.location
                        let takes = spec.schemas.map(\.description).joined(separator: " or ")
                        throw EngineError(.badInput, "input '\(spec.name)' of kind \(n.kind.name) takes \(takes), but \(ref) is \(schema) (node '\(ref.node)' is a \(producer.name))", at: at, node: n.id)
                    }
                }
            }
            out.append(ManifestNode(id: n.id, kindName: n.kind.name, kind: n.kind, params: NodeParams(n.params), seed: n.seed,
                                    threads: n.threads, inputs: inputs, location: n.location, paramLocations: n.paramLocations,
                                    template: n.template, bindings: n.bindings, resources: n.resources))
        }
        return out
    }

    private func resolve(_ text: String, at: SourceLocation, from node: PendingNode, byID: [String: PendingNode],
                         byTemplate: [String: [PendingNode]], templateOrder: [String]) throws -> [OutputRef] {
        if !text.contains("${") {
            return [try exact(text, at: at, from: node, byID: byID)]
        }
        // Pattern: every expansion e for which substituting e's bindings gives e's id (output suffix allowed).
        var matches: [OutputRef] = []
        for t in templateOrder {
            guard let group = byTemplate[t] else { continue }
            for e in group {
                let sub = Substitution(bindings: e.bindings, vars: [:], environment: [:]).apply(text)
                guard sub.unresolved.isEmpty else { break }
                if sub.text == e.id {
                    matches.append(OutputRef(node: e.id, output: try defaultOutput(of: e, at: at, from: node)))
                } else if sub.text.hasPrefix(e.id + ".") {
                    let output = String(sub.text.dropFirst(e.id.count + 1))
                    guard e.kind.outputs.contains(output) else { continue }
                    matches.append(OutputRef(node: e.id, output: output))
                }
            }
        }
        guard !matches.isEmpty else {
            let vars = Substitution.names(in: text).map { "${\($0)}" }.joined(separator: ", ")
            throw EngineError(.missingReference, "input reference '\(text)' matches no node (its variables \(vars) are not bound here, so it must match expansions of a matrix node)", at: at, node: node.id)
        }
        return matches
    }

    private func exact(_ text: String, at: SourceLocation, from node: PendingNode, byID: [String: PendingNode]) throws -> OutputRef {
        if let target = byID[text] {
            return OutputRef(node: text, output: try defaultOutput(of: target, at: at, from: node))
        }
        if let dot = text.lastIndex(of: ".") {
            let id = String(text[..<dot])
            let output = String(text[text.index(after: dot)...])
            if let target = byID[id] {
                guard target.kind.outputs.contains(output) else {
                    throw EngineError(.missingReference, "node '\(id)' (kind \(target.kind.name)) has no output '\(output)' (outputs: \(target.kind.outputs.joined(separator: ", ")))", at: at, node: node.id)
                }
                return OutputRef(node: id, output: output)
            }
        }
        let near = byID.keys.filter { $0.hasPrefix(String(text.prefix(3))) }.sorted().prefix(5)
        throw EngineError(.missingReference, "input refers to node '\(text)', which does not exist\(near.isEmpty ? "" : " (similar: \(near.joined(separator: ", ")))")", at: at, node: node.id)
    }

    private func defaultOutput(of target: PendingNode, at: SourceLocation, from node: PendingNode) throws -> String {
        let outs = target.kind.outputs
        if outs.contains("out") || outs.count == 1, let o = outs.contains("out") ? "out" : outs.first { return o }
        throw EngineError(.missingReference, "node '\(target.id)' has several outputs (\(outs.joined(separator: ", "))); write '\(target.id).<output>'", at: at, node: node.id)
    }
}

import Foundation
import Pipelines
import SPFEngine
import TestKinds
import Testing

/// Every param of every kind, given one bad value generated from its declaration (the wrong type, a
/// misspelt choice, a number out of range), is refused when the manifest loads: `spfflow run` exits 2
/// with the file:line of the value and the param's name, and no node runs (a valid node declared
/// before it would run first if the check came later).
@Suite struct ParamContractTests {
    /// One generated case: a kind, a param and the YAML text of a value it must refuse.
    struct BadValue: CustomStringConvertible, Sendable {
        let kind: String
        let param: String
        let yaml: String
        /// What the message must also say (the allowed choices or the range), beyond the param's name.
        let mentions: String
        var description: String { "\(kind).\(param) = \(yaml)" }
    }

    static func badValue(for spec: ParamSpec, kind: String) -> BadValue {
        for constraint in spec.constraints {
            switch constraint {
            case .oneOf(let choices) where spec.type == .string:
                return BadValue(kind: kind, param: spec.name, yaml: "\(choices[0])-misspelt", mentions: choices.joined(separator: ", "))
            case .oneOf(let choices) where spec.type == .stringList:
                return BadValue(kind: kind, param: spec.name, yaml: "[\(choices[0])-misspelt]", mentions: choices.joined(separator: ", "))
            case .range(let lo, let hi) where spec.type == .int || spec.type == .double:
                let bad = lo.isFinite ? lo - 1 : hi + 1
                return BadValue(kind: kind, param: spec.name, yaml: spec.type == .int ? String(Int(bad)) : String(bad), mentions: "out of range")
            case .range(let lo, let hi) where spec.type == .intList || spec.type == .doubleList:
                let bad = lo.isFinite ? lo - 1 : hi + 1
                return BadValue(kind: kind, param: spec.name, yaml: "[\(spec.type == .intList ? String(Int(bad)) : String(bad))]", mentions: "out of range")
            default:
                continue
            }
        }
        switch spec.type {
        case .int: return BadValue(kind: kind, param: spec.name, yaml: "twelve", mentions: "expected int")
        case .double: return BadValue(kind: kind, param: spec.name, yaml: "fast", mentions: "expected double")
        case .bool: return BadValue(kind: kind, param: spec.name, yaml: "maybe", mentions: "expected bool")
        case .string, .path, .intList, .doubleList, .stringList:
            return BadValue(kind: kind, param: spec.name, yaml: "{oops: 1}", mentions: "expected \(spec.type)")
        case .object: return BadValue(kind: kind, param: spec.name, yaml: "plain", mentions: "expected object")
        }
    }

    static let cases: [BadValue] = {
        var cases: [BadValue] = []
        for kind in TestKindRegistry.kinds {
            let name = kind.name
            for spec in kind.params { cases.append(badValue(for: spec, kind: name)) }
        }
        return cases.sorted { ($0.kind, $0.param) < ($1.kind, $1.param) }
    }()

    /// A manifest whose first node is valid and whose second carries the bad value on line 10.
    static func manifest(_ bad: BadValue) -> String {
        """
        name: contract
        nodes:
          - id: first
            kind: test.generate
            params: {count: 4}
          - id: probe
            kind: \(bad.kind)
            params:
              # the bad value:
              \(bad.param): \(bad.yaml)
        """
    }

    @Test func everyParamHasAGeneratedCase() {
        var specs: [ParamSpec] = []
        for kind in TestKindRegistry.kinds { specs += kind.params }
        #expect(Self.cases.count == specs.count && specs.count > 100, "\(Self.cases.count) cases for \(specs.count) params")
        // The declarations carry the choices that used to be checked only when a node ran.
        let constrained = specs.filter { !$0.constraints.isEmpty }
        #expect(constrained.count >= 25, "\(constrained.count) constrained params")
    }

    @Test func everyBadValueIsRefusedAtLoadNamingTheLineAndTheParam() throws {
        let loader = ManifestLoader(registry: TestKindRegistry.registry)
        let url = URL(fileURLWithPath: "/tmp/contract.yaml")
        for bad in Self.cases {
            do {
                _ = try loader.load(text: Self.manifest(bad), file: "contract.yaml", url: url)
                Issue.record("accepted: \(bad)")
            } catch let e as EngineError {
                #expect(e.isUsageError && e.line == 10 && e.file == "contract.yaml" && e.node == "probe", "\(bad): \(e)")
                #expect(e.message.contains("param '\(bad.param)'") && e.message.contains(bad.mentions), "\(bad): \(e)")
            }
        }
    }

    /// Through the command, for one param of each kind (the loader is the same code): exit 2, the location
    /// first, and an empty cache afterwards.
    @Test func spfflowRunExitsTwoBeforeAnyNodeRuns() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("param-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var firstOfKind: [String: BadValue] = [:]
        for bad in Self.cases where firstOfKind[bad.kind] == nil { firstOfKind[bad.kind] = bad }
        for bad in firstOfKind.values.sorted(by: { $0.kind < $1.kind }) {
            let file = dir.appendingPathComponent("contract.yaml")
            try Self.manifest(bad).write(to: file, atomically: true, encoding: .utf8)
            let cache = dir.appendingPathComponent("cache-\(bad.kind)")
            let result = try SmokeManifestTests.run(SmokeManifestTests.testKindsBinary(), ["run", file.path, "--cache", cache.path, "--progress", "none"])
            #expect(result.status == 2, "\(bad): exit \(result.status)\n\(result.output)")
            #expect(result.output.contains("contract.yaml:10:") && result.output.contains("param '\(bad.param)'"), "\(bad): \(result.output)")
            let objects = (try? FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("objects").path)) ?? []
            #expect(objects.isEmpty && !result.output.contains("ran "), "\(bad): a node ran: \(result.output)")
        }
    }

    @Test func theOldStepsNameStillLoadsWithAWarningNamingTheLine() throws {
        let loader = ManifestLoader(registry: TestKindRegistry.registry)
        let text = """
        nodes:
          - {id: data, kind: test.generate}
          - id: train
            kind: spf.train
            inputs: {shards: [data], norm: data}
            params:
              sources: [CESM2]
              euler_steps: [4, 4, 2]
        """
        let m = try loader.load(text: text, file: "old.yaml", url: URL(fileURLWithPath: "/tmp/old.yaml"))
        #expect(m.nodes[1].params.values["solver_steps"] == .list([.int(4), .int(4), .int(2)]))
        #expect(m.warnings == ["old.yaml:8:7: warning: param 'euler_steps' of kind spf.train is deprecated: rename it 'solver_steps' (the old name is accepted until the next release)"],
                "\(m.warnings)")
        // The rename keeps the cache key: a manifest with the new name keys the node the same.
        let renamed = try loader.load(text: text.replacingOccurrences(of: "euler_steps", with: "solver_steps"), file: "new.yaml",
                                      url: URL(fileURLWithPath: "/tmp/new.yaml"))
        #expect(renamed.warnings.isEmpty)
        #expect(m.nodes[1].params == renamed.nodes[1].params)
        // The key spells the param by its old name while that name is accepted: models cached before the rename stay valid.
        let key = try NodeGraph(renamed).computeKeys(files: FileDigester(stateFile: nil)).components[1]
        #expect(key.params["euler_steps"] == "[4,4,2]" && key.params["solver_steps"] == nil, "\(key.params)")
        // Both names at once is an error.
        let both = text + "\n      solver_steps: [4, 4, 2]"
        #expect(throws: EngineError.self) { try loader.load(text: both, file: "both.yaml", url: URL(fileURLWithPath: "/tmp/both.yaml")) }
    }

    @Test func crossParamChecksRunAtLoad() throws {
        let loader = ManifestLoader(registry: TestKindRegistry.registry)
        let text = """
        nodes:
          - id: train
            kind: spf.train
            params:
              sources: [CESM2]
              solver_steps: [8, 8, 8, 8]
        """
        do {
            _ = try loader.load(text: text, file: "short.yaml", url: URL(fileURLWithPath: "/tmp/short.yaml"))
            Issue.record("four step counts accepted for three stages")
        } catch let e as EngineError {
            #expect(e.code == .paramValue && e.line == 6 && e.message.contains("3 counts"), "\(e)")
        }
    }
}

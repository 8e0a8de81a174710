import Foundation
import Pipelines
import SPFEngine
import TestKinds
import Testing

/// The kinds' reference is generated from their declarations (`spfflow kinds`), the committed page
/// `docs/reference/kinds.md` is that output, and every production kind types its wires.
@Suite struct KindReferenceTests {
    static let page = SmokeManifestTests.repoRoot.appendingPathComponent("docs/reference/kinds.md")

    @Test func committedReferenceIsTheGeneratedOne() throws {
        let generated = try SmokeManifestTests.run(SmokeManifestTests.binary(), ["kinds", "--markdown"])
        #expect(generated.status == 0)
        let committed = try String(contentsOf: Self.page, encoding: .utf8)
        #expect(committed == generated.output,
                "docs/reference/kinds.md is stale: regenerate it with `.build/release/spfflow kinds --markdown > docs/reference/kinds.md`")
    }

    @Test func oneKindPrintsItsParamsInputsAndOutputs() throws {
        let text = try SmokeManifestTests.run(SmokeManifestTests.binary(), ["kinds", "spf.stage"])
        #expect(text.status == 0)
        for needle in ["spf.stage (version", "solver: string = euler; one of euler, midpoint", "solver_steps: list of int = []",
                       "formerly euler_steps", "target: string (required); one of decadal, yearly, monthly",
                       "model: trained-model", "previous (optional): sampler-state", "out: sampler-state"] {
            #expect(text.output.contains(needle), "missing '\(needle)' in:\n\(text.output)")
        }
        let unknown = try SmokeManifestTests.run(SmokeManifestTests.binary(), ["kinds", "spf.stag"])
        #expect(unknown.status != 0 && unknown.output.contains("unknown kind 'spf.stag'") && unknown.output.contains("spf.stage"))
        let list = try SmokeManifestTests.run(SmokeManifestTests.binary(), ["kinds"])
        #expect(list.output.contains("climate.curate") && !list.output.contains("test.generate"), "\(list.output)")
    }

    /// The engine tests' `test.*` kinds are in the test-support target: production neither registers nor links them,
    /// and `spfflow-test-kinds` (the same commands built with them) knows them beside every production kind.
    @Test func testKindsAreOnlyInTheTestSupportBinary() throws {
        for kind in NodeKindRegistry.kinds { #expect(!kind.name.hasPrefix("test."), "\(kind.name) is in the production registry") }
        var testNames: [String] = []
        for kind in TestKindRegistry.testKinds { testNames.append(kind.name) }
        #expect(testNames.count >= 8 && testNames.allSatisfy { $0.hasPrefix("test.") }, "\(testNames)")
        let production = try SmokeManifestTests.run(SmokeManifestTests.binary(), ["kinds", "test.generate"])
        #expect(production.status != 0 && production.output.contains("unknown kind 'test.generate'"), "\(production.output)")
        let test = try SmokeManifestTests.run(SmokeManifestTests.testKindsBinary(), ["kinds"])
        #expect(test.status == 0 && test.output.contains("test.generate") && test.output.contains("spf.stage"), "\(test.output)")
        // The production binary carries none of their code (the kind's type name is in the symbol table when linked).
        let binary = try Data(contentsOf: URL(fileURLWithPath: SmokeManifestTests.binary()))
        #expect(binary.range(of: Data("CheckpointedCount".utf8)) == nil, "spfflow links the test kinds")
        let testBinary = try Data(contentsOf: URL(fileURLWithPath: SmokeManifestTests.testKindsBinary()))
        #expect(testBinary.range(of: Data("CheckpointedCount".utf8)) != nil, "spfflow-test-kinds lacks the test kinds")
    }

    @Test func everyProductionKindTypesItsOutputsAndInputs() {
        for kind in NodeKindRegistry.kinds {
            for output in kind.outputs { #expect(kind.outputSchemas[output] != nil, "\(kind.name) output '\(output)' has no schema") }
            for input in kind.inputs where input.name != "tree" && input.name != "maps" {
                #expect(!input.schemas.isEmpty, "\(kind.name) input '\(input.name)' takes any object")
            }
        }
    }

    /// A merge node wired to a training output is refused when the manifest loads, naming both ends.
    @Test func aWireBetweenSchemasThatDoNotFitIsRefusedAtLoad() throws {
        let text = try String(contentsOfFile: SmokeManifestTests.repoRoot.appendingPathComponent("Manifests/smoke.yaml").path, encoding: .utf8)
        let loader = ManifestLoader(registry: NodeKindRegistry.registry)
        let url = SmokeManifestTests.repoRoot.appendingPathComponent("Manifests/smoke.yaml")
        _ = try loader.load(text: text, file: "smoke.yaml", url: url)
        // The merge nodes' `states` come from the last stage; wire them to the training node instead.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let wire = "states: \"yearly-s2-${esm}\""
        let i = try #require(lines.firstIndex { $0.contains(wire) }, "no '\(wire)' in smoke.yaml")
        var broken = lines
        broken[i] = lines[i].replacingOccurrences(of: wire, with: "states: train-spf")
        do {
            _ = try loader.load(text: broken.joined(separator: "\n"), file: "smoke.yaml", url: url)
            Issue.record("a merge node fed a trained model was accepted")
        } catch let e as EngineError {
            #expect(e.code == .badInput && e.line == i + 1, "\(e)")
            #expect(e.message.contains("input 'states'") && e.message.contains("sampler-state") && e.message.contains("trained-model")
                    && e.message.contains("train-spf"), "\(e)")
        }
    }
}

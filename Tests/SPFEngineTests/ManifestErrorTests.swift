import Foundation
import Testing
import SPFEngine

@Suite struct ManifestErrorTests {
    @Test func invalidYAMLNamesLineAndColumn() throws {
        let e = try #require(manifestError("""
            name: x
            nodes:
              - id: a
                kind: [test.generate
            """))
        #expect(e.code == .invalidYAML)
        #expect(e.file == "test.yaml")
        #expect((e.line ?? 0) >= 4)
        #expect(e.description.hasPrefix("test.yaml:"))
        #expect(e.isUsageError)
    }

    /// Found by `make fuzz`: YAML counts a bare carriage return as a line break and "\n" splitting does
    /// not, so the error hint looked at lines past the end of the text and trapped (a manifest saved
    /// with old Mac line endings crashed `spfflow plan`).
    @Test func invalidYAMLWithCarriageReturnLineBreaksIsAnErrorNotATrap() throws {
        let e = try #require(manifestError("name: x\r\r\r\r\r\r\rnodes: [\r"))
        #expect(e.code == .invalidYAML)
        #expect(e.file == "test.yaml")
        #expect((e.line ?? 0) >= 7, "\(e)")
    }

    @Test func unknownKindListsKnownKinds() throws {
        let e = try #require(manifestError("""
            nodes:
              - id: a
                kind: test.nope
            """))
        #expect(e.code == .unknownKind)
        #expect(e.line == 3)
        #expect(e.column == 11)
        #expect(e.node == "a")
        #expect(e.message.contains("test.generate"))
        #expect(e.message.contains("test.scale"))
        #expect(e.description.contains("test.yaml:3:11"))
        #expect(e.description.contains("node 'a'"))
    }

    /// A manifest with one mistake, and where and how its error must name it.
    struct LocatedCase: CustomTestStringConvertible, Sendable {
        let name: String, manifest: String, code: EngineError.Code, line: Int, node: String, mentions: [String]
        var testDescription: String { name }
    }

    static let locatedCases: [LocatedCase] = [
        LocatedCase(name: "unknown param, named with the declared ones", manifest: """
            nodes:
              - id: a
                kind: test.generate
                params:
                  count: 3
                  cuont: 4
            """, code: .unknownParam, line: 6, node: "a", mentions: ["'cuont'", "count: int"]),
        LocatedCase(name: "missing param, named with its type", manifest: """
            nodes:
              - id: w
                kind: test.checkpointed-count
            """, code: .missingParam, line: 2, node: "w", mentions: ["'steps'", "int"]),
        LocatedCase(name: "ill-typed int param", manifest: """
            nodes:
              - id: a
                kind: test.generate
                params: {count: lots}
            """, code: .paramType, line: 4, node: "a", mentions: ["'count'", "expected int", "lots"]),
        LocatedCase(name: "ill-typed double param", manifest: """
            nodes:
              - id: a
                kind: test.generate
                params:
                  offset: "1.5"
            """, code: .paramType, line: 5, node: "a", mentions: ["'offset'", "expected double"]),
        LocatedCase(name: "missing node reference", manifest: """
            nodes:
              - id: gen
                kind: test.generate
              - id: s
                kind: test.scale
                inputs: {data: gne}
            """, code: .missingReference, line: 6, node: "s", mentions: ["'gne'"]),
        LocatedCase(name: "missing output reference", manifest: """
            nodes:
              - id: gen
                kind: test.generate
              - id: s
                kind: test.scale
                inputs:
                  data: gen.stats
            """, code: .missingReference, line: 7, node: "s", mentions: ["no output 'stats'", "outputs: out"]),
        LocatedCase(name: "missing required input", manifest: """
            nodes:
              - id: s
                kind: test.scale
            """, code: .badInput, line: 2, node: "s", mentions: ["'data'"]),
        LocatedCase(name: "a node that reads itself", manifest: """
            nodes:
              - id: a
                kind: test.scale
                inputs: {data: a}
            """, code: .cycle, line: 2, node: "a", mentions: ["a -> a"]),
        LocatedCase(name: "an id given twice after expansion", manifest: """
            nodes:
              - id: gen-${m}
                kind: test.generate
                over: {m: [x, y]}
              - id: gen-y
                kind: test.generate
            """, code: .duplicateID, line: 5, node: "gen-y", mentions: ["test.yaml:2"]),
    ]

    @Test(arguments: locatedCases)
    func errorNamesLineNodeAndWhatIsWrong(_ c: LocatedCase) throws {
        let e = try #require(manifestError(c.manifest))
        #expect(e.code == c.code)
        #expect(e.line == c.line)
        #expect(e.node == c.node)
        #expect(e.file == "test.yaml")
        for fragment in c.mentions { #expect(e.message.contains(fragment), "\(e)") }
    }

    @Test func cycleIsPrinted() throws {
        let e = try #require(manifestError("""
            nodes:
              - id: a
                kind: test.scale
                inputs: {data: c}
              - id: b
                kind: test.scale
                inputs: {data: a}
              - id: c
                kind: test.scale
                inputs: {data: b}
            """))
        #expect(e.code == .cycle)
        let node = try #require(e.node)
        #expect(["a", "b", "c"].contains(node))
        #expect(e.line != nil)
        // The printed cycle starts and ends at the same node and names all three.
        for id in ["a", "b", "c"] { #expect(e.message.contains(id)) }
        #expect(e.message.contains("->"))
    }

    @Test func structuralErrorsAreLocatedNotCrashes() throws {
        let cases: [(String, EngineError.Code)] = [
            ("", .invalidManifest),
            ("- just\n- a list\n", .invalidManifest),
            ("nodes: 3\n", .invalidManifest),
            ("nodes:\n  - 3\n", .invalidManifest),
            ("nodes:\n  - kind: test.generate\n", .invalidManifest),
            ("nodes:\n  - id: a\n", .invalidManifest),
            ("nodes:\n  - id: a\n    kind: test.generate\n    colour: red\n", .invalidManifest),
            ("nodes:\n  - id: a\n    kind: test.generate\n    over: {m: []}\n", .invalidManifest),
            ("nodes:\n  - id: a-${q}\n    kind: test.generate\n", .invalidManifest),
            ("nodes:\n  - id: a b\n    kind: test.generate\n", .invalidManifest),
            ("nodes:\n  - id: a\n    kind: test.generate\n    seed: -1\n", .paramType),
            ("nodes:\n  - id: a\n    kind: test.generate\n    params: [1]\n", .invalidManifest),
            ("nodes:\n  - id: a\n    kind: test.generate\n    inputs: {data: x}\n", .badInput),
            ("nodes:\n  - id: a\n    kind: test.generate\n    over: [esm]\n", .invalidManifest),
            ("nosuch: 1\nnodes: []\n", .invalidManifest),
            ("nodes:\n  - &x {id: a, kind: test.generate}\n  - *x\n", .duplicateID),
            ("nodes:\n  - id: a\n    id: b\n    kind: test.generate\n", .invalidYAML),
            ("\t- bad", .invalidYAML),
        ]
        for (text, code) in cases {
            let e = manifestError(text)
            #expect(e?.code == code || (code == .invalidYAML && e?.code == .invalidManifest), "manifest \(text.debugDescription) gave \(String(describing: e))")
            #expect(e?.file == "test.yaml")
            #expect(e?.line != nil, "no line for \(text.debugDescription): \(String(describing: e))")
        }
    }
}

@Suite struct ManifestRobustnessTests {
    /// Every truncation and every single-character deletion of a valid manifest loads or fails with a
    /// located EngineError, never a crash.
    @Test func mangledManifestsNeverCrash() throws {
        let valid = """
            name: robust
            vars: {n: "3"}
            axes: {m: [1, 2]}
            defaults: {seed: 4, params: {count: 8}}
            nodes:
              - id: gen-${m}
                kind: test.generate
                over: [m]
                seed: ${m}
                params: {offset: "${n}", label: x}
              - id: s-${m}
                kind: test.scale
                over: {m: [1, 2]}
                inputs: {data: "gen-${m}"}
              - id: total
                kind: test.sum
                inputs:
                  parts: ["s-${m}", gen-1.out]
            """
        #expect(manifestError(valid) == nil)
        let chars = Array(valid)
        var failures = 0
        for i in stride(from: 0, to: chars.count, by: 1) {
            for variant in [String(chars[..<i]), String(chars[..<i] + chars[(i + 1)...])] {
                if let e = manifestError(variant) {
                    failures += 1
                    #expect(e.file == "test.yaml")
                    #expect(e.code != .kindContract)
                }
            }
        }
        #expect(failures > 100)
    }
}

@Suite struct ManifestHintTests {
    @Test func unquotedSubstitutionInFlowMappingGetsAHint() throws {
        let e = try #require(manifestError("""
            nodes:
              - id: g-${m}
                kind: test.generate
                over: {m: [1]}
              - id: s-${m}
                kind: test.scale
                over: {m: [1]}
                inputs: {data: g-${m}}
            """))
        #expect(e.code == .invalidYAML)
        #expect(e.line == 8)
        #expect(e.message.contains("quote values that use ${...}"))
    }
}

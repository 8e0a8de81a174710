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

    @Test func unknownParamNamesItAndDeclaredOnes() throws {
        let e = try #require(manifestError("""
            nodes:
              - id: a
                kind: test.generate
                params:
                  count: 3
                  cuont: 4
            """))
        #expect(e.code == .unknownParam)
        #expect(e.line == 6)
        #expect(e.node == "a")
        #expect(e.message.contains("'cuont'"))
        #expect(e.message.contains("count: int"))
    }

    @Test func missingParamNamesItAndType() throws {
        let e = try #require(manifestError("""
            nodes:
              - id: w
                kind: test.checkpointed-count
            """))
        #expect(e.code == .missingParam)
        #expect(e.line == 2)
        #expect(e.node == "w")
        #expect(e.message.contains("'steps'"))
        #expect(e.message.contains("int"))
    }

    @Test func illTypedParamNamesExpectedType() throws {
        let e = try #require(manifestError("""
            nodes:
              - id: a
                kind: test.generate
                params: {count: lots}
            """))
        #expect(e.code == .paramType)
        #expect(e.line == 4)
        #expect(e.node == "a")
        #expect(e.message.contains("'count'"))
        #expect(e.message.contains("expected int"))
        #expect(e.message.contains("lots"))

        let e2 = try #require(manifestError("""
            nodes:
              - id: a
                kind: test.generate
                params:
                  offset: "1.5"
            """))
        #expect(e2.code == .paramType)
        #expect(e2.message.contains("expected double"))
        #expect(e2.line == 5)
    }

    @Test func missingNodeReference() throws {
        let e = try #require(manifestError("""
            nodes:
              - id: gen
                kind: test.generate
              - id: s
                kind: test.scale
                inputs: {data: gne}
            """))
        #expect(e.code == .missingReference)
        #expect(e.line == 6)
        #expect(e.node == "s")
        #expect(e.message.contains("'gne'"))
    }

    @Test func missingOutputReference() throws {
        let e = try #require(manifestError("""
            nodes:
              - id: gen
                kind: test.generate
              - id: s
                kind: test.scale
                inputs:
                  data: gen.stats
            """))
        #expect(e.code == .missingReference)
        #expect(e.line == 7)
        #expect(e.node == "s")
        #expect(e.message.contains("no output 'stats'"))
        #expect(e.message.contains("outputs: out"))
    }

    @Test func missingRequiredInput() throws {
        let e = try #require(manifestError("""
            nodes:
              - id: s
                kind: test.scale
            """))
        #expect(e.code == .badInput)
        #expect(e.line == 2)
        #expect(e.node == "s")
        #expect(e.message.contains("'data'"))
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

    @Test func selfCycle() throws {
        let e = try #require(manifestError("""
            nodes:
              - id: a
                kind: test.scale
                inputs: {data: a}
            """))
        #expect(e.code == .cycle)
        #expect(e.message.contains("a -> a"))
        #expect(e.line == 2)
    }

    @Test func duplicateIDsAfterExpansion() throws {
        let e = try #require(manifestError("""
            nodes:
              - id: gen-${m}
                kind: test.generate
                over: {m: [x, y]}
              - id: gen-y
                kind: test.generate
            """))
        #expect(e.code == .duplicateID)
        #expect(e.node == "gen-y")
        #expect(e.line == 5)
        #expect(e.message.contains("test.yaml:2"))
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

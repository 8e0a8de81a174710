import Foundation
import Testing
import SPFEngine

@Suite struct ExpansionTests {
    @Test func matrixExpandsInOrderWithSubstitution() throws {
        let m = try loadManifest("""
            name: demo
            nodes:
              - id: gen-${esm}-${scenario}
                kind: test.generate
                over: {esm: [A, B], scenario: [x, y, z]}
                params: {label: "${esm}/${scenario}", count: 4}
              - id: scaled-${esm}
                kind: test.scale
                over: {esm: [A, B]}
                inputs: {data: "gen-${esm}-x"}
              - id: total-${esm}
                kind: test.sum
                over: {esm: [A, B]}
                inputs:
                  parts: gen-${esm}-${scenario}
              - id: all
                kind: test.sum
                inputs: {parts: ["gen-${esm}-${scenario}", scaled-A]}
            """)
        #expect(m.name == "demo")
        let ids = m.nodes.map(\.id)
        #expect(Array(ids.prefix(6)) == ["gen-A-x", "gen-A-y", "gen-A-z", "gen-B-x", "gen-B-y", "gen-B-z"])
        #expect(ids.count == 6 + 2 + 2 + 1)
        #expect(try m.node("gen-B-y")?.params.string("label") == "B/y")
        #expect(m.node("gen-B-y")?.bindings == ["esm": "B", "scenario": "y"])
        #expect(m.node("scaled-B")?.inputs["data"] == [OutputRef(node: "gen-B-x", output: "out")])
        #expect(m.node("total-A")?.inputs["parts"]?.map(\.node) == ["gen-A-x", "gen-A-y", "gen-A-z"])
        #expect(m.node("all")?.inputs["parts"]?.map(\.node) == ["gen-A-x", "gen-A-y", "gen-A-z", "gen-B-x", "gen-B-y", "gen-B-z", "scaled-A"])
    }

    @Test func axesVarsDefaultsAndSeeds() throws {
        let m = try loadManifest("""
            vars: {base: "7"}
            axes: {member: [0, 1, 2]}
            defaults: {seed: 11, params: {count: 5}}
            nodes:
              - id: g${member}
                kind: test.generate
                over: [member]
                seed: ${member}
                params: {offset: "${base}"}
              - id: plain
                kind: test.generate
                params: {label: "${env:SPF_TEST_LABEL}"}
            """, environment: ["SPF_TEST_LABEL": "from-env"])
        #expect(m.nodes.map(\.id) == ["g0", "g1", "g2", "plain"])
        #expect(m.node("g2")?.seed == 2)
        #expect(m.node("plain")?.seed == 11)
        #expect(try m.node("g1")?.params.int("count") == 5)
        #expect(try m.node("g1")?.params.double("offset") == 7)
        #expect(try m.node("plain")?.params.string("label") == "from-env")
        #expect(try m.node("plain")?.params.double("offset") == 0)
    }

    /// An empty environment variable is unset: the error names the variable to set instead of passing on "".
    @Test func anEmptyEnvironmentVariableIsUnset() throws {
        let text = """
            nodes:
              - id: plain
                kind: test.generate
                params: {label: "${env:SPF_TEST_LABEL}"}
            """
        do {
            _ = try loadManifest(text, environment: ["SPF_TEST_LABEL": ""])
            Issue.record("an empty SPF_TEST_LABEL was substituted")
        } catch let e as EngineError {
            #expect(e.code == .invalidManifest && e.message.contains("${env:SPF_TEST_LABEL}"), "\(e)")
            #expect(e.message.contains("environment variable SPF_TEST_LABEL is not set"), "\(e)")
        }
    }

    @Test func defaultCacheIsBesideTheManifestAndOverridable() throws {
        let m = try loadManifest("nodes: []\n")
        #expect(m.declaredCacheDirectory.path.hasSuffix("spfflow-manifest-tests/.spfflow/cache"))
        #expect(m.cacheDirectory(override: nil, environment: [:]) == m.declaredCacheDirectory)
        #expect(m.cacheDirectory(override: nil, environment: ["SPFFLOW_CACHE": "/tmp/c1"]).path == "/tmp/c1")
        #expect(m.cacheDirectory(override: "/tmp/c2", environment: ["SPFFLOW_CACHE": "/tmp/c1"]).path == "/tmp/c2")
    }

    @Test func singleInputMatchingManyIsAnError() throws {
        let e = try #require(manifestError("""
            nodes:
              - id: g-${i}
                kind: test.generate
                over: {i: [1, 2]}
              - id: s
                kind: test.scale
                inputs: {data: "g-${i}"}
            """))
        #expect(e.code == .badInput)
        #expect(e.line == 7)
        #expect(e.node == "s")
    }

    @Test func graphTopologyAndRendering() throws {
        let m = try loadManifest("""
            nodes:
              - id: total
                kind: test.sum
                inputs: {parts: [s, g]}
              - id: s
                kind: test.scale
                inputs: {data: g}
              - id: g
                kind: test.generate
            """)
        let g = NodeGraph(m)
        let order = g.topologicalOrder().map { m.nodes[$0].id }
        #expect(order == ["g", "s", "total"])
        #expect(g.findCycle() == nil)
        let dot = GraphRenderer(g).dot()
        #expect(dot.contains("\"g\" -> \"s\""))
        #expect(dot.contains("\"s\" -> \"total\""))
        let mermaid = GraphRenderer(g).mermaid()
        #expect(mermaid.hasPrefix("flowchart LR"))
        #expect(mermaid.contains("-->"))
    }
}

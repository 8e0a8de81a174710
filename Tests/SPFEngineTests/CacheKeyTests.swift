import Foundation
import Testing
import SPFEngine

@Suite struct CacheKeyTests {
    private func keys(_ text: String) throws -> [String: String] {
        let m = try loadManifest(text)
        let k = try NodeGraph(m).computeKeys(files: FileDigester(stateFile: nil))
        var out: [String: String] = [:]
        for (i, n) in m.nodes.enumerated() { out[n.id] = k.keys[i] }
        return out
    }

    @Test func canonicalJSONIgnoresKeyOrderAndDistinguishesTypes() {
        let a: ParamValue = ["b": 1, "a": [1.5, "x", true], "c": .null]
        let b: ParamValue = ["c": .null, "a": [1.5, "x", true], "b": 1]
        #expect(a.canonicalJSON == b.canonicalJSON)
        #expect(a.canonicalJSON == #"{"a":[1.5,"x",true],"b":1,"c":null}"#)
        #expect(ParamValue.int(1).canonicalJSON != ParamValue.double(1).canonicalJSON)
        #expect(ParamValue.string("a\"b\n").canonicalJSON == #""a\"b\n""#)
    }

    @Test func cosmeticEditsDoNotChangeKeys() throws {
        let k1 = try keys("""
            nodes:
              - id: g
                kind: test.generate
                params: {count: 8, offset: 1}
              - id: s
                kind: test.scale
                inputs: {data: g}
                params: {factor: 3}
            """)
        let k2 = try keys("""
            # a comment
            nodes:
              - kind: test.generate   # kind first
                id: g
                params:
                  offset: 1.0
                  count:   8
                  label: "not part of the key"
              - id: s
                inputs:
                  data: g.out
                kind: test.scale
                params: {factor: 3.0}
            """)
        #expect(k1 == k2)
        #expect(k1["g"]?.count == 64)
    }

    @Test func defaultsAreAppliedBeforeHashing() throws {
        let explicit = try keys("nodes:\n  - {id: g, kind: test.generate, params: {count: 16, offset: 0.0}}\n")
        let implicit = try keys("nodes:\n  - {id: g, kind: test.generate}\n")
        #expect(explicit == implicit)
    }

    @Test func keyChangesPropagateDownstreamOnly() throws {
        let base = """
            nodes:
              - {id: g1, kind: test.generate, params: {count: 8}}
              - {id: g2, kind: test.generate, params: {count: 8}, seed: 2}
              - {id: s1, kind: test.scale, inputs: {data: g1}}
              - {id: s2, kind: test.scale, inputs: {data: g2}}
              - {id: t, kind: test.sum, inputs: {parts: [s1, s2]}}
            """
        let k1 = try keys(base)
        let k2 = try keys(base.replacingOccurrences(of: "seed: 2", with: "seed: 3"))
        #expect(k1["g1"] == k2["g1"])
        #expect(k1["s1"] == k2["s1"])
        #expect(k1["g2"] != k2["g2"])
        #expect(k1["s2"] != k2["s2"])
        #expect(k1["t"] != k2["t"])
        // Input order is part of the key for list inputs.
        let k3 = try keys(base.replacingOccurrences(of: "[s1, s2]", with: "[s2, s1]"))
        #expect(k3["t"] != k1["t"])
        #expect(k3["s1"] == k1["s1"])
    }

    @Test func componentsAreRecorded() throws {
        let m = try loadManifest("nodes:\n  - {id: g, kind: test.generate, params: {count: 3}, seed: 9}\n")
        let k = try NodeGraph(m).computeKeys(files: FileDigester(stateFile: nil))
        let c = k.components[0]
        #expect(c.kind == "test.generate")
        #expect(c.version == 1)
        #expect(c.seed == 9)
        #expect(c.params == ["count": "3", "offset": "0.0"])
        #expect(c.params["label"] == nil)
        #expect(c.key == k.keys[0])
        #expect(c.canonicalText == #"{"files":{},"inputs":{},"kind":"test.generate","params":{"count":3,"offset":0.0},"seed":9,"version":1}"#)
    }
}

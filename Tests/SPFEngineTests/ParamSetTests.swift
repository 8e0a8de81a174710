import SPFEngine
import Testing

/// The typed params machinery on its own: the `[ParamSpec]` list derived from `@Param` declarations (in
/// order, with types, defaults, choices, key flags and old names), values decoded typed, groups included
/// whole, and cross-param checks pointing at a param.
@Suite struct ParamSetTests {
    enum Shape: String, CaseIterable, ParamChoice { case round, square = "square-ish" }

    struct Extra: ParamSet {
        @Param("note", key: false, doc: "free text") var note = ""
    }

    struct Declared: ParamSet {
        @Param("count", .atLeast(1), doc: "how many") var count: Int
        @Param("scale", .range(min: 0, max: 1), doc: "a fraction") var scale = 0.5
        @Param("shape", doc: "which shape") var shape: Shape = .round
        @Param("shapes", doc: "several shapes") var shapes: [Shape] = []
        @Param("steps", .count(1...3), deprecatedName: "old_steps", doc: "step counts") var steps = [4, 2]
        @Param("file", doc: "a file") var file: ParamPath? = nil
        @Param("map", doc: "a map") var map: [String: ParamValue] = [:]
        @ParamGroup var extra: Extra

        func validate() throws(ParamProblem) {
            if steps.count > count { throw $steps.problem("more steps (\(steps.count)) than count (\(count))") }
        }
    }

    @Test func specsAreDerivedFromTheDeclarationsInOrder() throws {
        let specs = Declared.paramSpecs
        #expect(specs.map(\.name) == ["count", "scale", "shape", "shapes", "steps", "file", "map", "note"])
        #expect(specs.map(\.type) == [.int, .double, .string, .stringList, .intList, .path, .object, .string])
        #expect(specs[0].defaultValue == nil && specs[0].constraints == [.range(min: 1, max: .infinity)] && specs[0].doc == "how many")
        #expect(specs[1].defaultValue == .double(0.5))
        #expect(specs[2].defaultValue == .string("round") && specs[2].constraints == [.oneOf(["round", "square-ish"])])
        #expect(specs[3].defaultValue == .list([]) && specs[3].constraints == [.oneOf(["round", "square-ish"])])
        #expect(specs[4].defaultValue == .list([.int(4), .int(2)]) && specs[4].deprecatedName == "old_steps")
        #expect(specs[5].defaultValue == .null && specs[6].defaultValue == .object([:]))
        #expect(specs[7].key == false && specs[7].defaultValue == .string(""))
    }

    @Test func valuesDecodeTyped() throws {
        let p = try Declared.decode(NodeParams(["count": 3, "scale": 0.25, "shape": "square-ish", "shapes": ["round", "square-ish"],
                                                "steps": [1], "file": "/data/x.nc", "map": ["a": 1], "note": "hi"]))
        #expect(p.count == 3 && p.scale == 0.25 && p.shape == .square && p.shapes == [.round, .square] && p.steps == [1])
        #expect(p.file == ParamPath("/data/x.nc") && p.map == ["a": .int(1)] && p.extra.note == "hi")
        // Defaults fill what the values lack (the loader always gives every param; this is the same rule).
        let d = try Declared.decode(NodeParams(["count": 2]))
        #expect(d.scale == 0.5 && d.shape == .round && d.file == nil && d.steps == [4, 2])
    }

    @Test func badValuesAndMissingOnesNameTheParam() {
        #expect(throws: ParamProblem(param: "shape", "value \"oval\" is not a Shape (string)")) {
            try Declared.decode(NodeParams(["count": 1, "shape": "oval"]))
        }
        #expect(throws: ParamProblem(param: "count", "missing required param 'count' (int)")) {
            try Declared.decode(NodeParams([:]))
        }
    }

    @Test func crossParamChecksPointAtTheirParam() throws {
        let p = try Declared.decode(NodeParams(["count": 1, "steps": [1, 1]]))
        #expect(throws: ParamProblem(param: "steps", "more steps (2) than count (1)")) { try p.validate() }
        try Declared.decode(NodeParams(["count": 2, "steps": [1, 1]])).validate()
    }

    /// A stored property that is not a `@Param` is a contract error of the kind, named, never a crash.
    @Test func aPlainPropertyIsRefused() {
        struct Plain: ParamSet {
            @Param("a", doc: "") var a = 1
            var b = 2
        }
        #expect(throws: ParamProblem.self) { try Plain.decode(NodeParams(["a": 1])) }
        #expect(Plain.paramSpecs.map(\.name) == ["a"])
    }
}

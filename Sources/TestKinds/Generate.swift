import SPFEngine

/// `test.generate`: a float32 array of `count` values drawn deterministically from the node's seed.
public struct GenerateArray: NodeKind {
    /// Kind name.
    public static let name = "test.generate"
    /// Implementation version.
    public static let version = 1
    /// Summary.
    public static let summary = "A deterministic pseudo-random float32 array [count] from the seed."
    /// Params.
    public struct Params: ParamSet {
        @Param("count", doc: "number of values")
        public var count = 16
        @Param("offset", doc: "added to every value")
        public var offset = 0.0
        @Param("label", key: false, doc: "free text, not part of the key")
        public var label = ""

        /// The declarations.
        public init() {}
    }
    /// Makes the kind.
    public init() {}

    /// Writes dataset `values` of shape [count].
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let count = p.count
        guard count >= 0 else { throw EngineError(.nodeFailed, "count must be >= 0, got \(count)", node: context.nodeID) }
        let offset = p.offset
        var state = context.seed &+ 0x9E37_79B9_7F4A_7C15
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count {
            state = TestRandom.next(state)
            values[i] = Float(Double(state >> 40) / Double(1 << 24) + offset)
        }
        let out = try context.output("out")
        try out.write("values", shape: [count], values: values)
        try out.setAttribute("generator", "splitmix64")
    }
}

/// SplitMix64 steps for the test kinds (deterministic, no global state).
enum TestRandom {
    static func next(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

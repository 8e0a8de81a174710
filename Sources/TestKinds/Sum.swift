import SPFEngine

/// `test.sum`: element-wise sum of a list of inputs' `values` datasets (all of one shape).
public struct SumArrays: NodeKind {
    /// Kind name.
    public static let name = "test.sum"
    /// Implementation version.
    public static let version = 1
    /// Summary.
    public static let summary = "Element-wise sum of the `values` of every input in a list."
    /// Inputs.
    public static let inputs = [InputSpec("parts", list: true, doc: "objects with float32 `values` of equal shape")]
    /// Makes the kind.
    public init() {}

    /// Writes `values` (the sum, shape of the first part) and int64 `count` [1].
    public func run(_ context: NodeContext) throws {
        let parts = try context.inputList("parts")
        var shape: [Int] = [0]
        var total: [Float] = []
        for (i, part) in parts.enumerated() {
            let (s, v) = try part.readFloats("values")
            if i == 0 {
                shape = s
                total = v
            } else {
                guard s == shape else {
                    throw EngineError(.nodeFailed, "part \(i) has shape \(s), expected \(shape)", node: context.nodeID)
                }
                for j in 0..<v.count { total[j] += v[j] }
            }
        }
        let out = try context.output()
        try out.write("values", shape: shape, values: total)
        try out.write("count", shape: [1], values: [Int64(parts.count)])
    }
}

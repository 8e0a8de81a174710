import SPFEngine

/// `test.scale`: multiplies the input's `values` dataset by `factor`.
public struct ScaleArray: NodeKind {
    /// Kind name.
    public static let name = "test.scale"
    /// Implementation version.
    public static let version = 1
    /// Summary.
    public static let summary = "Multiplies every value of the input by a factor."
    /// Params.
    public struct Params: ParamSet {
        @Param("factor", doc: "multiplier")
        public var factor = 2.0
        @Param("dataset", doc: "float32 dataset to read (written back as `values`)")
        public var dataset = "values"

        /// The declarations.
        public init() {}
    }
    /// Inputs.
    public static let inputs = [InputSpec("data", doc: "an object with a float32 dataset (`values` by default)")]
    /// Makes the kind.
    public init() {}

    /// Writes `values` = input `values` × factor, same shape.
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let (shape, values) = try context.input("data").readFloats(p.dataset)
        let factor = Float(p.factor)
        try context.output().write("values", shape: shape, values: values.map { $0 * factor })
    }
}

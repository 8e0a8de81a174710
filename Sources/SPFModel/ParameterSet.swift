/// The named, ordered trainable arrays of a model (each a `Variable` that keeps its gradient).
public final class ParameterSet: @unchecked Sendable {
    /// Names in creation order.
    public private(set) var names: [String] = []
    /// Name → variable.
    public private(set) var byName: [String: Variable] = [:]

    /// Creates an empty set.
    public init() {}

    /// Adds a parameter.
    @discardableResult
    public func add(_ name: String, rows: Int, cols: Int, values: [Float]) -> Variable {
        let v = Variable(values, rows: rows, cols: cols, requiresGrad: true)
        names.append(name)
        byName[name] = v
        return v
    }

    /// Looks up a parameter (names are fixed by the model's construction).
    public subscript(_ name: String) -> Variable {
        // Names are created and read by the same model code; a miss is a programming error in this module.
        guard let v = byName[name] else { preconditionFailure("unknown parameter \(name)") }
        return v
    }

    /// Total number of scalars.
    public var count: Int { names.reduce(0) { $0 + (byName[$1]?.value.count ?? 0) } }

    /// Zeroes all gradients.
    public func zeroGrad() { for n in names { byName[n]?.zeroGrad() } }

    /// Named arrays (shape [rows, cols]) for export.
    public func export(prefix: String = "param/") -> [String: (shape: [Int], values: [Float])] {
        var out: [String: (shape: [Int], values: [Float])] = [:]
        for n in names { if let v = byName[n] { out[prefix + n] = ([v.rows, v.cols], v.value) } }
        return out
    }

    /// Loads values exported by `export` (every parameter must be present with its shape).
    public func load(_ arrays: [String: (shape: [Int], values: [Float])], prefix: String = "param/") throws {
        for n in names {
            guard let v = byName[n] else { continue }
            guard let a = arrays[prefix + n] else { throw SPFModelError(.invalidState, "missing array \(prefix + n)") }
            guard a.values.count == v.value.count else {
                throw SPFModelError(.invalidState, "array \(prefix + n) has \(a.values.count) values, parameter needs \(v.value.count)")
            }
            v.value = a.values
        }
    }

    /// A copy of all values in order (for EMA and comparisons).
    public func flatValues() -> [[Float]] { names.map { byName[$0]?.value ?? [] } }
}

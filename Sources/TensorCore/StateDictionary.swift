/// One named float array of saved state: a shape and its row-major values.
public struct StateArray: Sendable, Equatable {
    /// Shape of the array.
    public var shape: [Int]
    /// Values, row-major; `values.count` is the product of `shape`.
    public var values: [Float]

    /// An array of `shape` holding `values`.
    public init(shape: [Int], values: [Float]) {
        self.shape = shape
        self.values = values
    }
}

/// Saved state as named flat arrays: what a checkpoint writer stores (one dataset per entry).
///
/// TensorCore knows nothing of files; the pipeline writes `floats` as float datasets and
/// `integers` as 64-bit integer datasets (step counts, random stream states).
public struct StateDictionary: Sendable, Equatable {
    /// Float arrays by name (parameters, optimizer moments, EMA weights).
    public var floats: [String: StateArray] = [:]
    /// Integer arrays by name (step, RNG state).
    public var integers: [String: [UInt64]] = [:]

    /// An empty dictionary.
    public init() {}

    /// Adds every entry of `other` (entries of `other` win).
    public mutating func merge(_ other: StateDictionary) {
        floats.merge(other.floats) { _, b in b }
        integers.merge(other.integers) { _, b in b }
    }

    /// The float array `name`, checked against `shape`.
    public func floatArray(_ name: String, shape: [Int]) throws(TensorError) -> [Float] {
        guard let a = floats[name] else { throw TensorError(.missingState, "state has no array '\(name)'") }
        guard a.shape == shape, a.values.count == Tensor.elementCount(shape) else {
            throw TensorError(.shapeMismatch, "state array '\(name)' has shape \(a.shape), expected \(shape)")
        }
        return a.values
    }

    /// The integer array `name`, checked to hold `count` values.
    public func integerArray(_ name: String, count: Int) throws(TensorError) -> [UInt64] {
        guard let a = integers[name] else { throw TensorError(.missingState, "state has no integers '\(name)'") }
        guard a.count == count else {
            throw TensorError(.shapeMismatch, "state integers '\(name)' hold \(a.count) values, expected \(count)")
        }
        return a
    }
}

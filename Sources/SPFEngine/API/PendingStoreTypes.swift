import Foundation

// TEMPORARY: the object store (branch `store`) defines the real `StoredObject` and `ObjectWriter`.
// These declarations only carry the brief's signatures so that the node-kind API compiles before the
// store lands; this file is deleted when `store` is merged into `engine`. Every method throws.

private func storePending() -> EngineError {
    EngineError(.cache, "the object store is not merged into this branch yet")
}

/// Read side of one committed cache object (placeholder until the store lands).
public final class StoredObject: Sendable {
    /// The object's key.
    public let key: String = ""
    /// Names of the datasets in the object.
    public var datasetNames: [String] { [] }
    /// Provenance and kind-defined attributes.
    public var attributes: [String: String] { [:] }
    /// Auxiliary files committed with the object.
    public var filesDirectory: URL? { nil }
    /// One attribute.
    public func attribute(_ name: String) -> String? { nil }
    /// The shape of a dataset.
    public func shape(of name: String) throws -> [Int] { throw storePending() }
    /// Reads a float32 dataset.
    public func readFloats(_ name: String) throws -> (shape: [Int], values: [Float]) { throw storePending() }
    /// Reads a float64 dataset.
    public func readDoubles(_ name: String) throws -> (shape: [Int], values: [Double]) { throw storePending() }
    /// Reads an int32 dataset.
    public func readInt32s(_ name: String) throws -> (shape: [Int], values: [Int32]) { throw storePending() }
    /// Reads an int64 dataset.
    public func readInt64s(_ name: String) throws -> (shape: [Int], values: [Int64]) { throw storePending() }
}

/// Write side of one cache object (placeholder until the store lands).
public final class ObjectWriter: Sendable {
    /// Directory for auxiliary files committed with the object.
    public var filesDirectory: URL { URL(fileURLWithPath: "/nonexistent") }
    /// Writes a float32 dataset.
    public func write(_ name: String, shape: [Int], values: [Float]) throws { throw storePending() }
    /// Writes a float64 dataset.
    public func write(_ name: String, shape: [Int], values: [Double]) throws { throw storePending() }
    /// Writes an int32 dataset.
    public func write(_ name: String, shape: [Int], values: [Int32]) throws { throw storePending() }
    /// Writes an int64 dataset.
    public func write(_ name: String, shape: [Int], values: [Int64]) throws { throw storePending() }
    /// Sets a string attribute.
    public func setAttribute(_ name: String, _ value: String) throws { throw storePending() }
}

/// A node's parameters after defaults were applied and types checked, by name: what the loader produces, keys
/// hash and provenance records. Kinds read them typed, as their ``ParamSet`` (`context.params(Params.self)`).
public struct NodeParams: Sendable, Hashable {
    /// Every declared param (key and non-key), by name.
    public let values: [String: ParamValue]

    /// Wraps checked values.
    public init(_ values: [String: ParamValue]) { self.values = values }

    /// The raw value of a declared param.
    public func value(_ name: String) throws -> ParamValue {
        guard let v = values[name] else {
            throw EngineError(.kindContract, "param '\(name)' is not declared by this kind (declared: \(values.keys.sorted().joined(separator: ", ")))")
        }
        return v
    }

    /// An `int` param.
    public func int(_ name: String) throws -> Int {
        guard case .int(let v) = try value(name) else { throw mismatch(name, "int") }
        return v
    }

    /// A `double` param (an int value is widened).
    public func double(_ name: String) throws -> Double {
        switch try value(name) {
        case .double(let v): return v
        case .int(let v): return Double(v)
        default: throw mismatch(name, "double")
        }
    }

    /// A `string` or `path` param (a path is already absolute).
    public func string(_ name: String) throws -> String {
        guard case .string(let v) = try value(name) else { throw mismatch(name, "string") }
        return v
    }

    /// A `bool` param.
    public func bool(_ name: String) throws -> Bool {
        guard case .bool(let v) = try value(name) else { throw mismatch(name, "bool") }
        return v
    }

    /// An `intList` param.
    public func ints(_ name: String) throws -> [Int] {
        guard case .list(let items) = try value(name) else { throw mismatch(name, "list of int") }
        return try items.map { item in
            guard case .int(let v) = item else { throw mismatch(name, "list of int") }
            return v
        }
    }

    /// A `doubleList` param.
    public func doubles(_ name: String) throws -> [Double] {
        guard case .list(let items) = try value(name) else { throw mismatch(name, "list of double") }
        return try items.map { item in
            switch item {
            case .double(let v): return v
            case .int(let v): return Double(v)
            default: throw mismatch(name, "list of double")
            }
        }
    }

    /// A `stringList` param.
    public func strings(_ name: String) throws -> [String] {
        guard case .list(let items) = try value(name) else { throw mismatch(name, "list of string") }
        return try items.map { item in
            guard case .string(let v) = item else { throw mismatch(name, "list of string") }
            return v
        }
    }

    /// An `object` param as a map.
    public func object(_ name: String) throws -> [String: ParamValue] {
        guard case .object(let v) = try value(name) else { throw mismatch(name, "object") }
        return v
    }

    private func mismatch(_ name: String, _ type: String) -> EngineError {
        EngineError(.kindContract, "param '\(name)' is not a \(type)")
    }
}

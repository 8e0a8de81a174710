/// Where one parameter lives in the flat parameter (and gradient) buffer.
public struct ParameterSlot: Sendable, Equatable {
    /// Unique name, e.g. `blocks.0.latent.qkv.weight`.
    public let name: String
    /// Shape of the parameter.
    public let shape: [Int]
    /// Offset of the first element in the flat buffer.
    public let offset: Int
    /// Number of elements.
    public var count: Int { Tensor.elementCount(shape) }
}

/// The list of parameters of a model, in registration order, laid out back to back.
///
/// Layers register their parameters at construction (`layout.add(...)`) and keep the returned
/// ``ParameterSlot``; a ``ParameterStore`` made from the finished layout holds all values in one
/// flat buffer and all gradients in another.
public struct ParameterLayout: Sendable {
    /// Registered parameters, in order.
    public private(set) var slots: [ParameterSlot] = []
    /// How each slot is initialised (parallel to `slots`).
    public private(set) var initializers: [ParameterInitializer] = []
    /// Whether each slot takes weight decay (parallel to `slots`).
    public private(set) var decays: [Bool] = []
    /// Total number of floats.
    public private(set) var count: Int = 0

    /// An empty layout.
    public init() {}

    /// Registers a parameter of `shape`; offsets are padded to 16 floats (64 bytes).
    public mutating func add(_ name: String, shape: [Int], initializer: ParameterInitializer,
                             weightDecay: Bool = true) -> ParameterSlot {
        precondition(!slots.contains { $0.name == name }, "parameter \(name) registered twice")
        let offset = (count + 15) & ~15
        let slot = ParameterSlot(name: name, shape: shape, offset: offset)
        slots.append(slot)
        initializers.append(initializer)
        decays.append(weightDecay)
        count = offset + slot.count
        return slot
    }

    /// Number of parameters (elements, excluding padding).
    public var parameterCount: Int { slots.reduce(0) { $0 + $1.count } }
}

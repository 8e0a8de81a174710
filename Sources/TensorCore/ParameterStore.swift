/// All parameters of a model in one flat buffer, and their gradients in another.
///
/// AdamW, clipping and EMA are single loops over the flat buffers; a checkpoint is one write per
/// parameter name (``stateDictionary(prefix:)``). Layers reach their tensors through the
/// ``ParameterSlot``s they registered: ``value(_:)`` / ``gradient(_:)`` or raw pointers.
public final class ParameterStore: @unchecked Sendable {
    /// The layout these buffers follow.
    public let layout: ParameterLayout
    /// Parameter values, `[layout.count]`.
    public let values: Tensor
    /// Parameter gradients, `[layout.count]` (layers' backward passes accumulate into these).
    public let gradients: Tensor
    /// Layer weights packed once for sampling, once the store is frozen (``freezeForInference()``).
    public let packedWeights = PackedWeightCache()

    /// Allocates the buffers and initialises every parameter from `seed` (parameter `i` uses
    /// child stream `i`, so adding a parameter at the end does not change earlier ones).
    public init(layout: ParameterLayout, seed: UInt64) {
        self.layout = layout
        values = Tensor(zeros: [layout.count])
        gradients = Tensor(zeros: [layout.count])
        let root = RandomStream(seed: seed)
        for (i, slot) in layout.slots.enumerated() {
            var rng = root.child(UInt64(i))
            let t = value(slot)
            switch layout.initializers[i] {
            case .zeros: t.zero()
            case .constant(let c): t.fill(c)
            case .normal(let std): rng.fillNormal(t, std: std)
            case .xavierUniform(let fanIn, let fanOut):
                let bound = (6 / Float(fanIn + fanOut)).squareRoot()
                rng.fillUniform(t, low: -bound, high: bound)
            case .uniform(let bound): rng.fillUniform(t, low: -bound, high: bound)
            }
        }
    }

    /// The value tensor of `slot` (a view into ``values``).
    public func value(_ slot: ParameterSlot) -> Tensor { values.view(at: slot.offset, shape: slot.shape) }

    /// The gradient tensor of `slot` (a view into ``gradients``).
    public func gradient(_ slot: ParameterSlot) -> Tensor { gradients.view(at: slot.offset, shape: slot.shape) }

    /// Pointer to the values of `slot`.
    @inlinable public func valuePointer(_ slot: ParameterSlot) -> UnsafeMutablePointer<Float> {
        values.data + slot.offset
    }

    /// Pointer to the gradients of `slot`.
    @inlinable public func gradientPointer(_ slot: ParameterSlot) -> UnsafeMutablePointer<Float> {
        gradients.data + slot.offset
    }

    /// Freezes the values for inference: from now on each ``Linear`` packs its weight once, on first use, and every
    /// later forward pass multiplies by the packed copy (``GEMM/multiply(m:a:lda:packed:bias:accumulate:c:ldc:context:)``)
    /// instead of having a BLAS repack it per call. For a model that samples, not one that trains: values changed
    /// other than by ``load(_:prefix:)`` after this would not reach the packed copies. The outputs are those of the
    /// packed kernel (bit-identical on every CPU), within float rounding of the BLAS path's.
    public func freezeForInference() { packedWeights.freeze() }

    /// Whether ``freezeForInference()`` was called.
    public var isFrozenForInference: Bool { packedWeights.isFrozen }

    /// Sets every gradient to zero (call before each backward pass).
    public func zeroGradients() { gradients.zero() }

    /// Parameter values as named arrays (`prefix + slot.name`).
    public func stateDictionary(prefix: String = "params/") -> StateDictionary {
        var d = StateDictionary()
        for slot in layout.slots { d.floats[prefix + slot.name] = StateArray(shape: slot.shape, values: value(slot).toArray()) }
        return d
    }

    /// Loads every parameter from `state` (all names must be present with matching shapes).
    public func load(_ state: StateDictionary, prefix: String = "params/") throws(TensorError) {
        for slot in layout.slots {
            let v = try state.floatArray(prefix + slot.name, shape: slot.shape)
            v.withUnsafeBufferPointer { src in
                if let b = src.baseAddress { valuePointer(slot).update(from: b, count: slot.count) }
            }
        }
        packedWeights.invalidate()
    }
}

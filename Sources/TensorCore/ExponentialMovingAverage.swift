/// An exponential moving average of all parameters: `shadow ← d·shadow + (1 − d)·θ`.
public final class ExponentialMovingAverage: @unchecked Sendable {
    /// Decay `d`.
    public let decay: Float
    /// The averaged parameters, `[P]` (flat, same layout as the store).
    public let shadow: Tensor

    /// Starts the average at the current parameter values.
    public init(_ parameters: ParameterStore, decay: Float) {
        self.decay = decay
        shadow = parameters.values.clone()
    }

    /// Folds the current parameters into the average.
    public func update(_ parameters: ParameterStore, context: ComputeContext) {
        update(parameters, decay: decay, context: context)
    }

    /// Folds the current parameters into the average with this step's decay `d` (e.g. a warm-up
    /// `min(decay, (1 + n)/(10 + n))`) instead of the fixed ``decay``.
    public func update(_ parameters: ParameterStore, decay d: Float, context: ComputeContext) {
        precondition(parameters.values.count == shadow.count, "EMA is for another parameter layout")
        let s = shadow.data, p = parameters.values.data
        ElementwiseLoop.ranges(shadow.count, context: context) { range in
            for i in range { s[i] = d * s[i] + (1 - d) * p[i] }
        }
    }

    /// Copies the averaged weights into `parameters` (e.g. a separate store used for sampling).
    public func copy(into parameters: ParameterStore) { parameters.values.copy(from: shadow) }

    /// The average as a named array (`prefix` + `shadow`).
    public func stateDictionary(prefix: String = "ema/") -> StateDictionary {
        var d = StateDictionary()
        d.floats[prefix + "shadow"] = StateArray(shape: [shadow.count], values: shadow.toArray())
        return d
    }

    /// Restores the average from ``stateDictionary(prefix:)``.
    public func load(_ state: StateDictionary, prefix: String = "ema/") throws(TensorError) {
        let v = try state.floatArray(prefix + "shadow", shape: [shadow.count])
        for i in 0..<shadow.count { shadow[flat: i] = v[i] }
    }
}
